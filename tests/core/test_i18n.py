"""The one message catalogue: every key in both languages, no key defined twice."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.core import i18n
from bot.core.i18n import keys, merge, t

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "bot" / "core" / "i18n"


# Every key in both languages: tests/archive/test_messages.py checks it on the whole catalogue
# (its keys() has been the merged catalogue's since archive's messages joined it).


def test_every_area_module_is_merged() -> None:
    merged = set()
    for area in i18n._AREAS:
        assert set(area.MESSAGES) <= keys(), area.__name__
        merged |= set(area.MESSAGES)
    assert merged == keys()


def test_a_key_in_two_areas_fails_loudly() -> None:
    one = {"same": {"ja": "a", "en": "a"}}
    other = {"same": {"ja": "b", "en": "b"}}
    with pytest.raises(ValueError, match="'same' is defined by both one and other"):
        merge([("one", one), ("other", other)])


def test_lookup_fills_parameters_only_when_given() -> None:
    assert t("en", "votes_suffix", votes=3) == "👍 3"
    assert t("ja", "more_topics", count=2) == "…ほか 2 件"


# Keys that the code builds from a prefix and a value, so no literal names them. Each entry:
# the file that builds them, the f-string's fixed start, its fixed end, and every value that
# goes in between; a test below checks the f-string is still in that file.
_BUILT_KEYS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # t(lang, f"skip_reason_{cycle.skip_reason(date) or 'configured'}"): skip_reason() says
    # "holiday" for a public holiday, None (so "configured") for SKIP_DATES.
    ("bot/services/calendar.py", "skip_reason_", "", ("configured", "holiday")),
    ("bot/cli/common.py", "skip_reason_", "", ("configured", "holiday")),
    # t(lang, f"reason_{skipped.reason}"): the reason codes of bot.archive.parsing.SkippedLine.
    (
        "bot/archive/cli.py",
        "reason_",
        "",
        (
            "before_title",
            "before_presenter",
            "note_without_topic",
            "no_title",
            "bad_date",
            "votes",
            "other_meeting",
            "no_presenter_name",
        ),
    ),
    # t(lang, f"search_{query.problem}"): SearchQuery.problem is "bad_tag" or "bad_year".
    ("bot/slack/search.py", "search_", "", ("bad_tag", "bad_year")),
    # doctor's Notion fixes: f"notion_share_{kind}_fix" and f"notion_{kind}_id_fix", with
    # kind "db" for NOTION_DATABASE_ID and "page" for NOTION_PARENT_PAGE_ID.
    ("bot/doctor/notion.py", "notion_share_", "_fix", ("db", "page")),
    ("bot/doctor/notion.py", "notion_", "_id_fix", ("db", "page")),
)


def _string_literals(root: Path) -> set[str]:
    found: set[str] = set()
    for path in root.rglob("*.py"):
        if CATALOGUE in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def _fstring_parts(path: Path) -> set[tuple[str, str]]:
    """(fixed start, fixed end) of every f-string in ``path`` with one value in between."""
    parts: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.JoinedStr):
            continue
        values = node.values
        if sum(isinstance(v, ast.FormattedValue) for v in values) != 1:
            continue
        index = next(i for i, v in enumerate(values) if isinstance(v, ast.FormattedValue))
        before = values[index - 1] if index > 0 else None
        after = values[index + 1] if index + 1 < len(values) else None
        start = before.value if isinstance(before, ast.Constant) else ""
        end = after.value if isinstance(after, ast.Constant) else ""
        parts.add((str(start), str(end)))
    return parts


def test_no_key_is_unused() -> None:
    used = _string_literals(ROOT / "bot")
    built = {f"{start}{value}{end}" for _, start, end, values in _BUILT_KEYS for value in values}
    unused = sorted(key for key in keys() if key not in used and key not in built)
    assert unused == []


def test_every_built_key_exists_and_is_still_built_there() -> None:
    for file, start, end, values in _BUILT_KEYS:
        assert (start, end) in _fstring_parts(ROOT / file), (file, start, end)
        for value in values:
            assert f"{start}{value}{end}" in keys(), (file, value)


def test_every_key_looked_up_by_name_exists() -> None:
    """A literal key in ``t(lang, "key", ...)`` anywhere in bot/ names a message."""
    missing = []
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
                and node.args[1].value not in keys()
            ):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.args[1].value}")
    assert missing == []
