"""Publishing a meeting's agenda to Notion and Slack exactly once, and again on change.

A lease per meeting lets one caller publish at a time; a caller that finds it held marks
the meeting dirty and the holder publishes once more before letting go.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.core.agenda import Agenda, compile_agenda
from bot.core.i18n import Language, t
from bot.core.model import Topic
from bot.core.weeks import Cycle, upcoming_meeting
from bot.services.leases import HEARTBEAT, LEASE_TTL, Heartbeat, alive, holder_is_dead
from bot.services.ports import (
    AgendaChannel,
    ChannelError,
    LeaseStore,
    MeetingStore,
    NotionTarget,
    PublicationRecords,
    PublishMetrics,
    TopicReader,
)
from bot.services.publications import Publications
from bot.services.votes import Correction, ReactionReader, VoteService

log = logging.getLogger("bot.services.cycle")

# Publishing again for work that arrived meanwhile stops after this many rounds; the
# dirty mark then stays and the retry job publishes once more.
MAX_ROUNDS = 5


class PublishingStores(MeetingStore, TopicReader, PublicationRecords, LeaseStore, Protocol):
    """The meeting's topics, its publication records and the lease of its publish."""


@dataclass(frozen=True)
class PublishReport:
    """What one publish did, for the CLI and the logs."""

    meeting: dt.date
    skipped: str | None = None
    topics: int = 0
    slack: str | None = None
    notion_url: str | None = None
    notion_error: str | None = None
    corrections: tuple[Correction, ...] = field(default=())
    slack_error: str | None = None
    holder: str | None = None
    held_since: dt.datetime | None = None


