"""The Claude step end to end against the fake Messages API server: outcomes, degradation, accounting."""

from __future__ import annotations

import asyncio
import copy

import httpx
import pytest

from harness.fake_claude import (
    FakeClaude,
    SeenRequest,
    finding,
    full_answer,
    max_tokens_cut,
    overloaded,
    rate_limited,
    server_error,
    slow,
    text_reply,
    tool_call,
)
from shared.llm import LlmVerdict, judge
from tests.support.llm_capture import make_capture, rule_findings


async def run(fake: FakeClaude, **overrides: object) -> LlmVerdict:
    return await judge(make_capture(), rule_findings(), fake.settings(**overrides), enabled=True)


async def test_valid_answer_gives_grounded_findings_summary_and_usage(fake_claude: FakeClaude) -> None:
    verdict = await run(fake_claude)

    assert verdict.info.status == "ok"
    assert verdict.info.reason is None
    assert verdict.info.model == "claude-sonnet-5-5"
    assert verdict.info.attempts == 1
    assert verdict.info.input_tokens > 0 and verdict.info.output_tokens > 0
    assert verdict.info.latency_ms is not None and verdict.info.latency_ms > 0
    assert [f.id for f in verdict.findings] == ["llm-1", "llm-2"]
    assert all(f.source == "llm" and f.rule.startswith("llm.") for f in verdict.findings)
    by_elements, by_region = verdict.findings
    assert by_elements.evidence.elements and by_elements.evidence.device == "desktop"
    assert by_region.region is not None and by_region.evidence.values["screenshot"] == "desktop-fold.png"
    assert verdict.summary and verdict.actions
    assert verdict.uplift is not None and verdict.uplift.low_pct <= verdict.uplift.high_pct


async def test_hallucinated_citations_are_dropped_and_counted(fake_claude: FakeClaude) -> None:
    def answer(request: SeenRequest) -> dict[str, object]:
        real_desktop = request.element_ids("desktop")[0]
        first = request.images[0]
        return full_answer(
            [
                finding("kept_by_id", "desktop", elements=[real_desktop]),
                finding("kept_by_region", first.device, region={"image": 1, "x": 0, "y": 0, "w": 100, "h": 100}),
                finding("invented_id", "desktop", elements=[real_desktop, "cta-999"]),
                finding(
                    "region_off_image", "desktop", region={"image": 1, "x": first.width - 10, "y": 0, "w": 50, "h": 50}
                ),
                finding("no_such_image", "desktop", region={"image": 9, "x": 0, "y": 0, "w": 10, "h": 10}),
                finding("image_of_other_device", "mobile", region={"image": 1, "x": 0, "y": 0, "w": 10, "h": 10}),
                finding("no_evidence", "desktop"),
            ]
        )

    fake_claude.script(tool_call(answer))
    verdict = await run(fake_claude)

    assert verdict.info.status == "ok"
    assert [f.rule for f in verdict.findings] == ["llm.kept_by_id", "llm.kept_by_region"]
    assert verdict.info.rejected_findings == 5


async def test_duplicates_of_rule_findings_merge_into_them(fake_claude: FakeClaude) -> None:
    answer = full_answer(
        [
            # same category, shares the element the rule cites
            finding("button_hard_to_see", "desktop", category="cta", elements=["cta-2"], confidence=0.8),
            # declared duplicate, no element in common
            finding(
                "no_labels",
                "mobile",
                category="forms",
                elements=["form-1"],
                same_as="form.missing_labels:mobile:form-1",
                confidence=0.6,
            ),
            # same element but a different category: a different issue, kept
            finding("cta_copy_vague", "desktop", category="content", elements=["cta-2"]),
        ]
    )
    fake_claude.script(tool_call(answer))
    verdict = await run(fake_claude)

    assert verdict.merged_into == {"cta.low_contrast:desktop:cta-2": 0.8, "form.missing_labels:mobile:form-1": 0.6}
    assert verdict.info.merged_findings == 2
    assert [f.rule for f in verdict.findings] == ["llm.cta_copy_vague"]


@pytest.mark.parametrize("unusable", [text_reply, max_tokens_cut], ids=["text", "max_tokens"])
async def test_unusable_answer_is_retried_once_then_invalid(fake_claude: FakeClaude, unusable) -> None:  # type: ignore[no-untyped-def]
    fake_claude.script(unusable(), then=unusable())
    verdict = await run(fake_claude)

    assert verdict.info.status == "invalid"
    assert len(fake_claude.requests) == 2
    assert verdict.info.attempts == 2
    assert verdict.findings == [] and verdict.summary is None and verdict.uplift is None
    assert verdict.info.output_tokens > 0
    retry_note = fake_claude.requests[1].user_blocks[-1]["text"]
    assert "could not be used" in retry_note
    assert "could not be used" not in fake_claude.requests[0].user_text


async def test_answer_failing_validation_is_invalid_without_repair(fake_claude: FakeClaude) -> None:
    broken = full_answer([finding("x_bad", "desktop", elements=["cta-2"], severity="critical")])
    fake_claude.script(tool_call(broken), then=tool_call(broken))
    verdict = await run(fake_claude)

    assert verdict.info.status == "invalid"
    assert "schema" in (verdict.info.reason or "")
    assert "critical" not in (verdict.info.reason or "")


async def test_one_invalid_then_valid_answer_is_ok(fake_claude: FakeClaude) -> None:
    fake_claude.script(text_reply())
    verdict = await run(fake_claude)

    assert verdict.info.status == "ok"
    assert verdict.info.attempts == 2
    assert verdict.findings


