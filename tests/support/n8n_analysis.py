"""The analysis `cro-analyzer serve --analyze-fn tests.support.n8n_analysis:analysis` runs for the n8n tests.

No page is fetched: a segment of the URL's path picks the outcome (`.../fails/...` fails at once,
`.../slow/...` takes longer than any poll budget), so each workflow branch can be reached on purpose.
A page that succeeds has findings whose ranking (`top_issues`) is not their order in the report, so a
summary that loses the ranking shows. For the monitor, a page can get worse after its first analysis (in
this process): `.../drops/...` by DROP points, `.../dips/...` by DIP points (under the monitor's
threshold), `.../new-high/...` by a new high-severity finding at the same score.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from urllib.parse import urlsplit

from harness.scripted_analysis import make_outcome
from shared.engine import AnalysisOptions, AnalysisOutcome, ProgressCallback
from shared.errors import AnalysisError, ErrorCode
from shared.models.report import Finding

FAILING = "fails"
SLOW = "slow"
# Longer than any poll budget a test gives the workflow; bounded so a left-over job ends by itself.
SLOW_S = 60.0
FAILURE_MESSAGE = "the page answered 404"
DROPS, DIPS, NEW_HIGH = "drops", "dips", "new-high"
DROP, DIP = 10, 3
NEW_HIGH_FINDING = ("checkout.button_hidden", "cta", "high", "The checkout button is hidden on phones")
# Analyses of each URL so far: what makes a later analysis of the same page differ from its first.
_ANALYSED: Counter[str] = Counter()

# In report order; RANKING is the order `top_issues` gives them.
FINDINGS = (
    ("content.vague_headline", "content", "low", "The headline does not say what is offered"),
    ("cta.low_contrast", "cta", "high", "The main button is hard to see"),
    ("forms.too_many_fields", "forms", "medium", "The form asks for nine fields"),
)
RANKING = ("cta.low_contrast", "forms.too_many_fields", "content.vague_headline")


def ranked_summary() -> list[str]:
    """What the summary nodes should list as top issues: `severity: title`, most important first."""
    by_rule = {rule: f"{severity}: {title}" for rule, _, severity, title in FINDINGS}
    return [by_rule[rule] for rule in RANKING]


async def analysis(options: AnalysisOptions, progress: ProgressCallback) -> AnalysisOutcome:
    segments = urlsplit(options.url).path.split("/")
    await progress("capturing", 10)
    if FAILING in segments:
        raise AnalysisError(ErrorCode.target_http_error, FAILURE_MESSAGE)
    if SLOW in segments:
        await asyncio.sleep(SLOW_S)
    outcome = make_outcome(options)
    later = _ANALYSED[options.url] > 0
    _ANALYSED[options.url] += 1
    drop = (DROP if DROPS in segments else DIP if DIPS in segments else 0) if later else 0
    scores = outcome.report.scores
    scores = scores.model_copy(update={"overall": scores.overall - drop})
    chosen = [*FINDINGS, NEW_HIGH_FINDING] if later and NEW_HIGH in segments else FINDINGS
    findings = [
        Finding.model_validate(
            {
                "id": rule,
                "rule": rule,
                "category": category,
                "severity": severity,
                "source": "rule",
                "title": title,
                "detail": f"{title}.",
                "recommendation": f"Fix it: {title.lower()}.",
            }
        )
        for rule, category, severity, title in chosen
    ]
    report = outcome.report.model_copy(update={"findings": findings, "top_issues": list(RANKING), "scores": scores})
    return AnalysisOutcome(report=report, screenshots=outcome.screenshots)
