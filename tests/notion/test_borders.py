"""The Notion adapter's borders: no store import, no record written, messages complete."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from bot.core.i18n.notion import MESSAGES

BOT = Path(__file__).resolve().parents[2] / "bot"
# The store's methods that change a publication record (or the body kept on it).
WRITES = ("claim_publication", "update_publication", "save_body_state")
THE_WRITER = BOT / "services" / "publications.py"


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_nothing_in_bot_notion_imports_the_store() -> None:
    paths = sorted((BOT / "notion").rglob("*.py"))
    assert paths
    offenders = [
        f"{path.relative_to(BOT)}: {name}"
        for path in paths
        for name in _imports(path)
        if name == "bot.store" or name.startswith("bot.store.")
    ]
    assert offenders == []


def test_publication_records_have_one_writer() -> None:
    """Outside the store only bot/services/publications.py changes a publication record."""
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        if path == THE_WRITER or (BOT / "store") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in WRITES:
                offenders.append(f"{path.relative_to(BOT)}:{node.lineno}: {node.attr}")
    assert offenders == []


def test_every_publisher_message_has_both_languages_and_the_same_fields() -> None:
    for key, texts in MESSAGES.items():
        assert key.startswith("notion_publish_")
        assert set(texts) == {"ja", "en"}, key
        fields = [
            {name for _, name, _, _ in string.Formatter().parse(text) if name}
            for text in texts.values()
        ]
        assert fields[0] == fields[1], key
