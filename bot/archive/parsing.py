"""Reading past agenda pages (Notion text exports, the bot's Markdown) into plain values.

Two shapes are understood, line by line, and never with an exception:

* the text a Notion agenda page exports to (seed ``001``): a ``YYYY-MM-DD 勉強会名``
  title line, ``今週のTOPIC``, the group's rules, then per member an ``@Name`` line
  followed by topics: a ``[tag] title`` line (any bracket form, aliases allowed) and
  ``•`` bullets whose indentation gives the nesting;
* the Markdown of :func:`bot.core.agenda.render_markdown` and of the archive export:
  ``# YYYY-MM-DD group``, ``### @Name``, ``[tag] [title](url) 👍 n`` and ``- `` notes
  nested by two spaces.

An export has lost what cannot be seen in text: embedded links (so ``url`` is None) and
Notion's heading/paragraph distinction. A line without a tag therefore starts a topic (tag
``その他``) only when it is the first line of a presenter's section; later untagged lines are
notes, as a heading inside a topic's notes ("バージョン管理の基礎") cannot be told from an
untagged title. Nothing typed is lost; what cannot be placed is in ``skipped`` with a reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.core.agenda import DEFAULT_GROUP_NAME
from bot.core.i18n import t as core_t
from bot.core.model import Note
from bot.core.submission import extract_links
from bot.core.tags import TagSet, split_leading_tag
from bot.core.urls import is_http_url

FALLBACK_TAG = "その他"
# A 40-member group cannot give one topic more votes; larger numbers are junk.
MAX_VOTES = 200

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MEETING_TITLE = re.compile(
    r"^(?P<hashes>#\s+)?(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*[（(][^()（）]{1,6}[)）])?(?P<rest>(?:\s.*)?)$"
)
_HEADING = re.compile(r"^#{1,6}\s+(?P<body>.*)$")
# ``### 17:00 @Name (10分)`` in an agenda with time slots; ``@Name`` on the group's page.
_PRESENTER = re.compile(
    r"^(?:#{1,6}\s+)?(?:\d{1,2}:\d{2}\s+)?[@＠]\s*(?P<name>.*?)"
    r"(?:\s+[(（]\d{1,3}\s*(?:分|min)[)）])?$"
)
_BULLET = re.compile(
    r"^(?:[•・◦▪▫‣⁃●○■□]\s*|(?:[-*+‐－]|\d{1,3}[.)])(?:\s+|$))",
)
_LATE = re.compile(r"\s*(?:（追加）|\(late\))\s*$")
_VOTES = re.compile(r"(?:^|\s+)(?:👍|:\+1:|:thumbsup:)\s*(?P<n>\d{1,9})\s*$")
_TITLE_LINK = re.compile(
    r"^\[(?P<label>(?:\\.|[^\\\]\n])*)\]"
    r"\(<?(?P<url>https?://[^\s()<>]+(?:\([^\s()<>]*\)[^\s()<>]*)*)>?\)"
)
_UNESCAPE = re.compile(r"\\([\\\[\]<>!])")  # what bot.core.agenda.md_escape escapes
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")

_AGENDA_HEADINGS = frozenset(
    {core_t(lang, key) for lang in ("ja", "en") for key in ("agenda_title", "if_time_allows")}
)
_NO_TOPICS = frozenset({core_t("ja", "no_topics"), core_t("en", "no_topics")})
_RULE_LINES = frozenset(
    line.strip() for lang in ("ja", "en") for line in core_t(lang, "rules").split("\n")
)


class SkippedLine(NamedTuple):
    """A line that was not imported: its 1-based number, its text and a reason code.

    Reason codes (see ``bot.core.i18n.archive``): ``before_title``, ``before_presenter``,
    ``note_without_topic``, ``no_title``, ``bad_date``, ``votes``, ``other_meeting``,
    ``no_presenter_name``.
    """

    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedTopic:
    """One topic as the page shows it; ``url`` is None when the page lost the link."""

    tag: str
    title: str
    url: str | None
    notes: tuple[Note, ...] = ()
    votes: int = 0
    late: bool = False
    line: int = 0


class ParsedPresenter(NamedTuple):
    """A presenter's name and their topics in page order."""

    name: str
    topics: tuple[ParsedTopic, ...]


@dataclass(frozen=True, slots=True)
class ParsedAgenda:
    """One meeting's page; ``meeting`` is None when the text carries no date."""

    meeting: dt.date | None
    group_name: str
    presenters: tuple[ParsedPresenter, ...]
    skipped: tuple[SkippedLine, ...] = ()

    @property
    def topics(self) -> list[tuple[str, ParsedTopic]]:
        """Every (presenter name, topic) in page order."""
        return [(p.name, topic) for p in self.presenters for topic in p.topics]


