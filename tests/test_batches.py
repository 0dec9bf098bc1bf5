"""Batches through the gateway (inline queue) with the URL-driven scripted analysis: pages found in a list or
a sitemap served on loopback, normalised, deduplicated, same site, capped; a failing page and a refused one
counted while the batch completes; the site summary, the HTML report with thumbnails, and one webhook."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler

import httpx
import pytest
from standardwebhooks import Webhook

from harness.scripted_analysis import site_analysis
from harness.servers import LoopbackServer
from shared.batches.sitemap import SitemapError, decompress, parse_sitemap
from tests.support.gateway import TARGET, Receiver, http_settings, running_gateway, target

SECRET = "whsec_" + "c2l0ZSByZXBvcnQgd2ViaG9vayBzZWNyZXQ="
POLL_TIMEOUT_S = 30.0


def wait_finished(client: httpx.Client, url: str) -> dict:
    deadline = time.monotonic() + POLL_TIMEOUT_S
    while True:
        body = client.get(url).json()
        if body["status"] == "finished":
            return body
        assert time.monotonic() < deadline, body["counts"]
        time.sleep(0.05)


def xml_route(body: bytes, content_type: str = "application/xml") -> Callable[[SimpleHTTPRequestHandler], None]:
    def handle(handler: SimpleHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return handle


def urlset(*locs: str) -> bytes:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()
    )


def test_a_list_of_pages_becomes_a_batch_with_a_summary_a_report_and_one_webhook(http_client: httpx.Client) -> None:
    receiver = Receiver()
    with receiver.server:
        settings = http_settings(allowed_private_hosts=[TARGET, receiver.server.host_port], webhook_secret=SECRET)
        with running_gateway(settings, analyze=site_analysis) as server:
            urls = [
                target("/p0"),
                target("/p1-form"),
                "HTTP://127.0.0.1:8000/p0#pricing",  # the same page as the first
                target("/p2"),
                target("/fail"),
                "http://10.1.2.3/internal",  # refused by the URL policy: a failed page, not a failed batch
                "ftp://127.0.0.1:8000/x",  # not http(s): left out
            ]
            response = http_client.post(
                server.url("/v1/batches"),
                json={"urls": urls, "llm": False, "callback_url": receiver.url, "metadata": {"site": "shop"}},
            )
            assert response.status_code == 202, response.text
            created = response.json()
            assert response.headers["location"] == created["links"]["self"]
            assert created["discovery"] == {
                "source": "urls",
                "found": 7,
                "duplicates": 1,
                "off_site": 0,
                "invalid": 1,
                "over_limit": 0,
                "capped": False,
                "sitemaps_read": 0,
                "notes": [],
            }
            assert created["total"] == 5

            done = wait_finished(http_client, created["links"]["self"])
            assert done["counts"] == {"queued": 0, "running": 0, "succeeded": 3, "failed": 2}
            pages = {page["url"]: page for page in done["pages"]}
            assert pages[target("/p0")]["score"] == 85 and pages[target("/p2")]["score"] == 71
            assert pages["http://10.1.2.3/internal"]["error"]["code"] == "blocked_by_policy"
            assert pages[target("/fail")]["error"]["code"] == "target_http_error"
            summary = done["summary"]
            assert summary["failures"] == {"target_http_error": 1, "blocked_by_policy": 1}
            assert summary["overall"]["min"] == 71 and summary["overall"]["max"] == 85
            assert summary["categories"]["cta"]["pages"] == 3
            ranked = [(rule["rule"], rule["pages"], rule["weight"]) for rule in summary["top_rules"]]
            assert ranked == [("cta.weak_primary", 3, 9), ("forms.too_many_fields", 1, 2)]
            worst = [page["url"] for page in summary["worst_pages"]]
            assert worst == [target("/p2"), target("/p1-form"), target("/p0")]

            html = http_client.get(done["links"]["report_html"])
            assert html.status_code == 200 and html.headers["x-content-type-options"] == "nosniff"
            assert html.text.count('src="data:image/jpeg;base64,') == 3
            assert "cta.weak_primary" in html.text and "blocked_by_policy" in html.text

            ((headers, body),) = receiver.wait_for(1)
            event = Webhook(SECRET).verify(body, headers)
            assert event["type"] == "batch.finished" and event["id"] == created["id"]
            assert event["summary"]["succeeded"] == 3 and event["metadata"] == {"site": "shop"}
            # The state is recorded once the receiver has answered, just after it got the body.
            deadline = time.monotonic() + POLL_TIMEOUT_S
            while (state := http_client.get(created["links"]["self"]).json()["webhook"])["status"] == "pending":
                assert time.monotonic() < deadline
                time.sleep(0.05)
            assert state["status"] == "delivered" and state["attempts"] == 1
    assert len(receiver.received) == 1


@pytest.fixture
def sitemap_server() -> LoopbackServer:
    server = LoopbackServer()
    site = server.url("")
    pages = urlset(f"{site}/a", f"{site}/b?x=1", f"{site}/a", "http://example.com/elsewhere", f"{site}/c", f"{site}/d")
    server.routes.update(
        {
            "/sitemap_index.xml": xml_route(
                (
                    '<?xml version="1.0" encoding="UTF-8"?>'
                    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<sitemap><loc>{site}/pages.xml.gz</loc></sitemap>"
                    f"<sitemap><loc>{site}/more.xml</loc></sitemap>"
                    "<sitemap><loc>http://example.org/theirs.xml</loc></sitemap>"
                    "</sitemapindex>"
                ).encode()
            ),
            "/pages.xml.gz": xml_route(gzip.compress(pages), "application/gzip"),
            "/more.xml": xml_route(urlset(f"{site}/b?x=1", f"{site}/e")),
        }
    )
    return server


def test_a_sitemap_index_with_a_gzipped_child_is_read_same_site_deduplicated_and_capped(
    sitemap_server: LoopbackServer, http_client: httpx.Client
) -> None:
    with sitemap_server:
        settings = http_settings(allowed_private_hosts=[sitemap_server.host_port])
        with running_gateway(settings, analyze=site_analysis) as server:
            response = http_client.post(
                server.url("/v1/batches"),
                json={"sitemap_url": sitemap_server.url("/sitemap_index.xml"), "max_pages": 4, "llm": False},
            )
            assert response.status_code == 202, response.text
            created = response.json()
            discovery = created["discovery"]
            assert discovery["source"] == "sitemap" and discovery["sitemaps_read"] == 3
            # a, b?x=1, a (dup), elsewhere (off site), c, d | b?x=1 (dup), e (over the cap of 4)
            assert (discovery["found"], discovery["duplicates"], discovery["off_site"]) == (8, 2, 1)
            assert discovery["capped"] is True and discovery["over_limit"] == 1
            assert any("example.org" in note for note in discovery["notes"])
            site = sitemap_server.url("")
            listed = [page["url"] for page in created["pages"]]
            assert listed == [f"{site}/a", f"{site}/b?x=1", f"{site}/c", f"{site}/d"]
            done = wait_finished(http_client, created["links"]["self"])
            assert done["counts"]["succeeded"] == 4
    # The sitemap was read, the pages never fetched (the scripted analysis does not load them).
    assert sorted(sitemap_server.hits) == ["/more.xml", "/pages.xml.gz", "/sitemap_index.xml"]


def test_a_sitemap_on_a_private_address_is_refused_by_the_guard(http_client: httpx.Client) -> None:
    with LoopbackServer(routes={"/sitemap.xml": xml_route(urlset(target("/a")))}) as private:
        # Loopback, and not on the allowlist: the egress guard refuses the connection.
        with running_gateway(http_settings(), analyze=site_analysis) as server:
            response = http_client.post(server.url("/v1/batches"), json={"sitemap_url": private.url("/sitemap.xml")})
        assert private.hits == []
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "blocked_by_policy" and error["details"] == {"field": "sitemap_url"}


def test_unreadable_sitemaps_and_oversized_batches_are_refused(http_client: httpx.Client) -> None:
    routes = {
        "/doctype.xml": xml_route(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><urlset/>'),
        "/bomb.xml.gz": xml_route(gzip.compress(b" " * 200_000)),
    }
    with LoopbackServer(routes=routes) as site:
        settings = http_settings(allowed_private_hosts=[site.host_port], sitemap_max_bytes=100_000, batch_max_pages=10)
        with running_gateway(settings, analyze=site_analysis) as server:
            answers = {
                path: http_client.post(server.url("/v1/batches"), json={"sitemap_url": site.url(path)}).json()["error"]
                for path in ("/doctype.xml", "/bomb.xml.gz", "/missing.xml")
            }
            too_many = http_client.post(server.url("/v1/batches"), json={"urls": [target("/")], "max_pages": 11})
            both = http_client.post(server.url("/v1/batches"), json={"urls": [target("/")], "sitemap_url": site.url()})
    assert {path: error["code"] for path, error in answers.items()} == dict.fromkeys(answers, "sitemap_unreadable")
    assert "DOCTYPE" in answers["/doctype.xml"]["message"]
    assert "more than 100000 bytes" in answers["/bomb.xml.gz"]["message"]
    assert "HTTP 404" in answers["/missing.xml"]["message"]
    assert too_many.status_code == 422 and too_many.json()["error"]["code"] == "too_many_pages"
    assert both.status_code == 422


def test_the_parser_reads_namespaced_locs_and_refuses_entities() -> None:
    parsed = parse_sitemap(
        b'<s:urlset xmlns:s="http://www.sitemaps.org/schemas/sitemap/0.9"><s:url><s:loc> http://a/1 </s:loc>'
        b"<s:lastmod>2024</s:lastmod></s:url></s:urlset>"
    )
    assert parsed.pages == ["http://a/1"] and parsed.sitemaps == []
    with pytest.raises(SitemapError, match="DOCTYPE"):
        parse_sitemap(b'<!DOCTYPE lol [<!ENTITY lol "lol">]><urlset><url><loc>&lol;</loc></url></urlset>')
    with pytest.raises(SitemapError, match="decompresses to more than 1000 bytes"):
        decompress(gzip.compress(b"0" * 10_000_000), 1000)
    assert json.loads(decompress(gzip.compress(b"[1]"), 1000)) == [1]
