"""Slack rich text (modal notes, shared messages) to our notes and inline text, pure."""

from __future__ import annotations

from typing import Any

from bot.core.markup import markdown_link
from bot.core.model import Note


def _inline(elements: list[dict[str, Any]]) -> str:
    out: list[str] = []
    for element in elements:
        kind = element.get("type")
        if kind == "text":
            out.append(str(element.get("text", "")))
        elif kind == "link":
            url = str(element.get("url", ""))
            label = str(element.get("text") or "")
            out.append(markdown_link(label, url) if label and label != url else url)
        elif kind == "emoji":
            out.append(f":{element.get('name', '')}:")
        elif kind == "user":
            out.append(f"@{element.get('user_id', '')}")
        elif kind == "channel":
            out.append(f"#{element.get('channel_id', '')}")
        elif kind == "broadcast":
            out.append(f"@{element.get('range', '')}")
        elif kind == "usergroup":
            out.append("@group")
        elif "text" in element:
            out.append(str(element["text"]))
    return "".join(out)


def rich_text_lines(value: dict[str, Any] | None) -> list[tuple[str, int, bool]]:
    """(text, depth, is_bullet) per line of a rich_text value, links as Markdown links."""
    lines: list[tuple[str, int, bool]] = []
    for block in (value or {}).get("elements", []) or []:
        kind = block.get("type")
        if kind == "rich_text_list":
            depth = int(block.get("indent", 0) or 0)
            for item in block.get("elements", []):
                lines += [
                    (text, depth, True) for text in _inline(item.get("elements", [])).split("\n")
                ]
        elif kind in ("rich_text_section", "rich_text_quote", "rich_text_preformatted"):
            lines += [(text, 0, False) for text in _inline(block.get("elements", [])).split("\n")]
    return [(text.strip(), depth, bullet) for text, depth, bullet in lines if text.strip()]


def rich_text_to_notes(value: dict[str, Any] | None) -> tuple[Note, ...]:
    """Modal notes: every non-empty line a note; list items nested by their indent."""
    return tuple(
        Note(text=text.lstrip("-・*• ").strip() or text, depth=depth)
        for text, depth, _ in rich_text_lines(value)
    )


def message_to_inline(message: dict[str, Any]) -> str:
    """A shared message as `/topic` text: its first line as the header, lists as notes."""
    lines: list[str] = []
    for block in message.get("blocks", []) or []:
        if block.get("type") != "rich_text":
            continue
        for text, depth, bullet in rich_text_lines(block):
            lines.append(f"{'  ' * depth}- {text}" if bullet or lines else text)
    if lines:
        return "\n".join(lines)
    return str(message.get("text", ""))
