"""Benchmarks of studybot: `python -m bench [names...] [--quick]` (see docs/performance.md).

Every benchmark talks to loopback only: the app runs against the local fakes in
``tests.fakes``, loops are bounded, and each one stops by itself.
"""

from __future__ import annotations

import importlib

from bench._common import Result

# Name -> module; each module has ``run(quick: bool) -> Result``.
BENCHMARKS: dict[str, str] = {
    "ack": "bench.ack",
    "publish": "bench.publish",
    "links": "bench.links",
    "footprint": "bench.footprint",
    "reliability": "bench.reliability",
    "hostile": "bench.hostile",
    "floors": "bench.floors",
    "startup": "bench.startup",
}


def run_one(name: str, *, quick: bool = False) -> Result:
    """Run one benchmark by name and return what it measured."""
    module = importlib.import_module(BENCHMARKS[name])
    result: Result = module.run(quick=quick)
    return result


__all__ = ["BENCHMARKS", "Result", "run_one"]
