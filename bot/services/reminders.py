"""Reminders: who has not submitted yet, and the meeting timer's replies in the thread."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from bot.core.agenda import Agenda
from bot.core.i18n import Language, t
from bot.core.weeks import Cycle, upcoming_meeting
from bot.services.ports import AgendaChannel, JobRunStore, PublicationStore, TopicReader

log = logging.getLogger("bot.services.cycle")


class ReminderStores(TopicReader, PublicationStore, JobRunStore, Protocol):
    """Who has submitted, where the agenda is (for the timer) and the runs claimed once."""


class Reminders:
    """The reminder before the deadline and, during the meeting, one reply per slot."""

    def __init__(
        self,
        repo: ReminderStores,
        cycle: Cycle,
        channel: AgendaChannel,
        agenda: Callable[[dt.date], Agenda],
        *,
        lang: Language,
        roster: Sequence[str],
        clock: Callable[[], dt.datetime],
        owner: str,
        meeting_minutes: int | None,
        timer: bool,
    ) -> None:
        self.repo = repo
        self.cycle = cycle
        self.channel = channel
        self.agenda = agenda
        self.lang: Language = lang
        self.roster = tuple(roster)
        self.clock = clock
        self.owner = owner
        self.meeting_minutes = meeting_minutes
        self.timer = timer

    def missing_members(self, meeting: dt.date) -> list[str]:
        """Members without an active topic for ``meeting`` (roster, or channel minus bots)."""
        members = list(self.roster) or [
            m for m in self.channel.members() if not self.channel.is_bot(m)
        ]
        submitted = {topic.presenter.user_id for topic in self.repo.topics_for_meeting(meeting)}
        return [m for m in dict.fromkeys(members) if m not in submitted]

    def remind(self, meeting: dt.date | None = None) -> bool:
        """One channel message naming who has not submitted; never twice for a meeting."""
        now = self.clock()
        meeting = meeting or upcoming_meeting(now, self.cycle)
        nominal = self.cycle.meeting_on_or_after(
            now.astimezone(self.cycle.tz).date(), include_skipped=True
        )
        if nominal != meeting and self.cycle.is_skipped(nominal):
            return False  # this week is off: remind next week, not now
        missing = self.missing_members(meeting)
        if not self.repo.claim_job_run("reminder", meeting.isoformat(), self.owner):
            return False
        if not missing:
            log.info("reminder_not_needed", extra={"meeting": str(meeting)})
            return False
        text = t(self.lang, "reminder", date=meeting.isoformat(), mentions="{mentions}")
        self.channel.announce(text, missing)
        log.info("reminder_sent", extra={"meeting": str(meeting), "missing": len(missing)})
        return True

    def meeting_timer(self) -> int:
        """At each presenter's slot start, one reply in the agenda's thread saying who is
        next and for how long: exactly once per slot across replicas (a job-run claim),
        and nothing on a skipped day or without an agenda out. Returns replies sent."""
        if not self.timer or self.meeting_minutes is None:
            return 0
        now = self.clock()
        today = now.astimezone(self.cycle.tz).date()
        if self.cycle.meeting_on_or_after(today, include_skipped=True) != today:
            return 0
        if self.cycle.is_skipped(today):
            return 0
        begins = self.cycle.meeting_start(today)
        if not begins <= now < begins + dt.timedelta(minutes=self.meeting_minutes):
            return 0
        record = self.repo.get_publication(today, "slack")
        schedule = self.agenda(today).schedule
        if record is None or not record.external_id or not record.channel or schedule is None:
            return 0
        for slot in schedule.presenter_slots():
            start = begins + dt.timedelta(minutes=slot.start)
            # Late (a restart, a slow job) but still inside the slot: say it now, once.
            if not start <= now < start + dt.timedelta(minutes=slot.minutes):
                continue
            label = schedule.clock(slot.start)
            if not self.repo.claim_job_run("meeting_timer", f"{today}T{label}", self.owner):
                return 0
            titles = " / ".join(f"[{topic.tag}] {topic.title}" for topic in slot.topics)
            text = t(
                self.lang,
                "timer_next",
                start=label,
                mentions="{mentions}",
                minutes=slot.minutes,
                titles=titles,
            )
            self.channel.reply_in_thread(
                record.channel, record.external_id, text, [slot.presenter.user_id]
            )
            log.info("timer_reply", extra={"meeting": str(today), "slot": label})
            return 1
        return 0
