"""Which operations each deployable serves: the three functions, and the gateway with all of them."""

from __future__ import annotations

from shared.http.endpoints.analyses import ANALYSIS_EVENTS, CANCEL_ANALYSIS, LIST_ANALYSES
from shared.http.endpoints.batches import CREATE_BATCH, GET_BATCH, GET_BATCH_REPORT_HTML, GET_BATCH_REPORT_PDF
from shared.http.endpoints.comparisons import CREATE_COMPARISON, GET_COMPARISON, GET_COMPARISON_REPORT
from shared.http.endpoints.console import CONSOLE, CONSOLE_ASSET
from shared.http.endpoints.docs import OPENAPI
from shared.http.endpoints.health import HEALTHZ, READYZ
from shared.http.endpoints.results import GET_ANALYSIS, GET_REPORT_HTML, GET_REPORT_PDF, GET_SCREENSHOT
from shared.http.endpoints.stats import GET_STATS, METRICS
from shared.http.endpoints.submit import CREATE_ANALYSIS
from shared.http.endpoints.tasks import ANALYZE_TASK
from shared.http.legacy.endpoints import ANALYZE_ASYNC, ANALYZE_RESULT, ANALYZE_STATUS, HEALTH, STATUS_DETAILED
from shared.http.operations import Operation

# Every process answers liveness, readiness, its own metrics and its own OpenAPI document.
OPERATIONAL: tuple[Operation, ...] = (HEALTHZ, READYZ, HEALTH, STATUS_DETAILED, METRICS, OPENAPI)

SUBMIT: tuple[Operation, ...] = (CREATE_ANALYSIS, CREATE_BATCH, CREATE_COMPARISON, ANALYZE_ASYNC, *OPERATIONAL)
RESULT: tuple[Operation, ...] = (
    CONSOLE,
    CONSOLE_ASSET,
    LIST_ANALYSES,
    GET_ANALYSIS,
    CANCEL_ANALYSIS,
    ANALYSIS_EVENTS,
    GET_STATS,
    GET_REPORT_HTML,
    GET_REPORT_PDF,
    GET_SCREENSHOT,
    GET_BATCH,
    GET_BATCH_REPORT_HTML,
    GET_BATCH_REPORT_PDF,
    GET_COMPARISON,
    GET_COMPARISON_REPORT,
    ANALYZE_STATUS,
    ANALYZE_RESULT,
    *OPERATIONAL,
)
ANALYZE: tuple[Operation, ...] = (ANALYZE_TASK, *OPERATIONAL)
GATEWAY: tuple[Operation, ...] = tuple(dict.fromkeys((*SUBMIT, *RESULT, *ANALYZE)))
