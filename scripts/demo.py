"""`make demo`: serve the bundled sample page on loopback and analyse it, offline, in one command."""

from __future__ import annotations

import argparse
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from shared.cli import main as cli_main

DEMO_PAGE_DIR = Path(__file__).resolve().parent.parent / "examples" / "demo"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out", help="where the report and screenshots go")
    args, extra = parser.parse_known_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(DEMO_PAGE_DIR)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host_port = f"127.0.0.1:{server.server_address[1]}"
    try:
        return cli_main(
            [
                "analyze",
                f"http://{host_port}/index.html",
                "--allow-host",
                host_port,
                "--json",
                f"{args.out}/report.json",
                "--screenshots",
                args.out,
                "--html",
                f"{args.out}/report.html",
                *extra,
            ]
        )
    finally:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
