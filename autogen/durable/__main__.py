"""``python -m autogen.durable``: run a worker for queued durable chats, or list the chats.

    python -m autogen.durable worker --database-url URL --import MODULE [--queue chats] [--concurrency N]
                                     [--executor-id ID]
    python -m autogen.durable status --database-url URL [--limit N]

A worker imports the modules defining the chats (``@autogen.durable.chat``), resumes the chats its
executor id left unfinished, then runs chats from its queues until SIGTERM or SIGINT. Each queued chat
runs once, whichever worker takes it. Give each worker its own ``--executor-id`` and restart a killed
one with the same id: it resumes that worker's chats.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from datetime import datetime, timezone


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autogen.durable", description="Durable AG2 chats on DBOS.")
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker", help="run queued durable chats")
    worker.add_argument("--database-url", required=True, help="the system database (PostgreSQL URL or sqlite:///file)")
    worker.add_argument(
        "--import", dest="modules", action="append", required=True, metavar="MODULE", help="module defining the chats"
    )
    worker.add_argument("--queue", dest="queues", action="append", metavar="NAME", help="queue to run (default: chats)")
    worker.add_argument("--concurrency", type=int, default=None, help="chats run at once by this worker, per queue")
    worker.add_argument("--executor-id", default=None, help="this worker's id (default: HOST-PID)")
    status = commands.add_parser("status", help="list the chats and their state")
    status.add_argument("--database-url", required=True)
    status.add_argument("--limit", type=int, default=50)
    return parser


def _worker(args: argparse.Namespace) -> int:
    from . import _runtime

    sys.path.insert(0, os.getcwd())  # modules next to where the worker is started, as `python -m` finds them
    for module in args.modules:
        importlib.import_module(module)
    executor_id = args.executor_id or f"{socket.gethostname()}-{os.getpid()}"
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    _runtime.launch(
        args.database_url,
        queues=args.queues or [_runtime.DEFAULT_QUEUE],
        concurrency=args.concurrency,
        executor_id=executor_id,
    )
    print(f"autogen.durable worker {executor_id} running queues {args.queues or [_runtime.DEFAULT_QUEUE]}", flush=True)
    try:
        stop.wait()
    finally:
        _runtime.shutdown()
    return 0


def _time(ms: int | None) -> str:
    return "-" if ms is None else datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _status(args: argparse.Namespace) -> int:
    from ._runtime import list_chats

    chats = list_chats(args.database_url, limit=args.limit)
    print(f"{'chat id':38} {'status':10} {'queue':8} {'executor':20} {'updated (UTC)':19}  chat")
    for c in chats:
        print(
            f"{c.chat_id:38} {c.status:10} {c.queue or '-':8} {c.executor_id or '-':20} {_time(c.updated_at):19}  {c.name}"
        )
    print(f"{len(chats)} chat(s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return _worker(args) if args.command == "worker" else _status(args)


if __name__ == "__main__":
    sys.exit(main())
