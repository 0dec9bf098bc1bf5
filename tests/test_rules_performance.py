"""Speed rules (Core Web Vitals, TBT, payload) and technical-health rules (console, resources, HTTPS)."""

from __future__ import annotations

import pytest

from shared.capture.throttling import conditions_for
from shared.models.facts import CaptureQuality
from shared.models.speed import FieldData
from tests.conftest import make_settings
from tests.support.crux import field_metric, field_ok
from tests.support.facts_builders import device, failed, findings_for, hit, image, metrics, page

MOBILE_CONDITIONS = conditions_for("mobile", make_settings(mobile_throttling="lighthouse"))


def with_metrics(**overrides: object) -> object:
    return device(metrics=metrics(**overrides))


@pytest.mark.parametrize(
    ("rule_id", "metric", "value", "severity"),
    [
        ("perf.lcp_slow", "lcp_ms", 2500, None),
        ("perf.lcp_slow", "lcp_ms", 2501, "medium"),
        ("perf.lcp_slow", "lcp_ms", 4000, "medium"),
        ("perf.lcp_slow", "lcp_ms", 4001, "high"),
        ("perf.cls_high", "cls", 0.1, None),
        ("perf.cls_high", "cls", 0.101, "medium"),
        ("perf.cls_high", "cls", 0.25, "medium"),
        ("perf.cls_high", "cls", 0.251, "high"),
        ("perf.blocking_time_high", "tbt_ms", 200, None),
        ("perf.blocking_time_high", "tbt_ms", 201, "medium"),
        ("perf.blocking_time_high", "tbt_ms", 601, "high"),
        ("perf.page_weight_heavy", "transfer_bytes", 2667 * 1024, None),
        ("perf.page_weight_heavy", "transfer_bytes", 2667 * 1024 + 1, "medium"),
        ("perf.page_weight_heavy", "transfer_bytes", 4000 * 1024 + 1, "high"),
    ],
)
def test_metric_bands(rule_id: str, metric: str, value: float, severity: str | None) -> None:
    facts = page(with_metrics(**{metric: value}))  # type: ignore[arg-type]
    found = findings_for(rule_id, facts)
    assert [f.severity for f in found] == ([severity] if severity else [])


@pytest.mark.parametrize("metric", ["lcp_ms", "cls", "tbt_ms"])
def test_an_unmeasured_metric_is_not_a_slow_one(metric: str) -> None:
    facts = page(with_metrics(**{metric: None}))  # type: ignore[arg-type]
    assert [f for f in findings_for("perf.lcp_slow", facts) + findings_for("perf.cls_high", facts)] == []


def test_lcp_finding_states_value_and_threshold() -> None:
    (finding,) = findings_for("perf.lcp_slow", page(with_metrics(lcp_ms=5234.4)))  # type: ignore[arg-type]
    values = {"lcp_ms": 5234, "good": 2500, "poor": 4000, "source": "lab", "conditions": "none"}
    assert finding.evidence.values == values
    assert "after 5.2 s in our lab load (unthrottled) (good: up to 2.5 s)" in finding.detail
    assert finding.category == "performance" and finding.reference == "https://web.dev/articles/lcp"


class TestFieldData:
    """Core Web Vitals are defined on real visitors' p75: field data decides where CrUX has it."""

    def test_a_slow_field_lcp_is_reported_although_the_lab_was_fast(self) -> None:
        facts = device("mobile", metrics=metrics(lcp_ms=1800), field=field_ok(lcp_ms=field_metric(4600)))
        result = hit("perf.lcp_slow", facts)
        assert result is not None and result.severity == "high"
        assert dict(result.values) == {
            "lcp_ms": 4600,
            "good": 2500,
            "poor": 4000,
            "source": "field",
            "field_scope": "url",
            "lab_lcp_ms": 1800,
        }
        assert "4.6 s for real Chrome visitors (p75 over 28 days, this page); our lab load measured 1.8 s" in (
            result.detail
        )

    def test_a_good_field_lcp_wins_over_a_slow_lab(self) -> None:
        facts = device("mobile", metrics=metrics(lcp_ms=9000), field=field_ok(lcp_ms=field_metric(2100)))
        assert hit("perf.lcp_slow", facts) is None

    def test_the_origins_figure_says_it_is_the_whole_site(self) -> None:
        facts = device(field=field_ok(scope="origin", cls=field_metric(0.3)), metrics=metrics(cls=0.0))
        result = hit("perf.cls_high", facts)
        assert result is not None and result.values["source"] == "field" and result.values["field_scope"] == "origin"
        assert "the whole site" in result.detail and result.values["lab_cls"] == 0.0

    def test_a_metric_crux_lacks_falls_back_to_the_lab(self) -> None:
        facts = device(metrics=metrics(cls=0.3), field=field_ok(lcp_ms=field_metric(2000)))
        result = hit("perf.cls_high", facts)
        assert result is not None and result.values["source"] == "lab"

    @pytest.mark.parametrize("status", ["no_data", "unavailable"])
    def test_without_a_record_the_lab_decides(self, status: str) -> None:
        lab = metrics(lcp_ms=5000, conditions=MOBILE_CONDITIONS)
        result = hit("perf.lcp_slow", device("mobile", metrics=lab, field=FieldData(status=status)))  # type: ignore[arg-type]
        assert result is not None
        assert (result.values["source"], result.values["conditions"]) == ("lab", "lighthouse-mobile")
        assert "in our lab load (under Lighthouse's throttling)" in result.detail

    @pytest.mark.parametrize(("p75", "severity"), [(200, None), (201, "medium"), (500, "medium"), (501, "high")])
    def test_inp_is_judged_on_field_data(self, p75: float, severity: str | None) -> None:
        result = hit("perf.inp_slow", device(field=field_ok(inp_ms=field_metric(p75))))
        assert (result.severity if result else None) == severity
        if result:
            assert result.values["source"] == "field" and "to respond visibly to a tap" in result.detail

    def test_inp_has_no_lab_figure_so_no_lab_finding(self) -> None:
        assert hit("perf.inp_slow", device(metrics=metrics(tbt_ms=5000))) is None

    def test_inp_holds_on_a_degraded_capture(self) -> None:
        degraded = CaptureQuality(status="degraded", reasons=["blank_fold"])
        facts = page(device("mobile", field=field_ok(inp_ms=field_metric(700)), quality=degraded))
        assert [f.severity for f in findings_for("perf.inp_slow", facts)] == ["high"]

    def test_tbt_stays_a_lab_measure_and_says_so(self) -> None:
        facts = device("mobile", metrics=metrics(tbt_ms=900, conditions=MOBILE_CONDITIONS), field=field_ok())
        result = hit("perf.blocking_time_high", facts)
        assert result is not None and result.values["source"] == "lab"
        assert "900 ms in total in our lab load (under Lighthouse's throttling)" in result.detail


