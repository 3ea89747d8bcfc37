"""Slack rich text (the form's notes, a shared message) to our notes: one converter, pure."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from bot.core.model import Note
from bot.core.submission import extract_links, note_text, slack_escape

LineKind = Literal["text", "bullet", "ordered", "quote", "code"]

# Slack's escaped mentions in `/topic` text: <@U1|label>, <#C1|label>, <!subteam^S1|label>.
_MENTION = re.compile(r"<(?P<kind>@|#|!subteam\^)(?P<id>[A-Z0-9]+)(?:\|(?P<label>[^<>]*))?>")
# A marker typed by hand at the start of a plain line (the composer makes real lists).
_TYPED_MARKER = re.compile(r"^[-・*•‐－]\s*")


class Names(Protocol):
    """Display names for the ids rich text carries (Slack's users, channels, user groups)."""

    def user(self, user_id: str) -> str: ...

    def channel(self, channel_id: str) -> str: ...

    def usergroup(self, usergroup_id: str) -> str: ...


class IdNames:
    """Names when nothing can be looked up: the ids themselves."""

    def user(self, user_id: str) -> str:
        return user_id

    def channel(self, channel_id: str) -> str:
        return channel_id

    def usergroup(self, usergroup_id: str) -> str:
        return usergroup_id


@dataclass(frozen=True, slots=True)
class Line:
    """One line of rich text as `/topic` text (Slack-escaped), with its depth and kind."""

    text: str
    depth: int
    kind: LineKind

    def note(self) -> Note | None:
        """The note this line stands for; None when it has no visible text."""
        text = self.text
        if self.kind == "code":
            # Backticks keep the code's own indentation, which note text would trim.
            return Note(text=f"`{slack_unescape_code(text)}`", depth=self.depth)
        if self.kind == "text":
            text = _TYPED_MARKER.sub("", text.strip())
        body = note_text(text)
        if not body:
            return None
        if self.kind == "quote":
            body = f"> {body}"
        return Note(text=body, depth=self.depth)


def _dicts(value: object) -> list[dict[str, Any]]:
    """The objects of a payload list; anything malformed is skipped, never a crash."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _int(value: object, *, high: int) -> int:
    """A small non-negative number from the payload (Slack's indent is 0 to 8)."""
    try:
        number = int(str(value or 0))
    except ValueError:
        return 0
    return min(max(number, 0), high)


def slack_unescape_code(text: str) -> str:
    """Code lines keep every character, only Slack's three escapes are undone."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").rstrip()


def _date_text(element: dict[str, Any]) -> str:
    fallback = element.get("fallback")
    if fallback:
        return str(fallback)
    try:
        stamp = dt.datetime.fromtimestamp(float(element.get("timestamp", "")), dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return ""
    return stamp.date().isoformat()


def _emoji(element: dict[str, Any]) -> str:
    name = str(element.get("name", ""))
    if not name:
        return str(element.get("unicode", ""))
    tone = element.get("skin_tone")
    return f":{name}::skin-tone-{tone}:" if tone else f":{name}:"


def _label(text: str) -> str:
    # ``|`` and ``>`` would end Slack's ``<target|label>`` token early.
    return slack_escape(text).replace("|", "｜")


def inline_text(elements: list[dict[str, Any]], names: Names, *, code: bool = False) -> str:
    """Rich text elements as `/topic` text: Slack-escaped, links as ``<url|label>``.

    Mentions carry the names a member sees (``<@U1|Shun>`` reads as ``@Shun``), the same
    tokens the slash command receives, so every path stores the same text.
    """
    out: list[str] = []
    for element in _dicts(elements):
        kind = element.get("type")
        if kind == "text":
            text = slack_escape(str(element.get("text", "")))
            style = element.get("style")
            styled = isinstance(style, dict) and style.get("code") and not code
            out.append(f"`{text}`" if styled and text.strip() else text)
        elif kind == "link":
            url = str(element.get("url", ""))
            label = str(element.get("text") or "")
            if code:
                out.append(slack_escape(label or url))
            elif label and label != url:
                out.append(f"<{url}|{_label(label)}>")
            else:
                out.append(f"<{url}>")
        elif kind == "emoji":
            out.append(_emoji(element))
        elif kind == "user":
            user_id = str(element.get("user_id", ""))
            out.append(f"<@{user_id}|{_label(names.user(user_id))}>")
        elif kind == "channel":
            channel_id = str(element.get("channel_id", ""))
            out.append(f"<#{channel_id}|{_label(names.channel(channel_id))}>")
        elif kind == "usergroup":
            group_id = str(element.get("usergroup_id", ""))
            handle = names.usergroup(group_id).lstrip("@")
            out.append(f"<!subteam^{group_id}|{_label(handle)}>")
        elif kind == "broadcast":
            out.append(f"<!{element.get('range', '')}>")
        elif kind == "date":
            out.append(slack_escape(_date_text(element)))
        elif kind == "color":
            out.append(slack_escape(str(element.get("value", ""))))
        elif "text" in element:
            out.append(slack_escape(str(element["text"])))
    return "".join(out)


def relabel_mentions(text: str, names: Names) -> str:
    """`/topic` text with each mention labelled by the name the form would show.

    Slack labels a slash command's mentions itself (or not at all); looking the ids up
    the same way as for rich text keeps the slash command, the form and the shortcut
    storing one and the same name. When a look-up fails, Slack's label stays.
    """

    def label(match: re.Match[str]) -> str:
        kind, key, old = match.group("kind"), match.group("id"), match.group("label")
        if kind == "@":
            found = names.user(key)
        elif kind == "#":
            found = names.channel(key)
        else:
            found = names.usergroup(key).lstrip("@")
        name = found if found != key else (old or key)
        return f"<{kind}{key}|{_label(slack_unescape_code(name))}>"

    return _MENTION.sub(label, text)


def _section_lines(block: dict[str, Any], names: Names, kind: LineKind) -> Iterator[Line]:
    text = inline_text(_dicts(block.get("elements")), names, code=kind == "code")
    for line in text.split("\n"):
        if line.strip():
            yield Line(line, 0, kind)


def rich_text_lines(value: dict[str, Any] | None, names: Names) -> list[Line]:
    """Every non-empty line of a rich_text value, in order, with its depth and kind.

    A list item's depth is the list's ``indent`` as Slack gives it (a jump 0 -> 2 stays
    2); ordered items keep their number (``offset`` + position).
    """
    lines: list[Line] = []
    for block in _dicts((value or {}).get("elements") if isinstance(value, dict) else None):
        kind = block.get("type")
        if kind == "rich_text_list":
            depth = _int(block.get("indent"), high=8)
            ordered = block.get("style") == "ordered"
            start = _int(block.get("offset"), high=10_000)
            for number, item in enumerate(_dicts(block.get("elements")), start=start + 1):
                text = " ".join(inline_text(_dicts(item.get("elements")), names).split("\n"))
                if not text.strip():
                    continue
                if ordered:
                    lines.append(Line(f"{number}. {text.strip()}", depth, "ordered"))
                else:
                    lines.append(Line(text, depth, "bullet"))
        elif kind == "rich_text_section":
            lines += _section_lines(block, names, "text")
        elif kind == "rich_text_quote":
            lines += _section_lines(block, names, "quote")
        elif kind == "rich_text_preformatted":
            lines += _section_lines(block, names, "code")
    return lines


def lines_to_notes(lines: list[Line]) -> tuple[Note, ...]:
    """Notes from converted lines (the one place both the form and the shortcut use)."""
    return tuple(note for line in lines if (note := line.note()) is not None)


def rich_text_to_notes(value: dict[str, Any] | None, names: Names) -> tuple[Note, ...]:
    """The form's notes: every non-empty line a note, nested and shaped as written."""
    return lines_to_notes(rich_text_lines(value, names))


def message_lines(message: dict[str, Any], names: Names) -> list[Line]:
    """Every line of a shared message's rich-text blocks, in order."""
    lines: list[Line] = []
    for block in _dicts(message.get("blocks")):
        if block.get("type") == "rich_text":
            lines += rich_text_lines(block, names)
    return lines


def _links(text: str) -> bool:
    return bool(extract_links(text)[1])


@dataclass(frozen=True, slots=True)
class SharedMessage:
    """A shared message split as a submission: its header as `/topic` text, then notes."""

    header: str
    notes: tuple[Note, ...]


def split_message(message: dict[str, Any], names: Names) -> SharedMessage:
    """The first line is the header (tag, title, source); the rest are notes.

    A source on its own plain line right under a header without one joins the header,
    as it does for `/topic`. A message without rich text is its ``text``, read whole
    as `/topic` text (it is Slack-escaped already).
    """
    lines = message_lines(message, names)
    if not lines:
        return SharedMessage(str(message.get("text", "")), ())
    head, rest = lines[0].text, lines[1:]
    if rest and rest[0].kind == "text" and _links(rest[0].text) and not _links(head):
        head = f"{head} {rest.pop(0).text}"
    return SharedMessage(head, lines_to_notes(rest))
