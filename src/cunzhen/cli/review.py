"""`cunzhen review`: browse a run's documents in a local web app and accept or reject its edits."""

from __future__ import annotations

import argparse
import sys
import time

HELP = """\
Open the output of `cunzhen restore` or `cunzhen clean` in a local web app (http://127.0.0.1:PORT/):
  - filter documents by verdict, reason, site, spin score and text (searched in the input and the output)
  - see each document's input and output side by side, every edit and removed span highlighted, with its
    rule and score on hover
  - accept or reject an edit, or every edit of one substitution at once
  - export the accepted substitutions as a spin table (for --table) and the rejected ones as a reject list
    (spun<TAB>original, for --reject)
Decisions are saved as they are made, in OUT.jsonl.review.sqlite beside the file: stop and start again at will.

examples:
  cunzhen review restored.jsonl                  then open http://127.0.0.1:8765/
  cunzhen review restored.jsonl --port 9000
  cunzhen review restored.jsonl --export-accepted ok.tsv --export-rejected no.tsv   (no server: export and exit)
  cunzhen restore more.jsonl -o out.jsonl --table ok.tsv --reject no.tsv
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "review",
        help="review a run's edits in a local web app",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", metavar="OUT", help="output JSONL of cunzhen restore/clean (.jsonl, .jsonl.gz)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this machine only; the app has no login, so only bind "
        "another address on a network you trust)",
    )
    p.add_argument("--db", metavar="FILE", help="decision database (default: OUT.review.sqlite beside the input)")
    p.add_argument("--export-accepted", metavar="FILE", help="write the accepted substitutions table and exit")
    p.add_argument("--export-rejected", metavar="FILE", help="write the rejected substitutions list and exit")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from cunzhen.review.decisions import DecisionStore, default_db_path, export
    from cunzhen.review.index import ReviewIndex

    started = time.perf_counter()
    index = ReviewIndex(args.input)
    store = DecisionStore(args.db or default_db_path(args.input))
    print(
        f"cunzhen review: {len(index)} documents loaded in {time.perf_counter() - started:.1f}s; "
        f"decisions in {store.path}",
        file=sys.stderr,
    )
    if args.export_accepted or args.export_rejected:
        summary = export(index, store, args.export_accepted, args.export_rejected)
        print(
            f"cunzhen review: {len(summary.accepted)} accepted, {len(summary.rejected)} rejected substitutions "
            f"exported",
            file=sys.stderr,
        )
        return 0
    return serve(index, store, args.host, args.port)


def serve(index, store, host: str, port: int) -> int:
    from werkzeug.serving import make_server

    from cunzhen.review.app import LOOPBACK_NAMES, create_app

    allowed = None if host in LOOPBACK_NAMES else LOOPBACK_NAMES | {host}
    server = make_server(host, port, create_app(index, store, allowed), threaded=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"cunzhen review: serving http://{shown}:{server.server_port}/  (Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        store.close()
    return 0
