"""`cro-analyzer worker`: consumes the Redis Streams queue and runs analyses (the Render worker service).

SIGTERM or SIGINT stops reading; running analyses get `SHUTDOWN_GRACE_S` to finish, then are
interrupted and their jobs handed back to the queue; the exit code is then 0. Exit 2 on configuration
errors (e.g. QUEUE_BACKEND is not `redis`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
import socket

from shared.cli.options import EXIT_OK
from shared.cli.role import EXIT_CONFIG, add_role_options, start_role
from shared.config import Settings
from shared.queue.redis_worker import StreamWorker
from shared.service import AnalyzeFn, Runtime, process_delivery
from shared.stats import heartbeats

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("worker", help="consume the Redis Streams queue", description=__doc__)
    parser.add_argument("--concurrency", type=int, default=None, help="analyses at once (default WORKER_CONCURRENCY)")
    parser.add_argument(
        "--consumer", default=None, help="consumer name in the group (default host-pid-random, unique per process)"
    )
    add_role_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    role = start_role(args)
    if role is None:
        return EXIT_CONFIG
    settings = role.settings
    if settings.queue_backend != "redis":
        log.error("the worker needs QUEUE_BACKEND=redis and REDIS_URL", extra={"queue_backend": settings.queue_backend})
        return EXIT_CONFIG
    concurrency = args.concurrency or settings.worker_concurrency
    if not 1 <= concurrency <= 64:
        log.error("--concurrency must be between 1 and 64")
        return EXIT_CONFIG
    consumer = args.consumer or default_consumer()
    asyncio.run(_consume(settings, consumer, concurrency, role.analyze))
    return EXIT_OK


def default_consumer() -> str:
    """This process's name in the consumer group. Host and PID alone repeat: in a container the worker
    always has the same PID, and two replicas may share a hostname; two workers under one name would
    each settle the other's deliveries. The random part makes it unique; a departed name is forgotten
    by the worker loop (WORKER_FORGET_CONSUMER_AFTER_S), so names do not pile up in the group."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"


async def _consume(settings: Settings, consumer: str, concurrency: int, analyze: AnalyzeFn | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    rt = await Runtime.create(settings, analyze=analyze)
    rt.instance = consumer  # /v1/stats lists the worker under its consumer name
    beating = asyncio.create_task(heartbeats(rt.redis, settings, consumer, stop))
    try:
        worker = StreamWorker(
            rt.redis,
            settings,
            lambda delivery: process_delivery(rt, delivery),
            consumer=consumer,
            concurrency=concurrency,
        )
        await worker.run(stop)
    finally:
        stop.set()
        await beating
        await rt.close()
