"""`python -m bench startup`: how long the CLI takes to start, against `python -c pass`.

Each command runs as a fresh process, in turn with `python -c pass` (A B A B …, one
warm-up each, medians of 5): `studybot --help`, `--version` and `preview` of an empty
SQLite database migrated beforehand. Bytecode is written and kept (a
PYTHONDONTWRITEBYTECODE of the caller would time the compiler, not the start-up).
Wall time is quoted with its CPU time (user + sys of the child, from ``os.wait4``): on a
loaded machine the CPU time moves less. ``python -m bench.startup --tree DIR`` times
another checkout's ``bot/`` (e.g. a ``git archive`` of the commit before) the same way,
for a before/after pair from one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._common import _SETTINGS_VARS, REPO_ROOT, Result, ms

COMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("--help",),
    "version": ("--version",),
    "preview": ("preview",),
}
PREVIEW_OVER_MS = 400  # issue #20: over `python -c pass`
HELP_OVER_MS = 150


def _once(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one run of ``argv``."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} exited {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def _medians(argv: list[str], env: dict[str, str], cwd: Path, runs: int) -> dict[str, float]:
    """Medians of ``argv`` and of `python -c pass`, run in turn after one warm-up each."""
    floor = [sys.executable, "-c", "pass"]
    _once(argv, env, cwd), _once(floor, env, cwd)
    pairs = [(_once(argv, env, cwd), _once(floor, env, cwd)) for _ in range(runs)]
    return {
        "wall_ms": ms(statistics.median(a[0] for a, _ in pairs)),
        "cpu_ms": ms(statistics.median(a[1] for a, _ in pairs)),
        "pass_wall_ms": ms(statistics.median(b[0] for _, b in pairs)),
        "over_ms": ms(statistics.median(a[0] - b[0] for a, b in pairs)),
    }


def measure(tree: Path, runs: int) -> dict[str, dict[str, float]]:
    """Figures of every command of the ``bot/`` package under ``tree``."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in _SETTINGS_VARS}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(tree)
    with tempfile.TemporaryDirectory(prefix="studybot-startup-") as workdir:
        cwd = Path(workdir)
        env["DATABASE_URL"] = f"sqlite:///{cwd / 'studybot.db'}"
        migrate = "import os, bot.store as s; s.open_database(os.environ['DATABASE_URL']).dispose()"
        subprocess.run([sys.executable, "-c", migrate], env=env, cwd=cwd, check=True)
        return {
            name: _medians([sys.executable, "-m", "bot", *args], env, cwd, runs)
            for name, args in COMMANDS.items()
        }


def run(quick: bool = False, tree: Path = REPO_ROOT) -> Result:
    result = Result("startup")
    load = os.getloadavg()
    figures = measure(tree, 1 if quick else 5)
    result.figures.update({"load_average": [round(x, 2) for x in load], **figures})
    result.at_most(
        "preview over python -c pass", figures["preview"]["over_ms"], PREVIEW_OVER_MS, "ms"
    )
    result.at_most("--help over python -c pass", figures["help"]["over_ms"], HELP_OVER_MS, "ms")
    for name, row in figures.items():
        result.summary.append(
            f"{name}: {row['wall_ms']:.0f} ms wall ({row['cpu_ms']:.0f} ms CPU), "
            f"python -c pass {row['pass_wall_ms']:.0f} ms: {row['over_ms']:.0f} ms over"
        )
    result.summary.append("load average " + " ".join(f"{x:.2f}" for x in load))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=REPO_ROOT, help="checkout whose bot/ to time")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    result = run(args.quick, args.tree.resolve())
    print(result.json_line())
    print("\n".join(result.summary))


if __name__ == "__main__":
    main()
