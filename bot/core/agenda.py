"""Compiling a meeting's agenda: order by votes, group per presenter, render as Markdown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from bot.core.i18n import Language, t
from bot.core.markup import link_label, linkable, segments
from bot.core.model import Note, Presenter, Topic, TopicStatus
from bot.core.papers import Paper, shown_byline
from bot.core.slots import Schedule, build_schedule

DEFAULT_GROUP_NAME = "機械学習勉強会"


@dataclass(frozen=True, slots=True)
class PresenterSection:
    """One presenter and their topics, best first."""

    presenter: Presenter
    topics: tuple[Topic, ...]


@dataclass(frozen=True, slots=True)
class Agenda:
    """A meeting's agenda: the ranked topics and the same topics grouped by presenter."""

    meeting: dt.date
    group_name: str
    ranked: tuple[Topic, ...]
    sections: tuple[PresenterSection, ...]
    # The time slots when the meeting's length is known (None: no times shown).
    schedule: Schedule | None = None

    @property
    def title(self) -> str:
        return f"{self.meeting.isoformat()} {self.group_name}"


def rank(topics: list[Topic] | tuple[Topic, ...]) -> list[Topic]:
    """Most votes first; ties go to the earlier submission, then the lower id."""
    return sorted(topics, key=lambda topic: (-topic.votes, topic.submitted_at, topic.id))


def compile_agenda(
    meeting: dt.date,
    topics: list[Topic] | tuple[Topic, ...],
    group_name: str = DEFAULT_GROUP_NAME,
    *,
    meeting_minutes: int | None = None,
    start: dt.time = dt.time(17, 0),
) -> Agenda:
    """The agenda of ``meeting`` from its topics (withdrawn ones are left out); with
    ``meeting_minutes``, each topic also gets its time slot from ``start``."""
    live = [topic for topic in topics if topic.status != TopicStatus.WITHDRAWN]
    ranked = rank(live)
    order: list[str] = []
    by_presenter: dict[str, list[Topic]] = {}
    presenters: dict[str, Presenter] = {}
    for topic in ranked:
        key = topic.presenter.user_id
        if key not in by_presenter:
            order.append(key)
            by_presenter[key] = []
            presenters[key] = topic.presenter
        by_presenter[key].append(topic)
    sections = tuple(PresenterSection(presenters[k], tuple(by_presenter[k])) for k in order)
    schedule = None
    if meeting_minutes is not None:
        ordered = [topic for section in sections for topic in section.topics]
        schedule = build_schedule(ordered, meeting_minutes, start)
    return Agenda(
        meeting=meeting,
        group_name=group_name,
        ranked=tuple(ranked),
        sections=sections,
        schedule=schedule,
    )


def agenda_order(agenda: Agenda) -> list[Topic]:
    """Topics in the order the agenda shows them (per presenter, best presenter first)."""
    return [topic for section in agenda.sections for topic in section.topics]


@dataclass(frozen=True, slots=True)
class TimedSection:
    """A presenter's run of topics as the agenda shows it, with its start and length
    (both None without a schedule, and under "if time allows")."""

    presenter: Presenter
    topics: tuple[Topic, ...]
    start: str | None = None
    minutes: int | None = None


def timed_sections(agenda: Agenda) -> tuple[list[TimedSection], list[TimedSection]]:
    """The sections in their slots, and those that do not fit ("if time allows")."""
    schedule = agenda.schedule
    if schedule is None:
        return [TimedSection(s.presenter, s.topics) for s in agenda.sections], []
    fitted = [
        TimedSection(slot.presenter, slot.topics, schedule.clock(slot.start), slot.minutes)
        for slot in schedule.presenter_slots()
    ]
    overflow: list[TimedSection] = []
    for item in schedule.overflow:
        last = overflow[-1] if overflow else None
        if last is not None and last.presenter.user_id == item.topic.presenter.user_id:
            overflow[-1] = TimedSection(last.presenter, (*last.topics, item.topic))
        else:
            overflow.append(TimedSection(item.topic.presenter, (item.topic,)))
    return fitted, overflow


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


