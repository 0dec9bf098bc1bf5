"""Sample reports for the report renderers: realistic findings, both devices, real-size PNG screenshots.

The regions are chosen to exercise every placement case: inside the first viewport of each device,
below it (full-page shot), straddling the fold, partly off the left edge, and below the capped height
of the full-page shot (no marker). One model finding carries markup and script in every text field.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from PIL import Image, ImageDraw
from playwright.async_api import Page

from shared.capture.browser import BrowserPool
from shared.capture.throttling import PRESETS, THROTTLED_STAGES
from shared.models.facts import Device, Metrics
from shared.models.report import (
    DeviceSummary,
    Evidence,
    Finding,
    LlmInfo,
    LlmStatus,
    Region,
    Report,
    Scores,
    Screenshot,
    Uplift,
)
from shared.models.speed import FieldData, FieldMetric, MeasurementConditions

VIEWPORTS: dict[Device, tuple[int, int]] = {"desktop": (1440, 900), "mobile": (390, 844)}
FULL_HEIGHTS: dict[Device, int] = {"desktop": 3200, "mobile": 5000}
# The mobile document is taller than the full-page cap, so its screenshot is truncated.
DOCUMENT_HEIGHTS: dict[Device, int] = {"desktop": 3200, "mobile": 6400}

HOSTILE_TITLE = '<script>window.__pwned = "title"</script></div><b>Headline promises</b> "free" & more'
HOSTILE_DETAIL = '"><img src=x onerror="window.__pwned=\'detail\'"></div></section><script>window.__pwned=1</script>'
HOSTILE_HREF = "javascript:window.__pwned='link'"


def screenshot_refs() -> list[Screenshot]:
    refs = []
    for device, (width, height) in VIEWPORTS.items():
        refs.append(Screenshot(name=f"{device}-fold.png", device=device, kind="fold", width=width, height=height))
        refs.append(
            Screenshot(
                name=f"{device}-full.png",
                device=device,
                kind="full",
                width=width,
                height=FULL_HEIGHTS[device],
                truncated=DOCUMENT_HEIGHTS[device] > FULL_HEIGHTS[device],
            )
        )
    return refs


def _finding(
    finding_id: str,
    rule: str,
    category: str,
    severity: str,
    title: str,
    *,
    region: tuple[Device, float, float, float, float] | None = None,
    source: str = "rule",
    priority: float = 1.0,
    detail: str | None = None,
    values: Mapping[str, object] | None = None,
    elements: list[str] | None = None,
    reference: str | None = None,
    confidence: float = 1.0,
) -> Finding:
    device = region[0] if region else None
    return Finding.model_validate(
        {
            "id": finding_id,
            "rule": rule,
            "category": category,
            "severity": severity,
            "source": source,
            "title": title,
            "detail": detail or f"{title}. Measured on the rendered page.",
            "recommendation": f"Fix: {title.lower()}.",
            "evidence": Evidence(device=device, elements=elements or [], values=dict(values or {})),
            "region": Region(device=region[0], x=region[1], y=region[2], w=region[3], h=region[4]) if region else None,
            "priority": priority,
            "reference": reference,
            "confidence": confidence,
        }
    )


def sample_findings() -> list[Finding]:
    return [
        _finding(
            "cta.low_contrast:desktop:cta-2",
            "cta.low_contrast",
            "cta",
            "high",
            "Primary call to action has low contrast",
            region=("desktop", 980, 520, 240, 60),
            priority=3.0,
            values={"contrast_ratio": 2.31, "threshold": 4.5, "fg": "rgb(255, 255, 255)", "bg": "rgb(255, 200, 0)"},
            elements=["cta-2"],
            reference="https://www.w3.org/WAI/WCAG22/Understanding/contrast-minimum.html",
        ),
        _finding(
            "mobile.tap_targets_small:mobile:cta-7",
            "mobile.tap_targets_small",
            "mobile",
            "medium",
            "Tap targets smaller than 24×24 px",
            region=("mobile", 16, 770, 20, 18),
            priority=2.0,
            values={"smallest_px": [20, 18], "minimum_px": 24},
            elements=["cta-7", "cta-8"],
        ),
        _finding(
            "form.missing_labels:desktop:form-1",
            "form.missing_labels",
            "forms",
            "high",
            "Form fields have no labels",
            region=("desktop", 200, 1800, 640, 420),
            priority=2.8,
            values={"unlabelled": 3, "fields": 4},
            elements=["field-1", "field-2", "field-3"],
        ),
        _finding(
            "content.h1_multiple:desktop",
            "content.h1_multiple",
            "content",
            "low",
            "Several H1 headings",
            region=("desktop", 120, 860, 900, 90),
            priority=0.6,
            values={"h1_count": 3},
            elements=["heading-1", "heading-4"],
        ),
        _finding(
            "a11y.image_alt_missing:desktop:image-3",
            "a11y.image_alt_missing",
            "accessibility",
            "medium",
            "Images without alt text",
            region=("desktop", -40, 140, 300, 200),
            priority=1.2,
            values={"images": 4},
            elements=["image-3"],
        ),
        _finding(
            "perf.lcp_slow",
            "perf.lcp_slow",
            "performance",
            "high",
            "Largest Contentful Paint is slow on mobile",
            priority=2.5,
            values={"lcp_ms": 5230.0, "good_ms": 2500, "poor_ms": 4000},
            reference="https://web.dev/articles/lcp",
        ),
        _finding(
            "trust.social_proof_missing",
            "trust.social_proof_missing",
            "trust",
            "medium",
            "No social proof near the offer",
            priority=1.5,
        ),
        _finding(
            "mobile.footer_links:mobile",
            "mobile.text_too_small",
            "mobile",
            "low",
            "Footer text below 12 px",
            region=("mobile", 0, 6100, 390, 200),
            priority=0.4,
            values={"small_text_share": 0.18},
        ),
        _finding(
            "llm-1",
            "llm.value_proposition",
            "content",
            "high",
            "Hero headline does not say what the product does",
            region=("mobile", 16, 120, 358, 96),
            source="llm",
            priority=2.2,
            confidence=0.8,
            elements=["heading-1"],
        ),
        _finding(
            "llm-2",
            "llm.hostile_copy",
            "trust",
            "medium",
            HOSTILE_TITLE,
            region=("desktop", 300, 2400, 500, 160),
            source="llm",
            priority=1.0,
            confidence=0.6,
            detail=HOSTILE_DETAIL,
            values={"quote": "<script>window.__pwned='value'</script>", "</dd><script>": "key"},
            elements=['testimonial-1"><script>window.__pwned=3</script>'],
            reference=HOSTILE_HREF,
        ),
    ]


def lighthouse_conditions(device: Device) -> MeasurementConditions:
    return PRESETS[device].devtools().model_copy(update={"throttled_stages": list(THROTTLED_STAGES)})


def sample_field(device: Device) -> FieldData:
    """Real phone visitors' record for the page (slower than good), none for desktop."""
    if device == "desktop":
        return FieldData(status="no_data", form_factor="DESKTOP", reason="the Chrome UX Report has no data")
    return FieldData(
        status="ok",
        form_factor="PHONE",
        scope="url",
        key="https://shop.example.com/landing",
        first_date="2026-10-31",
        last_date="2026-11-27",
        lcp_ms=FieldMetric(p75=3120, good=0.61, needs_improvement=0.27, poor=0.12),
        inp_ms=FieldMetric(p75=180, good=0.81, needs_improvement=0.14, poor=0.05),
        cls=FieldMetric(p75=0.05, good=0.92, needs_improvement=0.05, poor=0.03),
        fcp_ms=FieldMetric(p75=2010, good=0.7, needs_improvement=0.2, poor=0.1),
        ttfb_ms=FieldMetric(p75=780, good=0.76, needs_improvement=0.2, poor=0.04),
    )


