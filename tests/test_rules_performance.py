"""Speed rules (Core Web Vitals, TBT, payload) and technical-health rules (console, resources, HTTPS)."""

from __future__ import annotations

import pytest

from tests.support.facts_builders import device, failed, findings_for, hit, image, metrics, page


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
    assert finding.evidence.values == {"lcp_ms": 5234, "good": 2500, "poor": 4000}
    assert "after 5.2 s (good: up to 2.5 s)" in finding.detail
    assert finding.category == "performance" and finding.reference == "https://web.dev/articles/lcp"


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
