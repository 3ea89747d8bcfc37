"""Importing past agenda pages into the archive: parse, then store each meeting once.

Decisions worth knowing:

* **Presenters** get the synthetic id ``import:`` + 12 hex digits of a SHA-256 of the
  folded name, so the same name is the same presenter in every file and every run.
* **Topics without a link** (a Notion text export loses embedded links) are stored
  with ``url = ""``: no link is invented. Every renderer of the archive (export,
  search) shows such a title without a link, and the Notion page builder skips empty
  links. Their duplicate key (``normalized_url``) is ``import:`` + a hash of meeting,
  presenter and title, which can never equal a real source's key.
* **Idempotence**: a topic is already present when its meeting holds a topic of the
  same presenter with the same (folded) title, or one with the same normalised URL.
  Importing the same file twice therefore adds nothing.
* **Votes** (``👍 n`` of the Markdown export) are restored as ``n`` synthetic voters
  ``import:vote:1..n`` with the ``+1`` reaction through ``replace_reactions``, only
  when the topic is newly added; a text export has none, so those topics get 0.
* Imported topics are marked ``presented``: an archive page is a meeting that was held.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.archive.parsing import (
    ParsedAgenda,
    ParsedPresenter,
    ParsedTopic,
    SkippedLine,
    parse_agenda_text,
    parse_archive_text,
)
from bot.core.model import NewTopic, Presenter, Topic, TopicStatus
from bot.core.tags import TagSet
from bot.core.urls import clean_url, normalize_url
from bot.store import DuplicateSourceError, Repository

__all__ = [
    "FileReport",
    "ImportReport",
    "MeetingReport",
    "ParsedAgenda",
    "ParsedPresenter",
    "ParsedTopic",
    "SkippedLine",
    "import_files",
    "import_text",
    "parse_agenda_text",
    "parse_archive_text",
    "presenter_id",
    "read_text_file",
]

VOTE_EMOJI = "+1"
DEFAULT_ZONE = ZoneInfo("Asia/Tokyo")
_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _digest(*parts: str, size: int = 12) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


def presenter_id(name: str) -> str:
    """The stable synthetic user id of an imported presenter."""
    return f"import:{_digest(_fold(name))}"


def _placeholder_key(meeting: dt.date, presenter: str, title: str) -> str:
    return f"import:{_digest(meeting.isoformat(), presenter, _fold(title), size=20)}"


@dataclass(frozen=True, slots=True)
class MeetingReport:
    """What one meeting of a file did to the archive."""

    meeting: dt.date
    imported: int
    present: int
    votes_restored: int = 0


@dataclass(frozen=True, slots=True)
class FileReport:
    """One file: its meetings, the lines not imported, or why it could not be read."""

    path: Path
    meetings: tuple[MeetingReport, ...] = ()
    skipped: tuple[SkippedLine, ...] = ()
    error: str | None = None
    error_detail: str = ""
    undated: bool = False

    @property
    def imported(self) -> int:
        return sum(m.imported for m in self.meetings)

    @property
    def present(self) -> int:
        return sum(m.present for m in self.meetings)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Every file of one import run."""

    files: tuple[FileReport, ...]

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def present(self) -> int:
        return sum(f.present for f in self.files)

    @property
    def skipped_lines(self) -> int:
        return sum(len(f.skipped) for f in self.files)

    @property
    def meetings(self) -> int:
        return sum(len(f.meetings) for f in self.files)

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if f.error is not None)


class _ReadError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def read_text_file(path: Path) -> str:
    """The file as text: UTF-8 (with or without BOM), else Shift_JIS as Windows writes it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _ReadError("error_not_found") from None
    except OSError as error:
        raise _ReadError("error_os", error.strerror or type(error).__name__) from None
    if b"\x00" in data:
        raise _ReadError("error_binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise _ReadError("error_binary") from None


def _date_from_name(path: Path) -> dt.date | None:
    match = _FILE_DATE.search(path.name)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


class _MeetingIndex:
    """The topics a meeting already holds, by (presenter, title) and by source."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.titles: set[tuple[str, str]] = set()
        self.sources: set[str] = set()
        for topic in topics:
            self.add(topic.presenter.user_id, topic.title, topic.url)

    def add(self, presenter: str, title: str, url: str) -> None:
        self.titles.add((presenter, _fold(title)))
        if url:
            self.sources.add(normalize_url(url))

    def holds(self, presenter: str, title: str, url: str) -> bool:
        if (presenter, _fold(title)) in self.titles:
            return True
        return bool(url) and normalize_url(url) in self.sources