_MD_ESCAPES: Final = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]", "<": "\\<", ">": "\\>"})
_MD_BARE_UNSAFE: Final = frozenset("\\[]()<>")


def md_escape(text: str) -> str:
    """User text made inert in Markdown: no link, image or raw HTML can start in it.

    Backslashes too, so a text ending in one still parses back on import.
    """
    return _one_line(text).translate(_MD_ESCAPES)


def _md_link(label: str, url: str) -> str:
    """``[label](url)`` for an http(s) URL, else the label alone, escaped."""
    if not linkable(url):
        return md_escape(label)
    return f"[{md_escape(link_label(label, url))}]({url})"


def _md_title(title: str) -> str:
    return md_escape(title)


def _md_segment(text: str, url: str | None) -> str:
    if url is None:
        return md_escape(text)
    if text == url and not _MD_BARE_UNSAFE.intersection(url):
        return url  # a bare URL stays bare, as the member wrote it
    return _md_link(text, url)


def note_line(note: Note) -> str:
    """A note as a Markdown bullet, indented two spaces per level, http(s) links kept.

    Notes are escaped like titles: markup a member typed (``[x](javascript:...)``,
    raw HTML) is shown as text, never rendered.
    """
    parts = [_md_segment(seg.text, seg.url) for seg in segments(_one_line(note.text))]
    for index, part in enumerate(parts[:-1]):
        if part.endswith("!") and parts[index + 1].startswith("["):
            parts[index] = part[:-1] + "\\!"  # "![label](url)" would embed an image
    text = "".join(parts)
    return f"{'  ' * note.depth}- {text}"


PAPER_LINE_PREFIX: Final = "> "
"""Marks the paper line under a title; the importer skips it (notes are ``- `` bullets)."""


def paper_markdown(paper: Paper | None, lang: Language = "ja") -> list[str]:
    """``> authors — venue year · [code](url)`` under a paper's title; [] when unknown."""
    if paper is None:
        return []
    parts = [md_escape(line)] if (line := shown_byline(paper)) else []
    if paper.code_url:
        parts.append(_md_link(t(lang, "paper_code"), paper.code_url))
    return [PAPER_LINE_PREFIX + " · ".join(parts)] if parts else []


def render_markdown(agenda: Agenda, lang: Language = "ja") -> str:
    """The agenda as Markdown that reads like the group's hand-written Notion page.

    A topic without a source (imported from a text export) shows its title unlinked.
    """
    lines = [f"# {agenda.title}", "", f"## {t(lang, 'agenda_title')}", ""]
    lines += [f"> {line}" for line in t(lang, "rules").split("\n")]
    lines.append("")
    if not agenda.sections:
        lines += [t(lang, "no_topics"), ""]
    fitted, overflow = timed_sections(agenda)
    for section in fitted:
        lines += _md_section(section, lang)
    if overflow:
        lines += [f"## {t(lang, 'if_time_allows')}", ""]
        for section in overflow:
            lines += _md_section(section, lang)
    return "\n".join(lines).rstrip() + "\n"


def slot_heading(name: str, start: str | None, minutes: int | None, lang: Language) -> str:
    """``17:00 @name (10分)`` in a slot, ``@name`` without one."""
    if start is None or minutes is None:
        return f"@{name}"
    return f"{start} @{name} {t(lang, 'slot_minutes', minutes=minutes)}"


def _md_section(section: TimedSection, lang: Language) -> list[str]:
    name = md_escape(section.presenter.name)
    lines = [f"### {slot_heading(name, section.start, section.minutes, lang)}", ""]
    for topic in section.topics:
        late = t(lang, "late_addition") if topic.late else ""
        shown = _md_link(topic.title, topic.url) if topic.url else _md_title(topic.title)
        votes = t(lang, "votes_suffix", votes=topic.votes)
        lines.append(f"[{topic.tag}] {shown} {votes}{late}")
        lines += paper_markdown(topic.paper, lang)
        lines += [note_line(note) for note in topic.notes]
        lines.append("")
    return lines