class Publishing:
    """The agenda of a meeting, published to Notion and Slack, and kept up to date."""

    def __init__(
        self,
        repo: PublishingStores,
        cycle: Cycle,
        channel: AgendaChannel,
        votes: VoteService,
        *,
        reader: ReactionReader | None,
        notion: NotionTarget | None,
        lang: Language,
        group_name: str,
        organizers: Sequence[str],
        clock: Callable[[], dt.datetime],
        owner: str,
        post_card: Callable[[Topic], object] | None,
        meeting_minutes: int | None,
    ) -> None:
        self.repo = repo
        # Every change to a publication record goes through here (the one writer).
        self.records = Publications(repo)
        self.cycle = cycle
        self.channel = channel
        self.votes = votes
        self.reader = reader
        self.notion = notion
        self.lang: Language = lang
        self.group_name = group_name
        self.organizers = tuple(organizers)
        self.clock = clock
        self.owner = owner
        self.post_card = post_card
        self.meeting_minutes = meeting_minutes
        # Set by the wiring (bot/metrics.py): publish runs per target and outcome.
        self.metrics: PublishMetrics | None = None

    def agenda(self, meeting: dt.date) -> Agenda:
        """The meeting's agenda, in time slots when the meeting's length is configured."""
        return compile_agenda(
            meeting,
            self.repo.topics_for_meeting(meeting),
            self.group_name,
            meeting_minutes=self.meeting_minutes,
            start=self.cycle.meeting_time,
        )

    def publish(self, meeting: dt.date | None = None) -> PublishReport:
        """Publish (or re-publish in place) one meeting's agenda to Notion and Slack.

        When another call holds the lease, the meeting is marked dirty in the database
        and the holder publishes once more before letting go, so a late topic, an edit
        or a withdrawal that arrives mid-publish is never left off."""
        meeting = meeting or upcoming_meeting(self.clock(), self.cycle)
        lease = f"publish:{meeting.isoformat()}"
        if self.cycle.is_skipped(meeting):
            log.info("publish_skipped_meeting", extra={"meeting": str(meeting)})
            self.repo.take_dirty(lease)  # nothing to publish; the retry job stops asking
            return PublishReport(meeting, skipped="skipped")
        # Unique per call: two threads of one process must not share the lease either.
        holder = f"{self.owner}:{uuid.uuid4().hex[:8]}"
        with alive(holder):  # from before acquiring: no thread of ours may take it as dead
            return self._publish_rounds(meeting, lease, holder)

    def _publish_rounds(self, meeting: dt.date, lease: str, holder: str) -> PublishReport:
        report: PublishReport | None = None
        rounds = 0
        while True:
            if not self._acquire(lease, holder):
                self.repo.mark_dirty(lease, holder)
                # The holder may have let go between our two steps, before seeing the mark.
                if not self._acquire(lease, holder):
                    return report or self._busy(meeting, lease)
            try:
                with Heartbeat(self.repo, lease, holder, HEARTBEAT) as beat:
                    self.repo.take_dirty(lease)
                    report = self._publish(meeting, beat)
                    rounds += 1
                    while rounds < MAX_ROUNDS and self.repo.take_dirty(lease):
                        report = self._publish(meeting, beat)
                        rounds += 1
            finally:
                self.repo.release_lease(lease, holder)
            # A mark set after our last look, by a caller that found us still holding.
            if rounds >= MAX_ROUNDS or lease not in self.repo.dirty_marks():
                return report

    def _acquire(self, lease: str, holder: str) -> bool:
        if self.repo.acquire_lease(lease, holder, LEASE_TTL):
            return True
        current = self.repo.lease_holder(lease)
        if current is None or not holder_is_dead(current[0]):
            return False
        log.warning("lease_taken_over", extra={"lease": lease, "dead": current[0]})
        return self.repo.acquire_lease(lease, holder, LEASE_TTL, replacing=current[0])

    def _busy(self, meeting: dt.date, lease: str) -> PublishReport:
        current = self.repo.lease_holder(lease)
        holder, since = current if current else (None, None)
        log.info("publish_busy", extra={"meeting": str(meeting), "holder": holder})
        return PublishReport(meeting, skipped="busy", holder=holder, held_since=since)

    def _publish(self, meeting: dt.date, beat: Heartbeat) -> PublishReport:
        if self.post_card is not None:
            # A card Slack refused at submission time gets another chance to be voted on.
            for topic in self.repo.topics_for_meeting(meeting):
                if topic.card_ts is None:
                    self.post_card(topic)
        corrections: list[Correction] = []
        if self.reader is not None:
            try:
                corrections = self.votes.reconcile(meeting, self.reader)
            except Exception:  # Slack trouble must not stop the agenda going out
                log.warning("reconcile_failed", exc_info=True)
        agenda = self.agenda(meeting)
        notion_url, notion_error = self._publish_notion(agenda)
        note = t(self.lang, "notion_failed_note") if notion_error else None
        if beat.lost:  # another process took over; it publishes the same agenda
            return PublishReport(meeting, skipped="busy", notion_url=notion_url)
        slack_ts, slack_error = self._publish_slack(agenda, notion_url, note)
        if self.metrics is not None:
            if self.notion is not None:
                self.metrics.publish("notion", notion_error)
            self.metrics.publish("slack", slack_error)
        log.info(
            "agenda_published",
            extra={
                "meeting": str(meeting),
                "topics": len(agenda.ranked),
                "notion": bool(notion_url),
            },
        )
        return PublishReport(
            meeting,
            topics=len(agenda.ranked),
            slack=slack_ts,
            notion_url=notion_url,
            notion_error=notion_error,
            corrections=tuple(corrections),
            slack_error=slack_error,
        )

    def _publish_notion(self, agenda: Agenda) -> tuple[str | None, str | None]:
        if self.notion is None:
            return None, None
        meeting = agenda.meeting
        try:
            page = self.notion.publish(agenda, self.owner)
        except Exception as error:  # every Notion failure is retried; organisers hear once
            message = str(getattr(error, "hint", None) or error) or type(error).__name__
            log.warning("notion_publish_failed", extra={"meeting": str(meeting), "error": message})
            record = self.records.claim(meeting, "notion", self.owner)
            self.records.failed(meeting, "notion", message)
            if not record.incident_notified:
                text = t(
                    self.lang, "notion_failed_organizers", date=meeting.isoformat(), error=message
                )
                self.channel.tell_organizers(self.organizers, text)
                self.records.notified(meeting, "notion")
            return None, message
        done = self.records.claim(meeting, "notion", self.owner)
        if done.incident_notified:
            text = t(self.lang, "notion_recovered", date=meeting.isoformat())
            self.channel.tell_organizers(self.organizers, text)
        self.records.completed(meeting, "notion")
        return page.url, None

    def _publish_slack(
        self, agenda: Agenda, notion_url: str | None, note: str | None
    ) -> tuple[str | None, str | None]:
        """Post or update the agenda; a refusal is recorded, retried, and organisers
        hear of it once per incident (and once when it recovers)."""
        meeting = agenda.meeting
        record = self.records.claim(meeting, "slack", self.owner)
        try:
            found: tuple[str, str] | None = None
            if record.external_id and record.channel:
                found = (record.channel, record.external_id)
            else:
                # A crash between posting and recording leaves a message we must adopt.
                since = record.claimed_at - dt.timedelta(minutes=5)
                found = self.channel.find_agenda(meeting, since)
            if found is None:
                channel, ts = self.channel.post_agenda(agenda, notion_url, note)
            else:
                channel, ts = found
                self.channel.update_agenda(channel, ts, agenda, notion_url, note)
        except ChannelError as error:
            log.warning(
                "slack_publish_failed", extra={"meeting": str(meeting), "error": error.code}
            )
            self.records.failed(meeting, "slack", error.code)
            if not record.incident_notified:
                text = t(
                    self.lang, "slack_failed_organizers", date=meeting.isoformat(), error=error.code
                )
                self._tell_organizers(text)
                self.records.notified(meeting, "slack")
            return None, error.code
        if record.incident_notified:
            self._tell_organizers(t(self.lang, "slack_recovered", date=meeting.isoformat()))
        self.records.completed(meeting, "slack", posted=(channel, ts))
        return ts, None

    def _tell_organizers(self, text: str) -> None:
        try:
            self.channel.tell_organizers(self.organizers, text)
        except Exception:  # the channel itself may be what is broken
            log.warning("organizer_notice_failed", exc_info=True)

    def topic_changed(self, topic: Topic) -> None:
        """An edit or withdrawal: an agenda already out shows it within one publish."""
        if self.repo.get_publication(topic.meeting, "slack") is None:
            return
        if self.cycle.meeting_start(topic.meeting) + dt.timedelta(days=1) <= self.clock():
            return  # long over: the record of what was presented stays as it was
        self.publish(topic.meeting)

    def add_late_topic(self, topic: Topic) -> None:
        """A topic submitted after the agenda went out: update it and say so in its thread."""
        record = self.repo.get_publication(topic.meeting, "slack")
        if record is None or not record.external_id or not record.channel:
            return
        self.publish(topic.meeting)
        text = t(
            self.lang,
            "late_announce",
            tag=topic.tag,
            title=topic.title,
            name=topic.presenter.name,
        )
        self.channel.reply_in_thread(record.channel, record.external_id, text)

    def retry_pending(self) -> list[PublishReport]:
        """Publish again what did not complete: a Slack agenda due but not out, or a
        Notion page still missing; both only until the meeting starts (Notion: a day)."""
        now = self.clock()
        reports = []
        marks = self.repo.dirty_marks()  # a holder died, or stopped after MAX_ROUNDS
        for meeting in self._open_meetings(now):
            slack = self.repo.get_publication(meeting, "slack")
            notion = self.repo.get_publication(meeting, "notion")
            due = self.cycle.publish_at(meeting) <= now < self.cycle.meeting_start(meeting)
            slack_missing = slack is None or slack.state != "complete"
            dirty = f"publish:{meeting.isoformat()}" in marks
            if (
                dirty
                or (
                    slack_missing
                    and (slack is not None or due)
                    and not self.cycle.is_skipped(meeting)
                )
                or (
                    not slack_missing
                    and self.notion is not None
                    and (notion is None or notion.state != "complete")
                )
            ):
                reports.append(self.publish(meeting))
        return reports

    def _open_meetings(self, now: dt.datetime) -> list[dt.date]:
        """Meetings whose agenda may still change: not yet over (plus a day of grace)."""
        cutoff = now - dt.timedelta(days=1)
        return [d for d in self.repo.meeting_dates() if self.cycle.meeting_start(d) > cutoff]