class TestConsoleErrors:
    def test_resource_messages_belong_to_broken_resources(self) -> None:
        messages = ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
        assert hit("tech.console_errors", with_metrics(console_errors=messages)) is None  # type: ignore[arg-type]

    def test_an_uncaught_exception_is_medium(self) -> None:
        messages = ["Uncaught TypeError: cart is undefined", "Uncaught TypeError: cart is undefined", "x" * 500]
        result = hit("tech.console_errors", with_metrics(console_errors=messages))  # type: ignore[arg-type]
        assert result is not None and result.severity == "medium"
        assert result.values["errors"] == 2
        assert max(len(m) for m in result.values["examples"]) <= 160

    def test_other_errors_are_low(self) -> None:
        result = hit("tech.console_errors", with_metrics(console_errors=["Tracking pixel refused"]))  # type: ignore[arg-type]
        assert result is not None and result.severity is None


class TestBrokenResources:
    def test_policy_blocks_are_not_the_pages_fault(self) -> None:
        blocked = [failed("http://10.0.0.1/x.js", "script", "blocked", blocked=True)]
        assert hit("tech.broken_resources", with_metrics(failed_requests=blocked)) is None  # type: ignore[arg-type]

    def test_a_font_failure_is_low(self) -> None:
        fonts = [failed("https://fonts.example/a.woff2", "font", "net::ERR_NAME_NOT_RESOLVED")]
        result = hit("tech.broken_resources", with_metrics(failed_requests=fonts))  # type: ignore[arg-type]
        assert result is not None and result.severity is None
        assert result.region is None

    def test_a_broken_image_is_medium_and_cited(self) -> None:
        src = "https://dummyimage.example/450x300"
        facts = device(
            images=[image("image-1"), image("image-2", src)],
            metrics=metrics(failed_requests=[failed(src), failed("https://cdn.example/app.css", "stylesheet")]),
        )
        result = hit("tech.broken_resources", facts)
        assert result is not None and result.severity == "medium"
        assert result.elements == ("image-2",)
        assert result.values["by_type"] == {"image": 1, "stylesheet": 1}
        assert "from cdn.example and dummyimage.example" in result.detail

    def test_the_same_failures_in_another_order_give_the_same_finding(self) -> None:
        requests = [failed(f"https://cdn.example/{n}.js", "script", "net::ERR_FAILED") for n in range(7)]
        desktop = device("desktop", metrics=metrics(failed_requests=requests))
        mobile = device("mobile", metrics=metrics(failed_requests=list(reversed(requests))))
        (finding,) = findings_for("tech.broken_resources", page(desktop, mobile))
        assert finding.id == "tech.broken_resources:all"
        assert [example["url"] for example in finding.evidence.values["examples"]] == [
            f"https://cdn.example/{n}.js" for n in range(5)
        ]


class TestHttps:
    def test_plain_http_is_a_trust_problem(self) -> None:
        url = "http://shop.example/"
        (finding,) = findings_for(
            "tech.not_https", page(device("desktop", url=url), device("mobile", url=url), url=url)
        )
        assert (finding.id, finding.category, finding.severity) == ("tech.not_https:all", "trust", "high")

    @pytest.mark.parametrize(
        "url", ["https://shop.example/", "http://127.0.0.1:8000/", "http://localhost:3000/", "http://[::1]:8080/"]
    )
    def test_https_and_loopback_pass(self, url: str) -> None:
        assert hit("tech.not_https", device(url=url)) is None