async def test_overload_storm_degrades_to_unavailable_and_leaves_rule_findings_alone(fake_claude: FakeClaude) -> None:
    fake_claude.script(then=overloaded())
    findings = rule_findings()
    before = copy.deepcopy(findings)
    verdict = await judge(make_capture(), findings, fake_claude.settings(llm_max_retries=2), enabled=True)

    assert verdict.info.status == "unavailable"
    assert "529" in (verdict.info.reason or "")
    assert len(fake_claude.requests) == 3 == verdict.info.attempts
    assert verdict.findings == [] and verdict.merged_into == {}
    assert findings == before


async def test_rate_limit_is_retried_after_the_servers_retry_after(fake_claude: FakeClaude) -> None:
    fake_claude.script(rate_limited(1.5))
    verdict = await run(fake_claude)

    assert verdict.info.status == "ok"
    assert verdict.info.attempts == 2
    first, second = fake_claude.requests
    # The SDK's own backoff is under 1 s at this point; only the header explains a wait this long.
    assert second.received_at - first.received_at >= 1.4


async def test_server_errors_after_retries_are_unavailable(fake_claude: FakeClaude) -> None:
    fake_claude.script(then=server_error())
    verdict = await run(fake_claude, llm_max_retries=1)

    assert verdict.info.status == "unavailable"
    assert "HTTP 500" in (verdict.info.reason or "")
    assert len(fake_claude.requests) == 2


async def test_rejected_key_is_unavailable_without_retries(fake_claude: FakeClaude) -> None:
    verdict = await run(fake_claude, anthropic_api_key="sk-ant-wrong")

    assert verdict.info.status == "unavailable"
    assert "401" in (verdict.info.reason or "")
    assert len(fake_claude.requests) == 1


async def test_slow_answer_is_cut_by_the_overall_timeout(fake_claude: FakeClaude) -> None:
    fake_claude.script(slow(tool_call(), 60.0))
    verdict = await run(fake_claude, llm_timeout_s=4.0)

    assert verdict.info.status == "unavailable"
    assert "within 4 s" in (verdict.info.reason or "")
    assert len(fake_claude.requests) == 1
    assert fake_claude.delivered == 0


async def test_a_retry_after_beyond_the_budget_is_cut_by_the_timeout_and_named(fake_claude: FakeClaude) -> None:
    fake_claude.script(rate_limited(120.0))
    verdict = await run(fake_claude, llm_timeout_s=4.0)

    assert verdict.info.status == "unavailable"
    assert "within 4 s (last response: HTTP 429)" in (verdict.info.reason or "")
    assert len(fake_claude.requests) == 1 == verdict.info.attempts


async def test_disabled_without_a_key_or_when_turned_off(fake_claude: FakeClaude) -> None:
    no_key = await judge(make_capture(), rule_findings(), fake_claude.settings(anthropic_api_key=None), enabled=True)
    turned_off = await judge(make_capture(), rule_findings(), fake_claude.settings(), enabled=False)

    assert no_key.info.status == turned_off.info.status == "disabled"
    assert "ANTHROPIC_API_KEY" in (no_key.info.reason or "")
    assert no_key.info.reason != turned_off.info.reason
    assert fake_claude.requests == []


async def test_second_analysis_reads_the_cached_system_prompt(fake_claude: FakeClaude) -> None:
    first = await run(fake_claude)
    second = await run(fake_claude)

    assert first.info.cache_write_tokens > 0 and first.info.cache_read_tokens == 0
    assert second.info.cache_read_tokens == first.info.cache_write_tokens
    assert second.info.cache_write_tokens == 0


async def test_concurrent_analyses_share_nothing(fake_claude: FakeClaude) -> None:
    verdicts = await asyncio.gather(*(run(fake_claude) for _ in range(2)))

    assert [v.info.status for v in verdicts] == ["ok"] * 2
    assert all(v.info.attempts == 1 for v in verdicts)


def test_fake_accepts_x_api_key_and_refuses_a_wrong_one(fake_claude: FakeClaude) -> None:
    body = {"model": "claude-sonnet-5-5", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}
    fake_claude.script(text_reply("hello"))
    ok = httpx.post(f"{fake_claude.url}/v1/messages", json=body, headers={"x-api-key": fake_claude.api_key})
    refused = httpx.post(f"{fake_claude.url}/v1/messages", json=body, headers={"x-api-key": "nope"})

    assert ok.status_code == 200 and ok.json()["content"][0]["text"] == "hello"
    assert refused.status_code == 401 and refused.json()["error"]["type"] == "authentication_error"


def test_fake_caches_only_a_marked_prefix_long_enough(fake_claude: FakeClaude) -> None:
    def post(system_text: str) -> dict[str, int]:
        body = {
            "model": "claude-sonnet-5-5",
            "max_tokens": 10,
            "system": [{"type": "text", "text": system_text, "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": "hi"}],
        }
        response = httpx.post(f"{fake_claude.url}/v1/messages", json=body, headers={"x-api-key": fake_claude.api_key})
        return response.json()["usage"]

    short, long_prompt = "Be brief.", "Review pages carefully. " * 200
    assert post(short)["cache_creation_input_tokens"] == post(short)["cache_read_input_tokens"] == 0
    first, second = post(long_prompt), post(long_prompt)
    assert first["cache_creation_input_tokens"] > 0 and first["cache_read_input_tokens"] == 0
    assert second["cache_read_input_tokens"] == first["cache_creation_input_tokens"]