def build_report(*, llm_status: LlmStatus = "ok", reason: str | None = None) -> Report:
    findings = sample_findings()
    ranked = sorted(findings, key=lambda f: -f.priority)
    llm_ok = llm_status == "ok"
    return Report(
        analyzer_version="0.1.0",
        rules_version="2026.11",
        url="https://shop.example.com/landing?utm_source=test",
        final_url="https://shop.example.com/landing",
        analyzed_at=datetime(2026, 11, 28, 21, 40, tzinfo=UTC),
        devices=[
            DeviceSummary(
                device=device,
                final_url="https://shop.example.com/landing",
                status_code=200,
                metrics=Metrics(
                    ttfb_ms=420.0 if device == "desktop" else 910.0,
                    fcp_ms=1200.0 if device == "desktop" else 2600.0,
                    lcp_ms=2100.0 if device == "desktop" else 5230.0,
                    cls=0.04 if device == "desktop" else 0.31,
                    tbt_ms=150.0 if device == "desktop" else 480.0,
                    request_count=64,
                    transfer_bytes=2_350_000,
                    dom_nodes=1480,
                    console_errors=["Uncaught TypeError: x is undefined"],
                    conditions=lighthouse_conditions(device),
                ),
                field=sample_field(device),
                timed_out=["network_quiet"] if device == "mobile" else [],
                viewport=VIEWPORTS[device],
                document_size=(VIEWPORTS[device][0], DOCUMENT_HEIGHTS[device]),
            )
            for device in VIEWPORTS
        ],
        scores=Scores(
            overall=58,
            categories={
                "cta": 42,
                "forms": 55,
                "trust": 70,
                "mobile": 61,
                "performance": 38,
                "content": 92,
                "accessibility": 74,
            },
            method="Weighted mean of category scores; each starts at 100 and loses points per finding by severity.",
        ),
        findings=findings,
        top_issues=[finding.id for finding in ranked[:5]],
        summary="The offer is strong but hidden: the main button is hard to see and the form asks too much."
        if llm_ok
        else None,
        actions=["Raise the contrast of the primary button.", "Label every form field."] if llm_ok else [],
        uplift=Uplift(low_pct=4, high_pct=11, confidence="medium", rationale="Contrast and form fixes.")
        if llm_ok
        else None,
        screenshots=screenshot_refs(),
        llm=LlmInfo(
            status=llm_status,
            reason=reason,
            model="claude-sonnet-5-5" if llm_ok else None,
            input_tokens=6120 if llm_ok else 0,
            output_tokens=1404 if llm_ok else 0,
            cache_read_tokens=2900 if llm_ok else 0,
            latency_ms=8420.0 if llm_ok else None,
            attempts=1,
            rejected_findings=1,
            merged_findings=2,
        ),
        timings_ms={"capture": 6410.2, "rules": 12.5, "llm": 8433.0, "total": 14890.1},
    )


