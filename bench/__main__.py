"""`python -m bench [names...] [--quick]`: run the benchmarks, then a table of targets.

Each benchmark prints one JSON line of figures and a short summary. The exit status is
0 when every benchmark ran (a missed target is a figure, not a failure) and 1 when one
crashed.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from bench import BENCHMARKS, run_one
from bench._common import Result


def _table(results: Sequence[Result]) -> str:
    rows = [("bench", "figure", "value", "target", "verdict")]
    for result in results:
        if result.status != "ok":
            rows.append((result.bench, "-", result.status, "-", "SKIP"))
        for check in result.checks:
            verdict = "n/a" if check.ok is None else ("PASS" if check.ok else "FAIL")
            rows.append((check.bench, check.figure, check.shown(), check.target, verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, *, log_to_file: bool = True) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"some of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    names = args.names or list(BENCHMARKS)

    # In-process bot code logs to a file, so the output stays the figures.
    log_path = Path(tempfile.gettempdir()) / "studybot-bench.log"
    if log_to_file:
        logging.basicConfig(
            filename=log_path,
            filemode="w",
            level=logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s %(message)s",
            force=True,
        )
    results: list[Result] = []
    crashed: list[str] = []
    began = time.monotonic()
    for name in names:
        started = time.monotonic()
        try:
            result = run_one(name, quick=args.quick)
        except Exception:
            crashed.append(name)
            print(f'{{"bench": "{name}", "status": "crashed"}}', flush=True)
            traceback.print_exc()
            continue
        print(result.json_line(), flush=True)
        for line in result.summary:
            print(f"  {line}")
        print(f"  ({time.monotonic() - started:.1f} s)", flush=True)
        results.append(result)
    print()
    print(_table(results))
    failed = [c for r in results for c in r.checks if c.ok is False]
    print()
    print(
        f"{len(results)} benchmark(s) ran in {time.monotonic() - began:.0f} s; "
        f"{len(failed)} target(s) missed; crashed: {', '.join(crashed) or 'none'}"
        + (f"; bot log: {log_path}" if log_to_file else "")
    )
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
