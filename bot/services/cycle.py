"""The weekly cycle: publish the agenda exactly once, remind, skip weeks, carry topics over.

``CycleService`` is the one object the scheduler, the CLI and the Slack surfaces hold; it
joins three parts that each do one job: ``publishing`` (the agenda to Notion and Slack),
``reminders`` (who has not submitted, the meeting timer) and ``calendar`` (skipping,
unskipping, carrying topics over). It adds only the scheduler's steps that use two parts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from bot.core.i18n import Language
from bot.core.model import Topic
from bot.core.weeks import Cycle, upcoming_meeting
from bot.services.calendar import Calendar, CarryOver, SkipRegistry
from bot.services.leases import HEARTBEAT, LEASE_TTL, Heartbeat, default_owner, holder_is_dead
from bot.services.ports import (
    AgendaChannel,
    ChannelError,
    NotionPageRef,
    NotionTarget,
    PublishMetrics,
    Store,
)
from bot.services.publishing import MAX_ROUNDS, Publishing, PublishReport
from bot.services.reminders import Reminders
from bot.services.votes import ReactionReader, VoteService

__all__ = [
    "HEARTBEAT",
    "LEASE_TTL",
    "MAX_ROUNDS",
    "AgendaChannel",
    "CarryOver",
    "ChannelError",
    "CycleService",
    "Heartbeat",
    "NotionPageRef",
    "NotionTarget",
    "PublishMetrics",
    "PublishReport",
    "SkipRegistry",
    "default_owner",
    "holder_is_dead",
]


class CycleService:
    """Publishing, reminding and skipping, the same for the scheduler and the CLI."""

    def __init__(
        self,
        repo: Store,
        cycle: Cycle,
        channel: AgendaChannel,
        votes: VoteService,
        *,
        skips: SkipRegistry | None = None,
        reader: ReactionReader | None = None,
        notion: NotionTarget | None = None,
        lang: Language = "ja",
        group_name: str = "機械学習勉強会",
        organizers: Sequence[str] = (),
        roster: Sequence[str] = (),
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        owner: str | None = None,
        post_card: Callable[[Topic], object] | None = None,
        meeting_minutes: int | None = None,
        timer: bool = False,
    ) -> None:
        self.repo = repo
        self.cycle = cycle
        self.channel = channel
        self.skips = skips
        self.organizers = tuple(organizers)
        self.clock = clock
        self.owner = owner or default_owner()
        self.publishing = Publishing(
            repo,
            cycle,
            channel,
            votes,
            reader=reader,
            notion=notion,
            lang=lang,
            group_name=group_name,
            organizers=organizers,
            clock=clock,
            owner=self.owner,
            post_card=post_card,
            meeting_minutes=meeting_minutes,
        )
        agenda = self.publishing.agenda
        self.reminders = Reminders(
            repo,
            cycle,
            channel,
            agenda,
            lang=lang,
            roster=roster,
            clock=clock,
            owner=self.owner,
            meeting_minutes=meeting_minutes,
            timer=timer,
        )
        self.calendar = Calendar(
            repo,
            cycle,
            channel,
            agenda,
            skips=skips,
            lang=lang,
            organizers=organizers,
            clock=clock,
            owner=self.owner,
        )
        # The publishing part's, exposed for the wiring and tests.
        self.agenda = self.publishing.agenda
        self.publish = self.publishing.publish
        self.topic_changed = self.publishing.topic_changed
        self.add_late_topic = self.publishing.add_late_topic
        self.retry_pending = self.publishing.retry_pending
        self.missing_members = self.reminders.missing_members
        self.remind = self.reminders.remind
        self.meeting_timer = self.reminders.meeting_timer
        self.skipped_reason = self.calendar.skipped_reason
        self.skipped_this_week = self.calendar.skipped_this_week
        self.is_meeting_ahead = self.calendar.is_meeting_ahead
        self.weekday_name = self.calendar.weekday_name
        self.may_organize = self.calendar.may_organize
        self.skip = self.calendar.skip
        self.unskip = self.calendar.unskip
        self.announce_skip = self.calendar.announce_skip
        self.carry_over = self.calendar.carry_over
        self.carry_over_candidates = self.calendar.carry_over_candidates

    @property
    def notion(self) -> NotionTarget | None:
        return self.publishing.notion

    @notion.setter
    def notion(self, target: NotionTarget | None) -> None:
        self.publishing.notion = target

    @property
    def metrics(self) -> PublishMetrics | None:
        return self.publishing.metrics

    @metrics.setter
    def metrics(self, metrics: PublishMetrics | None) -> None:
        self.publishing.metrics = metrics

    # -- the scheduler's steps ----------------------------------------------------

    def scheduled_publish(self) -> PublishReport | None:
        """The publish job: today's meeting, or the skip announcement if there is none."""
        now = self.clock()
        today = now.astimezone(self.cycle.tz).date()
        nominal = self.cycle.meeting_on_or_after(today, include_skipped=True)
        if nominal != today:
            return None
        if self.cycle.is_skipped(today):
            self.announce_skip(today, self.calendar.skip_reason(today))
            return PublishReport(today, skipped="skipped")
        if now >= self.cycle.meeting_start(today):
            return None
        if not self.repo.claim_job_run("scheduled_publish", today.isoformat(), self.owner):
            return PublishReport(today, skipped="another replica")
        return self.publish(today)

    def catch_up(self, last_reminder: dt.datetime | None, grace: dt.timedelta) -> list[str]:
        """On start: a publish missed while down runs once if its meeting has not started;
        a missed reminder is sent only within ``grace``."""
        done: list[str] = []
        now = self.clock()
        meeting = upcoming_meeting(now, self.cycle)
        record = self.repo.get_publication(meeting, "slack")
        if now >= self.cycle.publish_at(meeting) and (record is None or record.state != "complete"):
            self.publish(meeting)
            done.append("publish")
        if last_reminder is not None and now - last_reminder <= grace and self.remind(meeting):
            done.append("remind")
        return done
