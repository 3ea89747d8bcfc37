"""No module in bot/ grows past 400 lines (#15): a long module is doing several jobs."""

from __future__ import annotations

from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
LIMIT = 400


def test_no_module_in_bot_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(BOT)): n
        for path in sorted(BOT.rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}
