"""The command line of a benchmark script: its docstring as ``--help`` and on/off flags, parsed by argparse.

One way for every script in bench/: reading ``sys.argv`` by hand ignored unknown flags and ran a benchmark
(minutes) on ``--help``.
"""

from __future__ import annotations

import argparse


def parse_flags(doc: str | None, argv: list[str] | None = None, **flags: str) -> argparse.Namespace:
    """Parse ``--name`` on/off flags (``name=help``; ``_`` in a name is ``-`` on the command line) from
    ``argv`` (default: the command line)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, help_text in flags.items():
        parser.add_argument("--" + name.replace("_", "-"), action="store_true", help=help_text)
    return parser.parse_args(argv)
