"""Chromium and one capture: where the browser is, the budgets of each step, the measurement conditions, and
the caps on what a page may cost or tell."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from shared.models.speed import ThrottlingMode


class CaptureSettings(BaseModel):
    chromium_path: Path | None = Field(None, description="Chromium executable; else Playwright's, else system paths.")
    chromium_sandbox: bool = Field(
        True,
        description="Keep Chromium's sandbox (it needs user namespaces). Off only where the platform denies them "
        "and the container is the boundary; always off as root, where Chromium refuses it.",
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