def _store_meeting(repo: Repository, agenda: ParsedAgenda, zone: ZoneInfo) -> MeetingReport:
    meeting = agenda.meeting
    assert meeting is not None  # callers import dated agendas only
    index = _MeetingIndex(repo.topics_for_meeting(meeting, include_withdrawn=True))
    # Page order survives as submission order: the meeting's midnight plus one second each.
    start = dt.datetime.combine(meeting, dt.time(0, 0), tzinfo=zone)
    imported = present = votes_restored = 0
    for position, (name, parsed) in enumerate(agenda.topics):
        presenter = Presenter(presenter_id(name), name)
        url = clean_url(parsed.url) if parsed.url else ""
        if index.holds(presenter.user_id, parsed.title, url):
            present += 1
            continue
        key = (
            normalize_url(url)
            if url
            else _placeholder_key(meeting, presenter.user_id, parsed.title)
        )
        new = NewTopic(
            meeting=meeting,
            tag=parsed.tag,
            title=parsed.title,
            url=url,
            normalized_url=key,
            presenter=presenter,
            submitted_at=start + dt.timedelta(seconds=position),
            notes=parsed.notes,
            late=parsed.late,
        )
        try:
            stored = repo.add_topic(new, source="import")
        except DuplicateSourceError:
            present += 1
            continue
        index.add(presenter.user_id, parsed.title, url)
        repo.set_status(stored.id, TopicStatus.PRESENTED)
        if parsed.votes:
            voters = {f"import:vote:{n}": {VOTE_EMOJI} for n in range(1, parsed.votes + 1)}
            repo.replace_reactions(stored.id, voters)
            votes_restored += parsed.votes
        imported += 1
    return MeetingReport(meeting, imported, present, votes_restored)


def import_text(
    repo: Repository,
    text: str,
    *,
    path: Path = Path("-"),
    tags: TagSet | None = None,
    zone: ZoneInfo = DEFAULT_ZONE,
    default_meeting: dt.date | None = None,
) -> FileReport:
    """Store every dated meeting of ``text``; an undated text imports nothing."""
    agendas = parse_archive_text(text, tags=tags, default_meeting=default_meeting)
    skipped = tuple(line for agenda in agendas for line in agenda.skipped)
    dated = [agenda for agenda in agendas if agenda.meeting is not None]
    undated = not dated
    meetings = tuple(_store_meeting(repo, agenda, zone) for agenda in dated)
    return FileReport(path=path, meetings=meetings, skipped=skipped, undated=undated)


def import_files(
    repo: Repository,
    paths: Sequence[Path | str],
    *,
    tags: TagSet | None = None,
    zone: ZoneInfo = DEFAULT_ZONE,
    progress: Callable[[int, int, FileReport], None] | None = None,
) -> ImportReport:
    """Import each file as past meetings; ``progress(index, count, report)`` after each.

    A file that cannot be read is reported and the others still go in. A file without
    a dated title line takes the date in its name (``2024-05-16.txt``), if any.
    """
    reports: list[FileReport] = []
    for number, raw in enumerate(paths, start=1):
        path = Path(raw)
        try:
            text = read_text_file(path)
        except _ReadError as error:
            report = FileReport(path=path, error=error.code, error_detail=error.detail)
        else:
            report = import_text(
                repo, text, path=path, tags=tags, zone=zone, default_meeting=_date_from_name(path)
            )
        reports.append(report)
        if progress is not None:
            progress(number, len(paths), report)
    return ImportReport(tuple(reports))
