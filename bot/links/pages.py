"""Page titles: what a web page's head says about it (title, authors, year), read in linear time.

Also the one shape every source's answer takes (:class:`PaperFacts`): a page, the arXiv API
and the paper sites' APIs each say some of title, authors, venue, year and code link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Final

_YEAR: Final = re.compile(r"\b(1[89]\d{2}|2\d{3})\b")


@dataclass(frozen=True, slots=True)
class PaperFacts:
    """What one source says about a link: a web page, the arXiv API or a paper site's API."""

    title: str | None
    authors: tuple[str, ...] = ()
    venue: str | None = None
    year: int | None = None
    code_url: str | None = None


def collapse(text: str | None) -> str | None:
    if text is None:
        return None
    collapsed = " ".join(text.split())
    return collapsed or None


def year_in(text: str | None) -> int | None:
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


HEAD_CHARS: Final = 128 * 1024
"""At most this much of a page is scanned: ``<title>`` and ``og:title`` live in its head."""

_TAG_NAME: Final = re.compile(r"[a-zA-Z][^\s/>\x00]*")
_GAP: Final = re.compile(r"[\s/]*")
_ATTR_NAME: Final = re.compile(r"[^\s/>][^\s/>=]*")
_EQUALS: Final = re.compile(r"\s*=\s*")
_UNQUOTED: Final = re.compile(r"[^\s>]*")
_INNER_TAG: Final = re.compile(r"<[^<>]*>")
_RAW_TEXT: Final = frozenset(
    {"script", "style", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "title"}
)


def _closing(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{name}[\s/>]", re.IGNORECASE)


_CLOSERS: Final = {name: _closing(name) for name in _RAW_TEXT}


def _attributes(html: str, pos: int) -> tuple[dict[str, str], int] | None:
    """The attributes of a start tag from ``pos``, and where the tag ends; None if it never does.

    Every step consumes what it looked at, so a tag costs time linear in its length.
    """
    attrs: dict[str, str] = {}
    size = len(html)
    while True:
        gap = _GAP.match(html, pos)
        assert gap is not None  # [\s/]* always matches
        pos = gap.end()
        if pos >= size:
            return None
        if html[pos] == ">":
            return attrs, pos + 1
        name = _ATTR_NAME.match(html, pos)
        assert name is not None  # html[pos] is neither a gap nor ">"
        pos = name.end()
        value = ""
        equals = _EQUALS.match(html, pos)
        if equals is not None:
            pos = equals.end()
            if pos < size and html[pos] in "\"'":
                close = html.find(html[pos], pos + 1)
                if close < 0:
                    return None  # the rest of the page is inside the value
                value, pos = html[pos + 1 : close], close + 1
            else:
                bare = _UNQUOTED.match(html, pos)
                assert bare is not None  # [^\s>]* always matches
                value, pos = bare.group(), bare.end()
        attrs.setdefault(name.group().lower(), unescape(value))


class _HeadScan:
    """Collects ``<meta>`` titles, Highwire ``citation_*`` tags and the first ``<title>``.

    A single forward pass with ``str.find`` and anchored, non-backtracking patterns:
    each step moves past what it examined, so any input costs linear time. (The
    stdlib ``HTMLParser`` rescans its buffer and takes seconds on a hostile 64 KiB.)
    """

    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.authors: list[str] = []
        self.title: str | None = None
        self.svg_depth = 0  # an inline icon's <title> is not the page's
        self.head_done = False

    def scan(self, html: str) -> None:
        pos = 0
        while not (self.head_done and (self.meta or self.title is not None)):
            opened = html.find("<", pos)
            if opened < 0:
                return
            after = opened + 1
            if html.startswith("!--", after):
                close = html.find("-->", after + 3)
                if close < 0:
                    return
                pos = close + 3
            elif html.startswith(("!", "?", "/"), after):
                close = html.find(">", after)
                if close < 0:
                    return
                name = _TAG_NAME.match(html, after + 1)
                if html[after] == "/" and name is not None:
                    self._end(name.group().lower())
                pos = close + 1
            elif (name := _TAG_NAME.match(html, after)) is None:
                pos = after  # a lone "<" is text
            else:
                tag = name.group().lower()
                found = _attributes(html, name.end())
                if found is None:
                    return
                attrs, pos = found
                self._start(tag, attrs, self_closing=html[pos - 2] == "/")
                if tag in _RAW_TEXT:
                    closer = _CLOSERS[tag].search(html, pos)
                    content = html[pos : closer.start() if closer else len(html)]
                    if tag == "title" and self.title is None and not self.svg_depth:
                        self.title = unescape(_INNER_TAG.sub("", content))
                    if closer is None:
                        return
                    pos = closer.start()

    def _start(self, tag: str, attrs: dict[str, str], *, self_closing: bool) -> None:
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
            content = attrs.get("content")
            if key and content is not None:
                if key == "citation_author":
                    if (author := collapse(content)) is not None:
                        self.authors.append(author)
                else:
                    self.meta.setdefault(key, content)
        elif tag == "svg" and not self_closing:
            self.svg_depth += 1
        elif tag == "body":
            self.head_done = True

    def _end(self, tag: str) -> None:
        if tag == "svg":
            self.svg_depth = max(0, self.svg_depth - 1)
        elif tag == "head":
            self.head_done = True


def _scan(html: str) -> _HeadScan:
    """Scan the head of a page (the caller has cut it to :data:`HEAD_CHARS`)."""
    scan = _HeadScan()
    scan.scan(html)
    return scan


def scan_head(html: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The ``<meta>`` name -> content map and the ``citation_author`` names of a page's head."""
    scan = _scan(html[:HEAD_CHARS])
    return scan.meta, tuple(dict.fromkeys(scan.authors))


def parse_page(html: str) -> PaperFacts:
    """Title (``og:title``, ``twitter:title``, ``citation_title``, ``<title>``), authors, year.

    Only the first :data:`HEAD_CHARS` characters are looked at, and scanning stops
    after the head once a title was found.
    """
    scan = _scan(html[:HEAD_CHARS])
    meta = scan.meta
    title = None
    for key in ("og:title", "twitter:title", "citation_title"):
        title = collapse(meta.get(key))
        if title is not None:
            break
    if title is None:
        title = collapse(scan.title)
    year = None
    for key in ("citation_publication_date", "citation_date", "citation_year", "dc.date"):
        year = year_in(meta.get(key))
        if year is not None:
            break
    return PaperFacts(title, tuple(dict.fromkeys(scan.authors)), year=year)


def extract_title(html: str) -> str | None:
    """The page title: ``og:title``, ``twitter:title``, ``citation_title``, then ``<title>``."""
    return parse_page(html).title
