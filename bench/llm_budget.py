"""What one analysis sends to Claude, per corpus page (issue 4's benchmark).

Serves tests/corpus on loopback, captures each page with the real engine (Chromium, desktop + mobile),
runs the rules, then builds the Claude request and sends it twice to the fake Messages API server
(harness/fake_claude.py). Prints, per page: the images sent (count, pixel sizes, JPEG bytes beside
the PNG bytes of the screenshots they come from), the estimated input tokens (text + images, Anthropic's
w x h / 750 for images) against the 8,000 target, the median time to build the request, and the
prompt-cache use of the first and second request (cache write / read tokens as the fake reports them:
the system prompt and tool schema are the same bytes for every page, so after the very first request
every request reads the cache).

    python bench/llm_budget.py [--runs 3] [--pages agency creative]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from harness.fake_claude import FakeClaude  # noqa: E402
from harness.servers import LoopbackServer  # noqa: E402
from shared.capture.page_capture import capture_page  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.engine import Engine  # noqa: E402
from shared.llm import judge  # noqa: E402
from shared.llm.request import build_request  # noqa: E402
from shared.rules import evaluate  # noqa: E402

CORPUS_DIR = REPO_ROOT / "tests" / "corpus"
TARGET_TOKENS = 8000
# The corpus pages wait for third-party hosts that never answer here; short budgets keep the run short.
BUDGETS: dict[str, float] = {
    "navigation_timeout_s": 10.0,
    "load_budget_s": 2.0,
    "network_quiet_budget_s": 1.0,
    "lazy_scroll_budget_s": 1.5,
    "capture_timeout_s": 40.0,
}


@dataclass(frozen=True)
class Row:
    page: str
    sizes: list[str]
    jpeg_bytes: int
    png_bytes: int
    text_tokens: int
    image_tokens: int
    estimated_tokens: int
    build_ms: float
    first_cache: tuple[int, int]
    second_cache: tuple[int, int]
    status: str


async def measure(page: str, corpus: LoopbackServer, engine: Engine, settings: Settings, runs: int) -> Row:
    capture = await capture_page(
        corpus.url(f"/{page}/index.html"),
        ("desktop", "mobile"),
        browser=engine.browser,
        guard=engine.guard,
        settings=settings,
    )
    rules = evaluate(capture.facts)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        request = build_request(capture, rules, settings)
        timings.append((time.perf_counter() - started) * 1000)
    sources = {id(image.cut.source): len(image.cut.source.png) for image in request.images}
    first = await judge(capture, rules, settings, enabled=True)
    second = await judge(capture, rules, settings, enabled=True)
    return Row(
        page=page,
        sizes=[f"{image.device[0]}:{image.width}x{image.height}" for image in request.images],
        jpeg_bytes=sum(len(image.jpeg) for image in request.images),
        png_bytes=sum(sources.values()),
        text_tokens=request.text_tokens,
        image_tokens=request.image_tokens,
        estimated_tokens=request.estimated_input_tokens,
        build_ms=statistics.median(timings),
        first_cache=(first.info.cache_write_tokens, first.info.cache_read_tokens),
        second_cache=(second.info.cache_write_tokens, second.info.cache_read_tokens),
        status=f"{first.info.status}/{second.info.status}",
    )


def _pair(write_read: tuple[int, int]) -> str:
    return f"{write_read[0]}/{write_read[1]}"


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'page':<16} {'img':>3}  {'sizes (d=desktop, m=mobile)':<44} {'JPEG kB':>8} {'PNG kB':>8} "
        f"{'text':>5} {'image':>5} {'est. in':>7} {'build ms':>8}  {'cache w/r 1st':>13} {'cache w/r 2nd':>13}  status"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.page:<16} {len(row.sizes):>3}  {' '.join(row.sizes):<44} {row.jpeg_bytes / 1024:>8.0f} "
            f"{row.png_bytes / 1024:>8.0f} {row.text_tokens:>5} {row.image_tokens:>5} {row.estimated_tokens:>7} "
            f"{row.build_ms:>8.0f}  {_pair(row.first_cache):>13} {_pair(row.second_cache):>13}  {row.status}"
        )
    worst = max(rows, key=lambda row: row.estimated_tokens)
    verdict = "within" if worst.estimated_tokens <= TARGET_TOKENS else "OVER"
    print(
        f"\nlargest estimate: {worst.estimated_tokens} input tokens ({worst.page}); target {TARGET_TOKENS}: {verdict}. "
        f"Median estimate {statistics.median(row.estimated_tokens for row in rows):.0f}; "
        f"JPEG sent / PNG captured: {sum(r.jpeg_bytes for r in rows) / sum(r.png_bytes for r in rows):.2f}."
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="request builds per page (median printed)")
    parser.add_argument("--pages", nargs="*", help="corpus pages (default: all)")
    args = parser.parse_args()
    pages = args.pages or sorted(p.name for p in CORPUS_DIR.iterdir() if (p / "index.html").is_file())
    with LoopbackServer(CORPUS_DIR) as corpus, FakeClaude() as fake:
        settings = Settings(allowed_private_hosts=[corpus.host_port], **BUDGETS, **fake.settings_overrides())
        async with Engine(settings) as engine:
            rows = [await measure(page, corpus, engine, settings, args.runs) for page in pages]
    print_table(rows)


if __name__ == "__main__":
    asyncio.run(main())
