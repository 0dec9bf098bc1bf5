"""The URL policy without a browser: syntax, normalisation like Chromium's, the target decision, the allowlist."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence

import ada_url
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import AnalysisError, DNSUnavailableError, ErrorCode, InputError
from shared.netguard.addresses import IPAddress
from shared.netguard.allowlist import Allowlist
from shared.netguard.decision import decide
from shared.netguard.policy import MAX_URL_LENGTH, check_target, check_url_syntax


def _resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    """A resolver answering from `table` (no network); an unknown name does not resolve."""

    async def resolve(host: str, port: int) -> Sequence[IPAddress]:
        if host not in table:
            raise OSError(f"{host} not found")
        return [ipaddress.ip_address(a) for a in table[host]]

    return resolve


# --- check_url_syntax --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://Example.COM", "https://example.com/"),
        ("HTTP://example.com:80/a b?q=1#frag", "http://example.com/a%20b?q=1#frag"),
        ("  https://example.com/\t\n ", "https://example.com/"),
        ("http://2130706433:8080/", "http://127.0.0.1:8080/"),
        ("http://0177.0.0.1/", "http://127.0.0.1/"),
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://0x7f000001/", "http://127.0.0.1/"),
        ("http://127.1/", "http://127.0.0.1/"),
        ("http://1.0x2.3/", "http://1.2.0.3/"),
        ("http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/"),
        ("http://[0:0:0:0:0:0:0:1]/", "http://[::1]/"),
        ("http://[64:ff9b::127.0.0.1]/", "http://[64:ff9b::7f00:1]/"),
        ("http://ex%41mple.com/", "http://example.com/"),
        ("http://bücher.example/", "http://xn--bcher-kva.example/"),
        ("http:\\\\example.com\\path", "http://example.com/path"),
        ("https://example.com./", "https://example.com./"),
    ],
)
def test_url_is_normalised_as_a_browser_would(url: str, normalised: str) -> None:
    assert check_url_syntax(url) == normalised


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("file:///etc/passwd", ErrorCode.unsupported_scheme),
        ("ftp://example.com/", ErrorCode.unsupported_scheme),
        ("data:text/html,hi", ErrorCode.unsupported_scheme),
        ("javascript:alert(1)", ErrorCode.unsupported_scheme),
        ("chrome://settings", ErrorCode.unsupported_scheme),
        ("view-source:http://example.com/", ErrorCode.unsupported_scheme),
        ("gopher://example.com/", ErrorCode.unsupported_scheme),
        ("ws://example.com/", ErrorCode.unsupported_scheme),
        ("https://user:pass@example.com/", ErrorCode.credentials_in_url),
        ("https://user@example.com/", ErrorCode.credentials_in_url),
        ("https://:pass@example.com/", ErrorCode.credentials_in_url),
        ("http://example.com\\@evil.com/", None),  # WHATWG: backslash ends the host; no userinfo
        ("example.com", ErrorCode.invalid_url),
        ("//example.com/", ErrorCode.invalid_url),
        ("http://", ErrorCode.invalid_url),
        ("http://256.0.0.1/", ErrorCode.invalid_url),
        ("http://0x100000000/", ErrorCode.invalid_url),
        ("http://08.0.0.1/", ErrorCode.invalid_url),
        ("http://[fe80::1%25eth0]/", ErrorCode.invalid_url),
        ("http://exa mple.com/", ErrorCode.invalid_url),
        ("https://example.com/" + "a" * MAX_URL_LENGTH, ErrorCode.invalid_url),
        ("", ErrorCode.invalid_url),
    ],
)
def test_url_syntax_errors(url: str, code: ErrorCode | None) -> None:
    if code is None:
        assert check_url_syntax(url).startswith("http://example.com/")
        return
    with pytest.raises(InputError) as refused:
        check_url_syntax(url)
    assert refused.value.code is code
    assert refused.value.permanent


_schemes = st.sampled_from(["http", "https", "HTTP", "hTtPs", "file", "ftp", "data", "javascript", "ws", "blob", "x"])
_userinfo = st.sampled_from(["", "user@", "user:pw@", ":pw@", "@", "u%40x@"])
_hosts = st.sampled_from(["example.com", "127.0.0.1", "[::1]", "0x7f.1", "xn--bcher-kva.example", "", "a@b"])
_rest = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@given(
    st.one_of(
        st.builds(
            lambda s, sep, u, h, r: s + sep + u + h + r,
            _schemes,
            st.sampled_from(["://", ":", ":/", ":\\\\"]),
            _userinfo,
            _hosts,
            _rest,
        ),
        _rest,
    )
)
def test_url_model_admits_only_http_without_userinfo(url: str) -> None:
    try:
        normalised = check_url_syntax(url)
    except InputError as refused:
        assert refused.code in {ErrorCode.invalid_url, ErrorCode.unsupported_scheme, ErrorCode.credentials_in_url}
        return
    parsed = ada_url.URL(normalised)
    assert parsed.protocol in {"http:", "https:"}
    assert not parsed.username and not parsed.password
    assert parsed.hostname
    assert len(normalised) <= MAX_URL_LENGTH
    assert check_url_syntax(normalised) == normalised  # normalising is idempotent


_tricks = st.sampled_from(["\\@", "\\\\@", "@", "/@", "%5C@", "\\", "#@", "?@", "\t@", "%40", ";@", "\\x@"])
_first = st.sampled_from(["127.0.0.1:8460", "example.com", "a.example:81", "[::1]:8460", "0x7f.1"])
_second = st.sampled_from(["127.0.0.2:8470", "evil.example", "[::2]:1", "169.254.169.254"])


@given(st.builds(lambda a, b, c, rest: f"http://{a}{b}{c}/hook{rest}", _first, _tricks, _second, _rest))
def test_an_http_client_reaches_the_host_the_check_saw(url: str) -> None:
    # Webhooks are sent to the normalised URL; httpx (RFC 3986) must parse it to the same endpoint.
    try:
        normalised = check_url_syntax(url)
    except InputError:
        return
    checked = ada_url.URL(normalised)
    sent = httpx.URL(normalised)
    assert sent.host == checked.hostname.strip("[]")
    assert (sent.port or 80) == (int(checked.port) if checked.port else 80)


def test_the_raw_callback_differential_is_real() -> None:
    # Why the raw string is never delivered: WHATWG ends the host at the backslash, RFC 3986 reads userinfo.
    raw = "http://127.0.0.1:8460\\@127.0.0.2:8470/hook"
    assert httpx.URL(raw).host == "127.0.0.2"
    assert check_url_syntax(raw) == "http://127.0.0.1:8460/@127.0.0.2:8470/hook"
    assert httpx.URL(check_url_syntax(raw)).host == "127.0.0.1"


# --- check_target ------------------------------------------------------------------------------

NO_ALLOWLIST = Allowlist()


@pytest.mark.parametrize(
    ("url", "answers", "code"),
    [
        ("http://127.0.0.1/", {}, ErrorCode.blocked_by_policy),
        ("http://2130706433/", {}, ErrorCode.blocked_by_policy),
        ("http://[::ffff:169.254.169.254]/", {}, ErrorCode.blocked_by_policy),
        ("http://169.254.169.254/latest/meta-data/", {}, ErrorCode.blocked_by_policy),
        ("http://localhost/", {"localhost": ["93.184.215.14"]}, ErrorCode.blocked_by_policy),
        ("http://app.localhost:8080/", {}, ErrorCode.blocked_by_policy),
        # A name whose addresses are not (all) public is refused as a name that does not resolve.
        ("http://internal.example/", {"internal.example": ["10.0.0.5"]}, ErrorCode.dns_failure),
        ("http://split.example/", {"split.example": ["93.184.215.14", "127.0.0.1"]}, ErrorCode.dns_failure),
        ("http://v6.example/", {"v6.example": ["fd00::1"]}, ErrorCode.dns_failure),
        (
            "http://metadata.google.internal/",
            {"metadata.google.internal": ["93.184.215.14"]},
            ErrorCode.blocked_by_policy,
        ),
        ("http://METADATA.google.internal./", {}, ErrorCode.blocked_by_policy),
        ("http://metadata/", {"metadata": ["93.184.215.14"]}, ErrorCode.blocked_by_policy),
        ("http://nowhere.example/", {}, ErrorCode.dns_failure),
        ("http://empty.example/", {"empty.example": []}, ErrorCode.dns_failure),
    ],
)
async def test_check_target_refuses(url: str, answers: dict[str, list[str]], code: ErrorCode) -> None:
    with pytest.raises(InputError) as refused:
        await check_target(url, NO_ALLOWLIST, resolver=_resolver(answers))
    assert refused.value.code is code
    assert refused.value.permanent
    said = refused.value.message + repr(refused.value.details)
    for address in (a for addresses in answers.values() for a in addresses):
        assert address not in said, f"the refusal shows the resolved address {address}"
    assert "addresses" not in refused.value.details


@pytest.mark.parametrize("internal", [["10.0.0.5"], ["127.0.0.1"], ["93.184.215.14", "192.168.1.1"], ["fd00::1"]])
async def test_an_internal_name_is_refused_exactly_as_a_missing_one(internal: list[str]) -> None:
    url = "https://intranet.example/login"
    with pytest.raises(InputError) as missing:
        await check_target(url, NO_ALLOWLIST, resolver=_resolver({}))
    with pytest.raises(InputError) as present:
        await check_target(url, NO_ALLOWLIST, resolver=_resolver({"intranet.example": internal}))
    seen = [(e.value.code, e.value.message, e.value.details, type(e.value)) for e in (missing, present)]
    assert seen[0] == seen[1]
    assert missing.value.message == "url: intranet.example does not resolve to a public address"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://hooks.example/", ErrorCode.unsupported_scheme),
        ("https://user:pw@hooks.example/", ErrorCode.credentials_in_url),
        ("not a url", ErrorCode.invalid_url),
        ("http://localhost:5678/webhook", ErrorCode.blocked_by_policy),
        ("http://10.1.2.3/hook", ErrorCode.blocked_by_policy),
        ("http://gone.example/hook", ErrorCode.dns_failure),
    ],
)
async def test_a_refused_callback_url_names_its_field(url: str, code: ErrorCode) -> None:
    with pytest.raises(InputError) as refused:
        await check_target(url, NO_ALLOWLIST, field="callback_url", resolver=_resolver({}))
    assert refused.value.code is code
    assert refused.value.message.startswith("callback_url: ")
    assert refused.value.details["field"] == "callback_url"


async def test_a_refused_page_url_names_its_field() -> None:
    with pytest.raises(InputError) as refused:
        await check_target("http://127.0.0.1:6379/", NO_ALLOWLIST)
    assert refused.value.details == {"field": "url", "host": "127.0.0.1", "port": 6379}
    assert refused.value.message == (
        "url: 127.0.0.1 is not a public address (loopback); only public addresses may be reached"
    )


async def test_check_target_admits_public_names_and_returns_the_normalised_url() -> None:
    resolver = _resolver({"example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]})
    assert await check_target("HTTPS://Example.com", NO_ALLOWLIST, resolver=resolver) == "https://example.com/"


async def test_allowlisted_endpoint_passes_only_on_its_port() -> None:
    allowlist = Allowlist.parse(["127.0.0.1:8080", "localhost:9000", "demo.test:7000"])
    resolver = _resolver({"demo.test": ["10.0.0.7"], "alias.test": ["127.0.0.1"]})
    assert await check_target("http://127.1:8080/x", allowlist, resolver=resolver) == "http://127.0.0.1:8080/x"
    assert await check_target("http://localhost:9000/", allowlist, resolver=resolver) == "http://localhost:9000/"
    assert await check_target("http://demo.test:7000/", allowlist, resolver=resolver) == "http://demo.test:7000/"
    # By address: a name resolving to an allowlisted address passes on that port.
    assert await check_target("http://alias.test:8080/", allowlist, resolver=resolver) == "http://alias.test:8080/"
    with pytest.raises(InputError) as refused:
        await check_target("http://127.0.0.1:8081/", allowlist, resolver=resolver)
    assert refused.value.code is ErrorCode.blocked_by_policy
    with pytest.raises(InputError) as refused:
        await check_target("http://demo.test:7001/", allowlist, resolver=resolver)
    assert refused.value.code is ErrorCode.dns_failure


async def test_a_hanging_resolver_is_a_transient_failure_within_the_budget() -> None:
    async def hang(host: str, port: int) -> Sequence[IPAddress]:
        await asyncio.Event().wait()
        return []

    with pytest.raises(AnalysisError) as failed:
        await check_target(
            "https://slow.example/", NO_ALLOWLIST, field="callback_url", resolver=hang, resolve_timeout_s=0.05
        )
    assert failed.value.code is ErrorCode.connection_failed
    assert not failed.value.permanent
    assert not isinstance(failed.value, InputError)
    assert failed.value.details["field"] == "callback_url"


async def test_dns_that_does_not_answer_is_transient_and_one_that_denies_is_not() -> None:
    async def unavailable(host: str, port: int) -> Sequence[IPAddress]:
        raise DNSUnavailableError("SERVFAIL")

    assert (await decide("flaky.example", 80, NO_ALLOWLIST, resolver=unavailable)).refusal == "dns_timeout"
    assert (await decide("gone.example", 80, NO_ALLOWLIST, resolver=_resolver({}))).refusal == "dns_failure"


@pytest.mark.parametrize("name", ["localhost", "LOCALHOST.", "a.b.localhost"])
async def test_loopback_names_are_loopback_without_dns(name: str) -> None:
    async def no_dns(host: str, port: int) -> Sequence[IPAddress]:
        raise AssertionError(f"{host} was sent to DNS")

    refused = await decide(name, 80, NO_ALLOWLIST, resolver=no_dns)
    assert refused.refusal == "blocked" and refused.why == "loopback"
    # Allowlisted by address, a loopback name dials only the allowlisted loopback address.
    allowed = await decide(name, 80, Allowlist.parse(["127.0.0.1:80"]), resolver=no_dns)
    assert allowed.refusal is None and allowed.addresses == (ipaddress.ip_address("127.0.0.1"),)
    both = await decide(name, 80, Allowlist.parse([f"{name}:80"]), resolver=no_dns)
    assert both.addresses == (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))


async def test_decide_says_why() -> None:
    decision = await decide("10.1.1.1", 80, NO_ALLOWLIST)
    assert decision.refusal == "blocked" and decision.why == "private"
    assert decision.addresses == (ipaddress.ip_address("10.1.1.1"),)


# --- allowlist ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "host", "port"),
    [
        ("127.0.0.1:8080", "127.0.0.1", 8080),
        ("LocalHost.:80", "localhost", 80),
        ("[::1]:443", "::1", 443),
        ("[::FFFF:127.0.0.1]:1", "::ffff:7f00:1", 1),
        (" demo.internal:65535 ", "demo.internal", 65535),
    ],
)
def test_allowlist_parses_host_port(entry: str, host: str, port: int) -> None:
    assert Allowlist.parse([entry]).endpoints == frozenset({(host, port)})


@pytest.mark.parametrize("entry", ["127.0.0.1", "127.0.0.1:", ":8080", "host:0", "host:65536", "host:http", "host:-1"])
def test_allowlist_rejects_bad_entries(entry: str) -> None:
    with pytest.raises(ValueError, match="host:port"):
        Allowlist.parse([entry])


def test_allowlist_matches_by_name_or_resolved_address() -> None:
    allowlist = Allowlist.parse(["demo.internal:8080", "[::1]:9000"])
    assert allowlist.allows("DEMO.internal.", 8080)
    assert not allowlist.allows("demo.internal", 8081)
    assert allowlist.allows("anything.example", 9000, ipaddress.ip_address("::1"))
    assert not allowlist.allows("anything.example", 9000, ipaddress.ip_address("127.0.0.1"))
    assert not Allowlist().allows("localhost", 80, ipaddress.ip_address("127.0.0.1"))
