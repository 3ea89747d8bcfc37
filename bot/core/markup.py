"""The small inline markup of note text: Markdown links and bare URLs, split into segments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from bot.core.urls import is_http_url

URL_MAX: Final = 2000
"""Longest link URL Notion accepts (``text.link.url``, developers.notion.com request limits)."""

# A label that reads as a URL or a host name: an optional scheme, the host, an optional path.
_HOSTISH: Final = re.compile(
    r"(?:[a-z][a-z0-9+.\-]*://)?(?:[^\s/@]*@)?"
    r"(?P<host>[^\s/?#:@\[\]]+\.[a-z][a-z0-9-]*)\.?(?::\d*)?(?:[/?#]\S*)?",
    re.IGNORECASE,
)

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


def linkable(url: str | None) -> bool:
    """True when ``url`` may be a link target on every surface: http(s), at most URL_MAX."""
    return bool(url) and len(url or "") <= URL_MAX and is_http_url(url or "")


def _bare_host(host: str) -> str:
    return host.lower().rstrip(".").removeprefix("www.")


def label_host(label: str) -> str | None:
    """The host a label names when it reads as a URL or a host name, else None."""
    match = _HOSTISH.fullmatch(label.strip())
    return _bare_host(match.group("host")) if match is not None else None


def _same_site(one: str, other: str) -> bool:
    return one == other or one.endswith("." + other) or other.endswith("." + one)


def link_label(label: str, url: str | None) -> str:
    """What to show for a link to ``url`` drawn on ``label``.

    A label that names another site than the target (``https://arxiv.org/...`` drawn
    on ``https://evil.example``) gets the real host appended, so no surface shows a
    trusted address while linking elsewhere.
    """
    named = label_host(label)
    if named is None or not url:
        return label
    try:
        real = _bare_host(urlsplit(url.strip()).hostname or "")
    except ValueError:
        real = ""
    if real and _same_site(named, real):
        return label
    return f"{label} (→ {real or url[:100]})"