@dataclass(slots=True)
class _TopicBuilder:
    tag: str
    title: str
    url: str | None
    votes: int
    late: bool
    line: int
    note_lines: list[tuple[int, str]] = field(default_factory=list)

    def build(self, markdown: bool) -> ParsedTopic:
        return ParsedTopic(
            tag=self.tag,
            title=self.title,
            url=self.url,
            notes=_nest(self.note_lines, markdown),
            votes=self.votes,
            late=self.late,
            line=self.line,
        )


def _nest(lines: list[tuple[int, str]], markdown: bool) -> tuple[Note, ...]:
    """Indentation to depth: exact two-space steps in Markdown, a stack of indents otherwise."""
    notes: list[Note] = []
    if markdown:
        base = min((indent for indent, _ in lines), default=0)
        return tuple(Note(_unescape(text), (indent - base) // 2) for indent, text in lines)
    stack: list[int] = []
    for indent, text in lines:
        while stack and stack[-1] > indent:
            stack.pop()
        if not stack or stack[-1] < indent:
            stack.append(indent)
        notes.append(Note(text, len(stack) - 1))
    return tuple(notes)


def _indent(line: str) -> int:
    width = 0
    for char in line:
        if char == "\t":
            width += 4
        elif char == "\u3000":
            width += 2
        elif char.isspace():
            width += 1
        else:
            break
    return width


def _title_date(text: str) -> tuple[dt.date | None, str, bool] | None:
    """(date or None if impossible, group name, is a Markdown heading) of a title line."""
    match = _MEETING_TITLE.match(text)
    if match is None:
        return None
    try:
        date: dt.date | None = dt.date(
            int(match.group("y")), int(match.group("m")), int(match.group("d"))
        )
    except ValueError:
        date = None
    return date, match.group("rest").strip(), match.group("hashes") is not None


def _body(text: str) -> str:
    """A stripped line without Markdown heading hashes or a leading quote marker."""
    heading = _HEADING.match(text)
    body = heading.group("body") if heading else text
    return body.removeprefix(">").strip()


def _is_section_start(text: str) -> bool:
    body = _body(text)
    return body in _AGENDA_HEADINGS or body in _RULE_LINES or _PRESENTER.match(text) is not None


def _meeting_starts(lines: list[str]) -> list[int]:
    """Indices of the lines opening a meeting.

    A dated line opens one when it is a ``# `` heading, the first dated line before any
    presenter, or is followed by the agenda heading, the rules or a presenter line.
    """
    starts: list[int] = []
    seen_presenter = False
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        found = _title_date(text)
        if found is not None and found[0] is not None:
            following = next((ln.strip() for ln in lines[index + 1 :] if ln.strip()), "")
            first = not starts and not seen_presenter
            if found[2] or first or _is_section_start(following):
                starts.append(index)
        seen_presenter = seen_presenter or _PRESENTER.match(text) is not None
    return starts


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


def _topic_text(text: str) -> tuple[str, str | None, int | None, bool]:
    """(title, source url, votes or None if implausible, late) of what follows a tag."""
    text = text.strip()
    late = False
    if (found := _LATE.search(text)) is not None:
        text, late = text[: found.start()], True
    votes: int | None = 0
    if (found := _VOTES.search(text)) is not None:
        count = int(found.group("n"))
        votes = count if count <= MAX_VOTES else None
        text = text[: found.start()]
    text = text.strip()
    if (found := _TITLE_LINK.match(text)) is not None:
        extra = text[found.end() :].strip()
        title = _unescape(found.group("label")).strip()
        title = f"{title} {extra}".strip() if extra else title
        return title, found.group("url"), votes, late
    stripped, links = extract_links(text)
    source = next((i for i, link in enumerate(links) if is_http_url(link.url)), None)

    def put(match: re.Match[str]) -> str:
        index = int(match.group(1))
        link = links[index]
        if index == source:
            return link.label if link.label and link.label != link.url else ""
        return link.label or link.url

    title = _unescape(" ".join(_PLACEHOLDER.sub(put, stripped).split()))
    url = links[source].url if source is not None else None
    return title or (url or ""), url, votes, late


class _PageParser:
    """The line-by-line state of one meeting's page."""

    def __init__(self, tags: TagSet, markdown: bool) -> None:
        self.tags = tags
        self.markdown = markdown
        self.fallback = tags.lookup(FALLBACK_TAG) or tags.lookup("other")
        self.presenters: dict[str, list[ParsedTopic]] = {}
        self.current: str | None = None
        self.topic: _TopicBuilder | None = None
        self.skipped: list[SkippedLine] = []

    def _close(self) -> None:
        if self.topic is not None and self.current is not None:
            self.presenters[self.current].append(self.topic.build(self.markdown))
        self.topic = None

    def _skip(self, number: int, text: str, reason: str) -> None:
        self.skipped.append(SkippedLine(number, text, reason))

    def _tag_name(self, raw: str) -> str:
        known = self.tags.lookup(raw)
        return known.name if known else " ".join(raw.split())[:100]

    def _start_topic(self, number: int, text: str, tag: str, rest: str) -> None:
        self._close()
        title, url, votes, late = _topic_text(rest)
        if not title:
            self._skip(number, text, "no_title")
            return
        if votes is None:
            self._skip(number, text, "votes")
        self.topic = _TopicBuilder(tag, title, url, votes or 0, late, number)

    def feed(self, number: int, line: str) -> None:
        text = line.strip()
        if not text:
            return
        body = _body(text)
        if body in _AGENDA_HEADINGS or body in _NO_TOPICS:
            return
        if (presenter := _PRESENTER.match(text)) is not None:
            name = " ".join(presenter.group("name").split())
            name = _unescape(name) if self.markdown else name
            if not name:
                self._skip(number, text, "no_presenter_name")
                return
            self._close()
            self.current = name
            self.presenters.setdefault(name, [])
            return
        if self.current is None:
            if body in _RULE_LINES or text.startswith((">", "※")):
                return  # the group's rules callout
            found = _title_date(text)
            reason = "bad_date" if found is not None and found[0] is None else "before_presenter"
            self._skip(number, text, reason)
            return
        bullet = _BULLET.match(text)
        if bullet is None and self.markdown and self.topic is not None and text.startswith(">"):
            return  # the paper line the export writes under a title: metadata, not a note
        if bullet is None:
            tagged = split_leading_tag(text)
            if tagged is not None and tagged.raw.strip() and not tagged.rest.startswith("("):
                self._start_topic(number, text, self._tag_name(tagged.raw), tagged.rest)
                return
            if self.topic is None and not self.presenters[self.current]:
                fallback = self.fallback.name if self.fallback else FALLBACK_TAG
                self._start_topic(number, text, fallback, text)
                return
            note = text
        else:
            note = text[bullet.end() :].strip()
            if not note:
                return
        if self.topic is None:
            self._skip(number, text, "note_without_topic")
            return
        self.topic.note_lines.append((_indent(line), note))

    def finish(self) -> tuple[tuple[ParsedPresenter, ...], tuple[SkippedLine, ...]]:
        self._close()
        presenters = tuple(
            ParsedPresenter(name, tuple(topics)) for name, topics in self.presenters.items()
        )
        return presenters, tuple(self.skipped)


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    return _CONTROL.sub("", text)


def parse_archive_text(
    text: str, *, tags: TagSet | None = None, default_meeting: dt.date | None = None
) -> list[ParsedAgenda]:
    """Every meeting in ``text`` (one for a page, many for an archive export), in order.

    Text without any dated title line gives one agenda dated ``default_meeting``.
    Never raises.
    """
    tags = tags or TagSet()
    lines = _clean(text).split("\n")
    starts = _meeting_starts(lines)
    if not starts:
        parser = _PageParser(tags, markdown=False)
        for index, line in enumerate(lines):
            parser.feed(index + 1, line)
        presenters, skipped = parser.finish()
        return [ParsedAgenda(default_meeting, DEFAULT_GROUP_NAME, presenters, skipped)]
    before = tuple(
        SkippedLine(i + 1, line.strip(), "before_title")
        for i, line in enumerate(lines[: starts[0]])
        if line.strip()
    )
    agendas: list[ParsedAgenda] = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        found = _title_date(lines[start].strip())
        assert found is not None  # _meeting_starts only keeps title lines
        date, group, markdown = found
        parser = _PageParser(tags, markdown=markdown)
        for index in range(start + 1, end):
            parser.feed(index + 1, lines[index])
        presenters, skipped = parser.finish()
        if position == 0:
            skipped = before + skipped
        agendas.append(ParsedAgenda(date, group or DEFAULT_GROUP_NAME, presenters, skipped))
    return agendas


def parse_agenda_text(
    text: str, *, tags: TagSet | None = None, default_meeting: dt.date | None = None
) -> ParsedAgenda:
    """The first meeting of ``text``; further meetings are reported as skipped lines.

    Use :func:`parse_archive_text` (as the import does) to read every meeting.
    """
    first, *others = parse_archive_text(text, tags=tags, default_meeting=default_meeting)
    if not others:
        return first
    lines = _clean(text).split("\n")
    extra = tuple(
        SkippedLine(number, lines[number - 1].strip(), "other_meeting")
        for number in (i + 1 for i in _meeting_starts(lines)[1:])
    )
    return ParsedAgenda(first.meeting, first.group_name, first.presenters, first.skipped + extra)
