"""Every setting of the service, read once from the environment and validated at start.

One object serves every entry point (CLI, the three functions, the gateway, the worker); tests build
their own instance instead of mutating the environment. Each bound the service enforces (timeouts,
sizes, counts) is a field here, so nothing is a hidden literal in the code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shared.models.speed import ThrottlingMode

QueueBackend = Literal["inline", "redis", "cloudtasks"]

CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    # --- capture -----------------------------------------------------------------------------------
    chromium_path: Path | None = Field(None, description="Chromium executable; else Playwright's, else system paths.")
    chromium_sandbox: bool = Field(
        True,
        description="Keep Chromium's sandbox (it needs user namespaces). Off only where the platform denies them "
        "and the container is the boundary; always off as root, where Chromium refuses it.",
    )
    allowed_private_hosts: CommaList = Field(
        default_factory=list,
        description="host:port pairs the browser and webhooks may reach although they are not public "
        "(tests, local demos). Comma-separated.",
    )
    navigation_timeout_s: float = Field(15.0, gt=0, le=120, description="Budget for the first response of the page.")
    load_budget_s: float = Field(6.0, gt=0, le=120, description="Budget for the page's load event after navigation.")
    network_quiet_ms: int = Field(
        500, ge=0, le=10_000, description="Network-quiet window after load (times the CPU slowdown when throttled)."
    )
    network_quiet_budget_s: float = Field(2.0, ge=0, le=60, description="Longest wait for that quiet window.")
    first_paint_budget_s: float = Field(
        3.0,
        ge=0,
        le=60,
        description="Longest wait, once the network is quiet, for the page's first contentful paint before "
        "its timings are read (times the CPU slowdown when throttled); a busy machine can be that far behind.",
    )
    mobile_throttling: ThrottlingMode = Field(
        "lighthouse",
        description="Network and CPU of the phone's load and measurement window: `lighthouse` (Lighthouse's "
        "mobile conditions as DevTools applies them, see How it works) or `none` (this machine's full speed).",
    )
    desktop_throttling: ThrottlingMode = Field(
        "lighthouse", description="The same for the desktop: `lighthouse` (Lighthouse's desktop conditions) or `none`."
    )
    throttled_load_budget_s: float = Field(
        30.0, gt=0, le=120, description="Budget for the load event of a throttled load (instead of LOAD_BUDGET_S)."
    )
    throttled_network_quiet_budget_s: float = Field(
        5.0, ge=0, le=60, description="Longest wait for the quiet window of a throttled load."
    )
    capture_timeout_s: float = Field(
        90.0,
        gt=0,
        le=600,
        description="Hard limit for capturing all devices of one page (a throttled phone load, and its retry "
        "when degraded, included).",
    )
    full_page_max_height_px: int = Field(10_000, ge=900, le=50_000, description="Height cap of full-page screenshots.")
    full_page_max_width_px: int = Field(
        2560, ge=390, le=10_000, description="Width cap of full-page screenshots (a page can widen its viewport)."
    )
    screenshot_max_pixels: int = Field(
        16_000_000,
        ge=1_000_000,
        le=100_000_000,
        description="Most pixels one screenshot may have; also the most a stored PNG is decoded to.",
    )
    max_concurrent_pages: int = Field(4, ge=1, le=64, description="Pages open at once in this process's Chromium.")
    page_memory_budget_mb: int = Field(
        1536,
        ge=128,
        le=16_384,
        description="Resident memory one page's renderer may use; over it the page is stopped (resource_limit).",
    )
    memory_watch_interval_s: float = Field(
        0.25, ge=0.05, le=5, description="How often renderer memory is sampled against that budget."
    )
    max_document_bytes: int = Field(10_000_000, ge=10_000, description="Largest HTML document accepted.")
    axe_enabled: bool = Field(True, description="Run axe-core accessibility checks.")
    dns_timeout_s: float = Field(
        5.0,
        gt=0,
        le=60,
        description="Budget for resolving one host name, a wait for a lookup slot included; a name with no "
        "answer by then fails as a transient error.",
    )
    egress_max_dns_lookups: int = Field(
        8,
        ge=1,
        le=256,
        description="DNS lookups one egress session (a browser context, a webhook) may have in flight; more "
        "wait for a slot within DNS_TIMEOUT_S.",
    )
    egress_handshake_timeout_s: float = Field(
        5.0, gt=0, le=60, description="A client of the egress proxy that sends no complete request by then is dropped."
    )
    egress_max_connections: int = Field(
        64, ge=1, le=1024, description="Connections one egress session (a browser context, a webhook) may hold open."
    )
    egress_max_refusals_logged: int = Field(
        1000, ge=10, le=100_000, description="Refusals one egress session remembers (the latest ones)."
    )
    browser_op_timeout_s: float = Field(
        30.0, gt=0, le=300, description="Budget for launching Chromium, opening or closing a context."
    )
    browser_check_cache_s: float = Field(
        60.0, ge=0, le=3600, description="How long /readyz reuses its answer to whether Chromium starts; 0 = each time."
    )
    responsiveness_probe_s: float = Field(
        2.0, gt=0, le=60, description="How long the page may take to answer a trivial script before its JS is stopped."
    )
    script_budget_s: float = Field(
        5.0, gt=0, le=120, description="Budget of one in-page script (facts, metrics) before the page's JS is stopped."
    )
    screenshot_budget_s: float = Field(10.0, gt=0, le=120, description="Budget of one screenshot.")
    axe_budget_s: float = Field(8.0, gt=0, le=120, description="Budget of the axe-core checks on one device.")
    lazy_scroll_budget_s: float = Field(
        3.0, ge=0, le=60, description="Budget for scrolling through the page and letting lazy content load."
    )
    settle_budget_s: float = Field(
        3.0,
        ge=0,
        le=30,
        description="Longest wait, before a screenshot, for a loading screen to go and running animations to end.",
    )
    overlay_watch_s: float = Field(
        2.0,
        ge=0,
        le=30,
        description="How long after `load` capture keeps watching for late overlays (consent bars, modals) while "
        "the page still has requests or timers pending.",
    )
    degraded_capture_retries: int = Field(
        1, ge=0, le=2, description="Fresh-context retries of a device capture whose quality is degraded."
    )
    degraded_own_failure_share: float = Field(
        0.2,
        gt=0,
        le=1,
        description="Share of the page's own-origin requests failing at the network level that marks a capture "
        "degraded.",
    )
    blank_fold_share: float = Field(
        0.999,
        gt=0.5,
        le=1,
        description="A first-view screenshot whose most common colour covers this share of it counts as blank.",
    )
    facts_max_elements: int = Field(
        200, ge=10, le=5000, description="Elements kept per kind (CTAs, images, ...) per device, in document order."
    )
    facts_excerpt_chars: int = Field(5000, ge=0, le=100_000, description="Length of the page text excerpt in facts.")
    facts_max_text_chars: int = Field(
        500, ge=50, le=10_000, description="Longest string (text, attribute, URL) kept from the page per fact."
    )
    max_logged_events: int = Field(50, ge=1, le=1000, description="Console errors and failed requests kept per device.")

    # --- analysis ----------------------------------------------------------------------------------
    analysis_timeout_s: float = Field(
        180.0,
        gt=0,
        le=1800,
        description="Hard limit for one whole analysis: the capture, field data and Claude's review fit in it.",
    )

    # --- field data (Chrome UX Report) -------------------------------------------------------------
    crux_api_key: SecretStr | None = Field(
        None, description="Chrome UX Report API key; unset = no field data (the analysed URL is sent to Google)."
    )
    crux_base_url: str = Field(
        "https://chromeuxreport.googleapis.com", description="Base URL of the CrUX API (tests: a fake on loopback)."
    )
    crux_timeout_s: float = Field(4.0, gt=0, le=60, description="Budget of one CrUX API call.")
    crux_budget_s: float = Field(
        8.0, gt=0, le=120, description="Budget of all CrUX calls of one analysis (retries, origin fallback)."
    )
    crux_max_retries: int = Field(2, ge=0, le=5, description="Retries of a CrUX call answered 429/5xx or cut off.")
    crux_retry_backoff_s: float = Field(0.5, ge=0, le=10, description="First CrUX retry delay; doubles per retry.")
    crux_max_response_bytes: int = Field(
        256 * 1024, ge=1024, le=10_000_000, description="Largest CrUX answer read; a larger one is refused."
    )

    # --- Claude ------------------------------------------------------------------------------------
    anthropic_api_key: SecretStr | None = Field(None, description="Claude API key; unset = rules-only reports.")
    anthropic_model: str = Field("claude-sonnet-5-5", description="Claude model id (a current Sonnet).")
    anthropic_base_url: str | None = Field(None, description="Messages API base URL; unset = Anthropic's.")
    llm_timeout_s: float = Field(60.0, gt=0, le=600, description="Overall budget for Claude in one analysis.")
    llm_max_retries: int = Field(2, ge=0, le=10, description="SDK retries on 429/5xx/529.")
    llm_max_output_tokens: int = Field(3000, ge=256, le=32_000, description="Longest answer Claude may give.")
    llm_page_text_chars: int = Field(2500, ge=0, le=50_000, description="Page text budget sent to Claude.")
    llm_image_long_edge_px: int = Field(
        1568, ge=200, le=1568, description="Long edge of images sent (Anthropic's recommended maximum)."
    )
    llm_extra_slices: int = Field(2, ge=0, le=2, description="Page slices sent beyond the two fold screenshots.")
    llm_input_token_budget: int = Field(
        8000, ge=2000, le=200_000, description="Estimated input tokens per request; slices shrink or drop to fit."
    )
    llm_image_max_tokens: int = Field(
        1600, ge=200, le=6000, description="Per-image cap (w x h / 750); Anthropic downscales larger images anyway."
    )
    llm_slice_min_edge_px: int = Field(
        480, ge=100, le=1568, description="A slice that would be shrunk below this long edge is dropped instead."
    )
    llm_jpeg_quality: int = Field(80, ge=30, le=95, description="JPEG quality of the images sent to Claude.")
    llm_digest_max_elements: int = Field(
        30, ge=0, le=500, description="Elements listed per device in the facts digest (cited and above-fold first)."
    )
    llm_digest_max_findings: int = Field(
        40, ge=0, le=500, description="Rule findings listed to Claude (most severe first) so it does not repeat them."
    )

    # --- store and queue ---------------------------------------------------------------------------
    redis_url: str | None = Field(None, description="Redis URL; unset = embedded in-process store.")
    key_prefix: str = Field("cro:", description="Prefix of every Redis key this service writes.")
    result_ttl_s: int = Field(72 * 3600, ge=60, description="How long jobs, reports and screenshots are kept.")
    cache_ttl_s: int = Field(24 * 3600, ge=0, description="How long an identical request is served from cache.")
    queue_backend: QueueBackend = Field("inline", description="inline (in process), redis (Streams) or cloudtasks.")
    lease_s: float = Field(240.0, gt=0, description="How long one attempt owns a job; > analysis_timeout_s.")
    max_attempts: int = Field(3, ge=1, le=20, description="Deliveries of one job before it fails for good.")
    retry_backoff_s: float = Field(2.0, ge=0, description="First retry delay; doubles per attempt.")
    retry_backoff_max_s: float = Field(60.0, ge=0, description="Longest delay between two attempts.")
    worker_concurrency: int = Field(2, ge=1, le=64, description="Analyses one `cro-analyzer worker` runs at once.")
    inline_concurrency: int = Field(2, ge=1, le=64, description="Analyses the inline queue runs at once.")
    analyze_url: str | None = Field(None, description="Public URL of the analyze function (Cloud Tasks target).")
    cloud_tasks_project: str | None = Field(None, description="Google Cloud project of the Cloud Tasks queue.")
    cloud_tasks_location: str | None = Field(None, description="Region of the Cloud Tasks queue.")
    cloud_tasks_queue: str | None = Field(None, description="Name of the Cloud Tasks queue.")
    cloud_tasks_service_account: str | None = Field(
        None, description="Service account whose OIDC token Cloud Tasks sends."
    )
    cloud_tasks_emulator_host: str | None = Field(None, description="host:port of gcloud-tasks-emulator (local).")
    dispatch_deadline_s: int = Field(
        600, ge=15, le=1800, description="How long Cloud Tasks waits for one analyze call; > lease_s."
    )
    redis_timeout_s: float = Field(5.0, gt=0, le=60, description="Connect and socket timeout of Redis calls.")
    redis_max_connections: int = Field(64, ge=4, le=1024, description="Connection pool size per process.")
    inflight_ttl_s: int = Field(
        3600, ge=60, description="How long an unfinished job coalesces identical submits at most."
    )
    enqueue_timeout_s: float = Field(10.0, gt=0, le=60, description="Budget for handing one job to the queue.")
    shutdown_grace_s: float = Field(
        30.0, ge=0, le=600, description="On SIGTERM, how long running analyses may finish before their leases go."
    )
    worker_poll_s: float = Field(
        1.0, gt=0, le=30, description="Longest blocking read of the worker; also how often due retries move."
    )
    worker_reclaim_interval_s: float = Field(
        15.0, gt=0, le=600, description="How often the worker looks for deliveries a dead consumer left."
    )
    stream_max_len: int = Field(100_000, ge=100, description="Approximate cap of the Redis Streams queue length.")
    worker_forget_consumer_after_s: float = Field(
        3600.0, ge=60, description="A consumer with nothing pending and silent this long is removed from the group."
    )

    # --- HTTP, auth, limits ------------------------------------------------------------------------
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="Accepted API keys, comma-separated (several for rotation); unset = open."
    )
    task_secret: SecretStr | None = Field(None, description="Shared secret of queue pushes (X-Task-Secret).")
    task_oidc_audience: str | None = Field(None, description="Expected audience; defaults to analyze_url.")
    task_oidc_certs_url: str = Field(
        "https://www.googleapis.com/oauth2/v1/certs", description="Google's certificates for OIDC tokens."
    )
    allow_anonymous_tasks: bool = Field(False, description="Local development only.")
    rate_limit_per_minute: int = Field(120, ge=0, description="Submits per API key per minute; 0 = off.")
    dns_lookups_per_key: int = Field(
        4,
        ge=1,
        le=256,
        description="DNS lookups the submits of one API key (url, callback_url) may have in flight; more wait "
        "for a slot within DNS_TIMEOUT_S, then answer 503.",
    )
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="Largest request body accepted (413 above).")
    public_base_url: str | None = Field(
        None, description="Base of links in responses and webhooks (https://cro.example.com); else see TRUSTED_HOSTS."
    )
    trusted_hosts: CommaList = Field(
        default_factory=lambda: ["localhost", "127.0.0.1", "::1"],
        description="Without PUBLIC_BASE_URL, Host headers links may be built from (names, `*.example.com`, or "
        "`*`); a request to any other host gets links relative to it. Comma-separated.",
    )
    body_read_timeout_s: float = Field(15.0, gt=0, le=300, description="Longest wait for a request body to arrive.")
    task_oidc_certs_timeout_s: float = Field(10.0, gt=0, le=60, description="Fetch of Google's token certificates.")
    task_oidc_certs_cache_s: float = Field(
        3600.0, ge=0, le=86_400, description="How long fetched token certificates are reused; 0 = every time."
    )

    # --- webhooks ----------------------------------------------------------------------------------
    webhook_secret: SecretStr | None = Field(None, description="Signing secret of callbacks (whsec_... or raw).")
    webhook_timeout_s: float = Field(10.0, gt=0, le=120, description="Timeout of one callback attempt.")
    webhook_max_attempts: int = Field(5, ge=1, le=20, description="Callback attempts before giving up.")
    webhook_max_report_bytes: int = Field(
        512 * 1024, ge=0, description="Largest report sent inline in a callback; larger ones are left out."
    )
    webhook_retry_backoff_s: float = Field(1.0, ge=0, le=60, description="First webhook retry delay; doubles.")
    webhook_retry_backoff_max_s: float = Field(
        30.0, ge=0, le=600, description="Longest delay between callback attempts."
    )

    # --- batches (many pages) and comparisons -------------------------------------------------------
    batch_max_pages: int = Field(
        500, ge=1, le=10_000, description="Largest `max_pages` a batch may ask for (a batch's own default is 50)."
    )
    batch_max_body_bytes: int = Field(
        1024 * 1024, ge=1024, le=50_000_000, description="Largest `POST /v1/batches` body accepted (413 above)."
    )
    batch_submit_concurrency: int = Field(
        8, ge=1, le=64, description="Pages of one new batch submitted at once (each checks its URL's DNS)."
    )
    batch_summary_top: int = Field(
        10, ge=1, le=100, description="Rules and worst pages listed in a batch's site summary."
    )
    batch_thumbnail_px: int = Field(
        320, ge=64, le=1280, description="Width of each page's fold thumbnail in the batch report."
    )
    sitemap_timeout_s: float = Field(10.0, gt=0, le=120, description="Budget of fetching one sitemap file.")
    sitemap_budget_s: float = Field(
        30.0, gt=0, le=300, description="Budget of reading a batch's whole sitemap (an index and its children)."
    )
    sitemap_max_bytes: int = Field(
        10_000_000,
        ge=10_000,
        le=50_000_000,
        description="Largest sitemap file read, counted after decompression (a .gz bomb stops here).",
    )
    sitemap_max_files: int = Field(
        20, ge=1, le=1000, description="Sitemap files read for one batch (the index counts as one)."
    )
    sitemap_max_redirects: int = Field(
        3, ge=0, le=10, description="Redirects followed per sitemap file (each hop same site, through the guard)."
    )

    # --- report ------------------------------------------------------------------------------------
    report_pdf_timeout_s: float = Field(
        30.0, gt=0, le=300, description="Budget for printing one report to PDF in Chromium (page, load, print)."
    )

    # --- operations --------------------------------------------------------------------------------
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Least severe log level written."
    )

    @field_validator("allowed_private_hosts", "trusted_hosts", "api_keys", mode="before")
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("crux_base_url")
    @classmethod
    def _check_crux_base_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("CRUX_BASE_URL must be an http(s) URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _check_consistency(self) -> Settings:
        if self.lease_s <= self.analysis_timeout_s:
            raise ValueError("LEASE_S must exceed ANALYSIS_TIMEOUT_S, or a running attempt could lose its lease")
        if self.queue_backend == "cloudtasks" and self.dispatch_deadline_s <= self.lease_s:
            raise ValueError(
                "DISPATCH_DEADLINE_S must exceed LEASE_S, or Cloud Tasks delivers a job again while its attempt "
                "still holds the lease, and each such delivery spends one of MAX_ATTEMPTS for nothing"
            )
        if self.queue_backend == "redis" and not self.redis_url:
            raise ValueError("QUEUE_BACKEND=redis needs REDIS_URL")
        if self.queue_backend == "cloudtasks":
            missing = [
                name
                for name in ("cloud_tasks_project", "cloud_tasks_location", "cloud_tasks_queue", "analyze_url")
                if not getattr(self, name)
            ]
            if missing:
                raise ValueError(f"QUEUE_BACKEND=cloudtasks needs {', '.join(m.upper() for m in missing)}")
        return self

    def link_base(self) -> str:
        """The base of links in responses and webhooks when PUBLIC_BASE_URL says it; else empty (relative)."""
        return self.public_base_url.rstrip("/") if self.public_base_url else ""

    @property
    def llm_configured(self) -> bool:
        return self.anthropic_api_key is not None and bool(self.anthropic_api_key.get_secret_value())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
