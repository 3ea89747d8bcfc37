"""The calendar of meetings: skipped dates, skipping and unskipping, carrying topics over."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.agenda import Agenda
from bot.core.i18n import Language, t
from bot.core.model import Topic, TopicStatus
from bot.core.weeks import WEEKDAYS, Cycle
from bot.services.ports import AgendaChannel, JobRunStore, MeetingStore, TopicStore
from bot.store.records import DuplicateSourceError

log = logging.getLogger("bot.services.cycle")


class CalendarStores(MeetingStore, TopicStore, JobRunStore, Protocol):
    """The meetings and their skips, the topics carried over, the runs claimed once."""


@dataclass(frozen=True)
class CarryOver:
    """What a carry-over did, or why it was refused (a message for the organiser)."""

    moved: int = 0
    target: dt.date | None = None
    refusal: str | None = None


def _as_date(value: dt.date | str) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


class SkipRegistry:
    """Skipped dates: configured, holidays, and those organisers set (in the database).

    Read again after ``ttl`` seconds, so a skip set on one replica reaches the others.
    """

    def __init__(
        self,
        repo: CalendarStores,
        base: Callable[[dt.date], bool],
        *,
        ttl: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.repo = repo
        self.base = base
        self.ttl = ttl
        self.monotonic = monotonic
        self._dates: set[dt.date] = set()
        self._read_at: float | None = None

    def refresh(self) -> None:
        self._dates = self.repo.skipped_dates()
        self._read_at = self.monotonic()

    def __call__(self, date: dt.date) -> bool:
        if self._read_at is None or self.monotonic() - self._read_at > self.ttl:
            self.refresh()
        return date in self._dates or self.base(date)


class Calendar:
    """Which meetings are held, skipping and unskipping them, and carrying topics over."""

    def __init__(
        self,
        repo: CalendarStores,
        cycle: Cycle,
        channel: AgendaChannel,
        agenda: Callable[[dt.date], Agenda],
        *,
        skips: SkipRegistry | None,
        lang: Language,
        organizers: Sequence[str],
        clock: Callable[[], dt.datetime],
        owner: str,
    ) -> None:
        self.repo = repo
        self.cycle = cycle
        self.channel = channel
        self.agenda = agenda
        self.skips = skips
        self.lang: Language = lang
        self.organizers = tuple(organizers)
        self.clock = clock
        self.owner = owner

    def skipped_reason(self, meeting: dt.date) -> str | None:
        """Why ``meeting`` is not held, or None when it is."""
        return self.skip_reason(meeting) if self.cycle.is_skipped(meeting) else None

    def skipped_this_week(self) -> dt.date | None:
        """This week's meeting date when it is skipped (the CLI says so, and does nothing)."""
        today = self.clock().astimezone(self.cycle.tz).date()
        nominal = self.cycle.meeting_on_or_after(today, include_skipped=True)
        return nominal if self.cycle.is_skipped(nominal) else None

    def is_meeting_ahead(self, date: dt.date) -> bool:
        """A date organisers may skip or unskip: a meeting weekday, today or later."""
        today = self.clock().astimezone(self.cycle.tz).date()
        return date.weekday() == self.cycle.meeting_weekday and date >= today

    def weekday_name(self) -> str:
        return WEEKDAYS[self.cycle.meeting_weekday]

    def may_organize(self, user_id: str) -> bool:
        return not self.organizers or user_id in self.organizers

    def skip_reason(self, date: dt.date) -> str:
        meeting = self.repo.get_meeting(date)
        if meeting is not None and meeting.skipped and meeting.skip_reason:
            return meeting.skip_reason
        return t(self.lang, f"skip_reason_{self.cycle.skip_reason(date) or 'configured'}")

    def skip(self, date: dt.date, reason: str | None = None) -> int:
        """Skip a meeting date: its open topics move to the next held meeting."""
        self.repo.set_skipped(date, True, reason)
        if self.skips is not None:
            self.skips.refresh()
        target = self.cycle.following(date)
        moved = self._move_open(date, target)
        self.announce_skip(date, reason or t(self.lang, "skip_reason_configured"), moved, target)
        return moved

    def _move_open(self, from_date: dt.date, to_date: dt.date) -> int:
        """Move the active topics, votes included; a source already on the target
        meeting's agenda stays there once (the moved copy is withdrawn, and logged)."""
        moved = 0
        for topic in self.repo.topics_for_meeting(from_date):
            if topic.status != TopicStatus.ACTIVE:
                continue
            try:
                self.repo.update_topic(topic.id, meeting=to_date)
                moved += 1
            except DuplicateSourceError:
                self.repo.set_status(topic.id, TopicStatus.WITHDRAWN)
                log.info("moved_topic_duplicate", extra={"topic_id": topic.id, "to": str(to_date)})
        return moved

    def unskip(self, date: dt.date) -> None:
        self.repo.set_skipped(date, False, None)
        if self.skips is not None:
            self.skips.refresh()
        self.channel.announce(t(self.lang, "unskip_announce", date=date.isoformat()))

    def announce_skip(
        self, date: dt.date, reason: str, moved: int | None = None, target: dt.date | None = None
    ) -> None:
        if not self.repo.claim_job_run("skip_announce", date.isoformat(), self.owner):
            return
        target = target or self.cycle.following(date)
        if moved is None:
            moved = self._move_open(date, target)
        text = t(
            self.lang,
            "skip_announce",
            date=date.isoformat(),
            reason=reason,
            moved=moved,
            next=target.isoformat(),
        )
        self.channel.announce(text)

    def carry_over(
        self, user_id: str, meeting: dt.date | str, topic_ids: Iterable[int | str]
    ) -> CarryOver:
        """Roll the chosen topics (with their votes) to the next meeting; the rest are done.

        Refused, with nothing changed, unless ``user_id`` may organise, ``meeting`` is a
        meeting whose agenda is out and whose next meeting has not started, and every
        chosen id is an open topic of that meeting: a form's values are only a request.
        """
        if not self.may_organize(user_id):
            return CarryOver(refusal=t(self.lang, "organizers_only"))
        date = _as_date(meeting)
        if date is None or not self._may_carry_over(date):
            return CarryOver(refusal=t(self.lang, "carry_over_bad_date", date=str(meeting)[:20]))
        open_ids = {
            topic.id
            for topic in self.repo.topics_for_meeting(date)
            if topic.status == TopicStatus.ACTIVE
        }
        wanted = [str(x) for x in topic_ids]
        strangers = [x for x in wanted if not x.isdigit() or int(x) not in open_ids]
        if strangers:
            ids = ", ".join(x[:20] for x in strangers[:10])
            text = t(self.lang, "carry_over_not_in_meeting", ids=ids, date=date.isoformat())
            return CarryOver(refusal=text)
        moved, target = self._carry_over(date, {int(x) for x in wanted})
        return CarryOver(moved=moved, target=target)

    def carry_over_candidates(self, meeting: dt.date) -> tuple[list[Topic], frozenset[int]]:
        """The meeting's open topics for the carry-over form, those that did not fit the
        hour first (they were most likely not presented), and the ids of those."""
        agenda = self.agenda(meeting)
        schedule = agenda.schedule
        waiting = frozenset(
            item.topic.id for item in (schedule.overflow if schedule is not None else ())
        )
        ordered = [topic for section in agenda.sections for topic in section.topics]
        open_topics = [topic for topic in ordered if topic.status == TopicStatus.ACTIVE]
        first = [topic for topic in open_topics if topic.id in waiting]
        rest = [topic for topic in open_topics if topic.id not in waiting]
        return first + rest, frozenset(topic.id for topic in first)

    def _may_carry_over(self, date: dt.date) -> bool:
        """A held meeting whose agenda is out, until the meeting after it starts."""
        if date.weekday() != self.cycle.meeting_weekday or self.cycle.is_skipped(date):
            return False
        now = self.clock()
        return (
            self.cycle.publish_at(date)
            <= now
            < self.cycle.meeting_start(self.cycle.following(date))
        )

    def _carry_over(self, meeting: dt.date, chosen: set[int]) -> tuple[int, dt.date]:
        target = self.cycle.following(meeting)
        moved = 0
        for topic in self.repo.topics_for_meeting(meeting):
            if topic.status != TopicStatus.ACTIVE:
                continue
            if topic.id in chosen:
                try:
                    self.repo.update_topic(topic.id, meeting=target)
                    moved += 1
                    continue
                except DuplicateSourceError:  # already on next week's agenda: keep one
                    log.info("carry_over_duplicate", extra={"topic_id": topic.id})
            self.repo.set_status(topic.id, TopicStatus.PRESENTED)
        if moved:
            self.channel.announce(
                t(self.lang, "carried_over", count=moved, date=target.isoformat())
            )
        return moved, target
