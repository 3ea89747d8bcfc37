"""Smoke test of the benchmarks: every module imports and runs with tiny sizes (--quick)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from bench import BENCHMARKS, run_one
from bench.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_benchmark_runs_quick(name: str) -> None:
    result = run_one(name, quick=True)

    assert result.bench == name
    line = json.loads(result.json_line())
    assert line["bench"] == name
    assert result.summary
    assert result.status == "ok"  # every benchmark measures something built
    assert result.checks, "every benchmark measures something against a target"
    assert all(check.value is not None for check in result.checks), result.checks


@pytest.mark.slow
def test_main_prints_figures_and_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["links", "--quick"], log_to_file=False) == 0
    out = capsys.readouterr().out
    first = json.loads(out.splitlines()[0])
    assert first["bench"] == "links" and first["sources"] > 0
    assert "verdict" in out and ("PASS" in out or "FAIL" in out)


def test_unknown_benchmark_is_refused() -> None:
    with pytest.raises(SystemExit):
        main(["nonesuch"], log_to_file=False)


def test_run_all_is_an_executable_script() -> None:
    script = ROOT / "bench" / "run_all"
    assert script.read_text().startswith("#!")
    assert os.stat(script).st_mode & stat.S_IXUSR
    assert "python -m bench" in script.read_text()
