"""`cro-analyzer serve`: the gateway (submit, result, analyze, health, OpenAPI, original routes) on uvicorn.

Without REDIS_URL everything runs in this one process: an in-process store and the inline queue. With
REDIS_URL the jobs live in that Redis, and QUEUE_BACKEND=redis hands them to `cro-analyzer worker`.
SIGTERM or Ctrl-C: new connections are refused, in-flight requests get SHUTDOWN_GRACE_S to finish, then
the runtime closes (running analyses finish or hand their jobs back). Exit 2 on configuration errors.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
from types import FrameType

import uvicorn

from shared.cli.options import EXIT_OK
from shared.cli.role import EXIT_CONFIG, add_role_options, start_role
from shared.http.gateway import create_app

DEFAULT_PORT = 8080

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="run the HTTP API (the gateway)", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)), help="port (default $PORT or 8080)"
    )
    add_role_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    role = start_role(args)
    if role is None:
        return EXIT_CONFIG
    settings = role.settings
    app = create_app(settings, analyze=role.analyze)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        server_header=False,
        # Render and Cloud Run put a proxy in front: its X-Forwarded-Proto makes links https. Only links
        # are built from it (set PUBLIC_BASE_URL to fix them outright); no decision trusts the client IP.
        proxy_headers=True,
        forwarded_allow_ips="*",
        timeout_graceful_shutdown=int(settings.shutdown_grace_s),
    )
    log.info(
        "serving",
        extra={
            "url": f"http://{args.host}:{args.port}",
            "store": "redis" if settings.redis_url else "embedded",
            "queue_backend": settings.queue_backend,
        },
    )
    # uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal to the handler that was
    # there before; this one lets the command end normally (exit 0), as `cro-analyzer worker` does.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stopped)
    uvicorn.Server(config).run()
    log.info("stopped")
    return EXIT_OK


def _stopped(signum: int, frame: FrameType | None) -> None:
    return None
