"""``python -m autogen.viewer PATH``: serve (or ``--export``) the viewer page of a log file."""

from __future__ import annotations

import argparse
import sys

from .load import load
from .page import export_html
from .server import ViewerServer


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m autogen.viewer",
        description="Show an AG2 run log (runtime-log SQLite or JSON lines, or OTLP/JSON traces) in a local web page.",
    )
    parser.add_argument("path", help="the log file (its kind is told by its content)")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to serve on (default: a free port)")
    parser.add_argument("--export", metavar="FILE", help="write one self-contained HTML file instead of serving")
    args = parser.parse_args(argv)
    try:
        log = load(args.path)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.export:
        with open(args.export, "w", encoding="utf-8") as f:
            f.write(export_html(log))
        print(f"wrote {args.export} ({len(log['runs'])} run(s))")
        return 0
    server = ViewerServer(log, host=args.host, port=args.port)
    print(f"AG2 viewer: {len(log['runs'])} run(s) of {args.path} ({log['kind']})")
    print(f"serving on {server.url}  (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