def render_screenshots(report: Report) -> dict[str, bytes]:
    """A plausible page per screenshot: header, hero, sections, and a box drawn at each finding's region."""
    pngs = {}
    for ref in report.screenshots:
        image = Image.new("RGB", (ref.width, ref.height), (250, 250, 252))
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, ref.width, 64), fill=(30, 41, 59))
        draw.rectangle((0, 64, ref.width, min(ref.height, 700)), fill=(224, 231, 255))
        for top in range(760, ref.height, 420):
            shade = 235 + (top // 420) % 3 * 6
            draw.rectangle((24, top, ref.width - 24, min(top + 360, ref.height)), fill=(shade, 240, 246))
            draw.rectangle((48, top + 30, ref.width // 2, top + 60), fill=(148, 163, 184))
        for finding in report.findings:
            region = finding.region
            if region is None or region.device != ref.device:
                continue
            draw.rectangle(
                (region.x, region.y, region.x + region.w, region.y + region.h),
                fill=(255, 200, 0) if finding.category == "cta" else (203, 213, 225),
                outline=(71, 85, 105),
            )
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False, compress_level=1)
        pngs[ref.name] = buffer.getvalue()
    return pngs


# Everything the marker tests compare, read from the rendered page in one round trip.
_MARKER_GEOMETRY_JS = """
() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {x: r.x, y: r.y, width: r.width, height: r.height};
  };
  const markers = [...document.querySelectorAll("a.marker")].map((marker) => {
    const canvas = marker.closest(".canvas");
    return {
      finding: marker.dataset.finding,
      number: marker.dataset.number,
      label: marker.innerText.trim(),
      shot: canvas.dataset.shot,
      box: box(marker),
      image: box(canvas.querySelector("img")),
    };
  });
  const cards = [...document.querySelectorAll("article.finding")].map((card) => ({
    finding: card.dataset.finding,
    anchor: card.id,
    number: card.querySelector(".num").innerText.trim(),
  }));
  return {markers, cards};
}
"""


async def marker_geometry(page: Page) -> dict[str, Any]:
    """`markers`: finding, number, label, shot, box and image rects; `cards`: finding, anchor, number."""
    return await page.evaluate(_MARKER_GEOMETRY_JS)


@pytest.fixture(scope="session")
def sample_report() -> Report:
    return build_report()


@pytest.fixture(scope="session")
def sample_screenshots(sample_report: Report) -> dict[str, bytes]:
    return render_screenshots(sample_report)


@pytest.fixture(scope="session")
def report_browser(browser_pool: BrowserPool) -> BrowserPool:
    """The session's shared BrowserPool (tests/support/browser.py): the PDF is printed through it and the
    HTML tests open their pages in it, so the report tests add no Chromium of their own."""
    return browser_pool
