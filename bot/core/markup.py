"""The small inline markup of note text: Markdown links and bare URLs, split into segments."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINK_OR_URL = re.compile(
    r"\[(?P<label>[^\[\]\n]+)\]\((?P<url>https?://[^\s()]+(?:\([^\s()]*\)[^\s()]*)*)\)"
    r"|(?P<bare>https?://[^\s<>\"'）」』】]+)"
)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of note text, linked to ``url`` when it is not None."""

    text: str
    url: str | None = None


def segments(text: str) -> list[Segment]:
    """Split note text into plain and linked runs, in order, losing no character."""
    out: list[Segment] = []
    pos = 0
    for match in _LINK_OR_URL.finditer(text):
        if match.start() > pos:
            out.append(Segment(text[pos : match.start()]))
        if match.group("bare") is not None:
            bare = match.group("bare").rstrip(".,;:!?、。")
            out.append(Segment(bare, bare))
            pos = match.start() + len(bare)
            continue
        out.append(Segment(match.group("label"), match.group("url")))
        pos = match.end()
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return _merge_plain(out)


def _merge_plain(parts: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for part in parts:
        if merged and part.url is None and merged[-1].url is None:
            merged[-1] = Segment(merged[-1].text + part.text)
        else:
            merged.append(part)
    return merged


def markdown_link(label: str, url: str) -> str:
    """``[label](url)`` with the brackets of the label made harmless."""
    safe = label.replace("[", "［").replace("]", "］") or url
    return f"[{safe}]({url})"
