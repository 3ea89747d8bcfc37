"""The weekly cycle: publish the agenda exactly once, remind, skip weeks, carry topics over."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.core.agenda import Agenda, compile_agenda
from bot.core.i18n import Language, t
from bot.core.model import Topic, TopicStatus
from bot.core.weeks import WEEKDAYS, Cycle, upcoming_meeting
from bot.services.votes import Correction, ReactionReader, VoteService
from bot.store import DuplicateSourceError, Repository

log = logging.getLogger(__name__)

# The publish lease follows its holder: renewed every HEARTBEAT while the work runs, so
# a holder that died (SIGKILL, lost host) lets go within LEASE_TTL; a dead process on
# this host is noticed at once (see holder_is_dead).
LEASE_TTL = dt.timedelta(seconds=30)
HEARTBEAT = 10.0
# Publishing again for work that arrived meanwhile stops after this many rounds; the
# dirty mark then stays and the retry job publishes once more.
MAX_ROUNDS = 5


def default_owner() -> str:
    """Who holds a claim: this host and process, so replicas tell each other apart."""
    return f"{socket.gethostname()}:{os.getpid()}"


# The publish leases this process holds right now (see holder_is_dead).
_LIVE: set[str] = set()
_LIVE_LOCK = threading.Lock()


def holder_is_dead(holder: str) -> bool:
    """True only when ``holder`` (``host:pid:tag``) is a process of this host that is gone.

    Another host, another naming, or any doubt answer False: the TTL decides then."""
    parts = holder.split(":")
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        # Ours, or an earlier process with our pid (a restarted container is pid 1 again).
        with _LIVE_LOCK:
            return holder not in _LIVE
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # EPERM: it exists under another user
        return False
    try:  # a killed child not yet reaped by its parent is a zombie: dead all the same
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


class ChannelError(Exception):
    """The chat platform refused the agenda (e.g. ``not_in_channel``); ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Heartbeat:
    """Renews a lease from a background thread while the block runs."""

    def __init__(self, repo: Repository, lease: str, holder: str, every: float) -> None:
        self.repo = repo
        self.lease = lease
        self.holder = holder
        self.every = every
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease:{lease}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                if not self.repo.renew_lease(self.lease, self.holder):
                    self.lost = True
                    log.warning("lease_lost", extra={"lease": self.lease})
                    return
            except Exception:  # a database blip: try again at the next beat
                log.warning("lease_renew_failed", exc_info=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class NotionTarget(Protocol):
    """Publishes an agenda page; raises on failure (the service retries later)."""

    def publish(self, agenda: Agenda, owner: str) -> NotionPageRef: ...


class PublishMetrics(Protocol):
    def publish(self, target: str, error: str | None) -> None: ...


class NotionPageRef(Protocol):
    @property
    def page_id(self) -> str: ...
    @property
    def url(self) -> str: ...


class AgendaChannel(Protocol):
    """The Slack side of the cycle (``bot.slack.agenda`` implements it)."""

    def post_agenda(
        self, agenda: Agenda, notion_url: str | None, note: str | None
    ) -> tuple[str, str]: ...
    def update_agenda(
        self, channel: str, ts: str, agenda: Agenda, notion_url: str | None, note: str | None
    ) -> None: ...
    def find_agenda(self, meeting: dt.date, since: dt.datetime) -> tuple[str, str] | None: ...
    def announce(self, text: str, mentions: Sequence[str] = ()) -> None: ...
    def reply_in_thread(
        self, channel: str, ts: str, text: str, mentions: Sequence[str] = ()
    ) -> None: ...
    def tell_organizers(self, organizers: Sequence[str], text: str) -> None: ...
    def members(self) -> list[str]: ...
    def is_bot(self, user_id: str) -> bool: ...


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


class SkipRegistry:
    """Skipped dates: configured, holidays, and those organisers set (in the database).

    Read again after ``ttl`` seconds, so a skip set on one replica reaches the others.
    """

    def __init__(
        self,
        repo: Repository,
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


class CycleService:
    """Publishing, reminding and skipping, the same for the scheduler and the CLI."""

    def __init__(
        self,
        repo: Repository,
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
        self.votes = votes
        self.skips = skips
        self.reader = reader
        self.notion = notion
        self.lang: Language = lang
        self.group_name = group_name
        self.organizers = tuple(organizers)
        self.roster = tuple(roster)
        self.clock = clock
        self.owner = owner or default_owner()
        self.post_card = post_card
        self.meeting_minutes = meeting_minutes
        self.timer = timer
        # Set by the wiring (bot/metrics.py): publish runs per target and outcome.
        self.metrics: PublishMetrics | None = None

    # -- publishing -------------------------------------------------------------

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
        with _LIVE_LOCK:  # from before acquiring: no thread of ours may take it as dead
            _LIVE.add(holder)
        try:
            return self._publish_rounds(meeting, lease, holder)
        finally:
            with _LIVE_LOCK:
                _LIVE.discard(holder)

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
            record = self.repo.claim_publication(meeting, "notion", self.owner)
            self.repo.update_publication(
                meeting, "notion", state="failed", last_error=message[:2000]
            )
            if not record.incident_notified:
                text = t(
                    self.lang, "notion_failed_organizers", date=meeting.isoformat(), error=message
                )
                self.channel.tell_organizers(self.organizers, text)
                self.repo.update_publication(meeting, "notion", incident_notified=True)
            return None, message
        done = self.repo.claim_publication(meeting, "notion", self.owner)
        if done.incident_notified:
            text = t(self.lang, "notion_recovered", date=meeting.isoformat())
            self.channel.tell_organizers(self.organizers, text)
        self.repo.update_publication(
            meeting, "notion", state="complete", incident_notified=False, last_error=None
        )
        return page.url, None

    def _publish_slack(
        self, agenda: Agenda, notion_url: str | None, note: str | None
    ) -> tuple[str | None, str | None]:
        """Post or update the agenda; a refusal is recorded, retried, and organisers
        hear of it once per incident (and once when it recovers)."""
        meeting = agenda.meeting
        record = self.repo.claim_publication(meeting, "slack", self.owner)
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
            self.repo.update_publication(
                meeting, "slack", state="failed", last_error=error.code[:2000]
            )
            if not record.incident_notified:
                text = t(
                    self.lang, "slack_failed_organizers", date=meeting.isoformat(), error=error.code
                )
                self._tell_organizers(text)
                self.repo.update_publication(meeting, "slack", incident_notified=True)
            return None, error.code
        if record.incident_notified:
            self._tell_organizers(t(self.lang, "slack_recovered", date=meeting.isoformat()))
        self.repo.update_publication(
            meeting,
            "slack",
            external_id=ts,
            channel=channel,
            state="complete",
            incident_notified=False,
            last_error=None,
        )
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

    def skipped_reason(self, meeting: dt.date) -> str | None:
        """Why ``meeting`` is not held, or None when it is."""
        return self._skip_reason(meeting) if self.cycle.is_skipped(meeting) else None

    def skipped_this_week(self) -> dt.date | None:
        """This week's meeting date when it is skipped (the CLI says so, and does nothing)."""
        today = self.clock().astimezone(self.cycle.tz).date()
        nominal = self.cycle.meeting_on_or_after(today, include_skipped=True)
        return nominal if self.cycle.is_skipped(nominal) else None

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

    # -- during the meeting ---------------------------------------------------------

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

    # -- the scheduler's steps ----------------------------------------------------

    def scheduled_publish(self) -> PublishReport | None:
        """The publish job: today's meeting, or the skip announcement if there is none."""
        now = self.clock()
        today = now.astimezone(self.cycle.tz).date()
        nominal = self.cycle.meeting_on_or_after(today, include_skipped=True)
        if nominal != today:
            return None
        if self.cycle.is_skipped(today):
            self.announce_skip(today, self._skip_reason(today))
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

    # -- reminders ----------------------------------------------------------------

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

    # -- skipping and carrying over -------------------------------------------------

    def is_meeting_ahead(self, date: dt.date) -> bool:
        """A date organisers may skip or unskip: a meeting weekday, today or later."""
        today = self.clock().astimezone(self.cycle.tz).date()
        return date.weekday() == self.cycle.meeting_weekday and date >= today

    def weekday_name(self) -> str:
        return WEEKDAYS[self.cycle.meeting_weekday]

    def may_organize(self, user_id: str) -> bool:
        return not self.organizers or user_id in self.organizers

    def _skip_reason(self, date: dt.date) -> str:
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
