"""An in-memory store that satisfies every store port, for service tests without a database.

It keeps the rules the services rely on (one open topic per source and meeting, each
Slack event applied once, out-of-order reactions ignored, a publication claimed once, a
lease held by one owner) and nothing of SQL; tests/store/test_contract.py runs the same
checks on it and on the real Repository.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast

from bot.core.clock import utc_now
from bot.core.model import Meeting, NewTopic, Note, Topic, TopicStatus
from bot.store.convert import check_emoji, fold, require_aware, to_paper
from bot.store.records import (
    UNSET,
    CardOwner,
    DuplicateSourceError,
    LinkMeta,
    NotFoundError,
    Publication,
    PublicationState,
    PublicationTarget,
    TopicSource,
    Unset,
    as_source,
    as_state,
    as_target,
)
from bot.store.votes import _micros

F = TypeVar("F", bound=Callable[..., Any])
_LEASE = "lease"
_DIRTY = "dirty"


def _locked(method: F) -> F:
    """One caller at a time, like the store's single writer (the heartbeat is a thread)."""

    def run(self: MemoryStore, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return cast(F, functools.wraps(method)(run))


@dataclasses.dataclass
class _Stored:
    topic: Topic  # votes and paper are filled in on every read
    normalized_url: str


class MemoryStore:
    """Dictionaries behind the store ports; ``clock`` stamps what the store stamps."""

    def __init__(self, *, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._meetings: dict[dt.date, Meeting] = {}
        self._topics: dict[int, _Stored] = {}
        self._votes: dict[int, dict[str, frozenset[str]]] = {}
        self._marks: dict[tuple[int, str, str], int] = {}
        self._events: dict[str, dt.datetime] = {}
        self._publications: dict[tuple[dt.date, str], Publication] = {}
        self._bodies: dict[dt.date, str | None] = {}
        self._runs: dict[tuple[str, str], tuple[str, dt.datetime]] = {}
        self._links: dict[str, LinkMeta] = {}

    # -- meetings ---------------------------------------------------------------

    @_locked
    def ensure_meeting(self, date: dt.date) -> Meeting:
        return self._meetings.setdefault(date, Meeting(date))

    @_locked
    def get_meeting(self, date: dt.date) -> Meeting | None:
        return self._meetings.get(date)

    @_locked
    def set_skipped(self, date: dt.date, skipped: bool, reason: str | None = None) -> Meeting:
        meeting = Meeting(date, skipped, reason if skipped else None)
        self._meetings[date] = meeting
        return meeting

    @_locked
    def skipped_dates(self) -> set[dt.date]:
        return {date for date, meeting in self._meetings.items() if meeting.skipped}

    @_locked
    def meeting_dates(self) -> list[dt.date]:
        return sorted(self._meetings)

    # -- topics -----------------------------------------------------------------

    @_locked
    def add_topic(self, new: NewTopic, source: TopicSource = "slack") -> Topic:
        as_source(source)
        require_aware(new.submitted_at)
        self.ensure_meeting(new.meeting)
        self._refuse_duplicate(new.meeting, new.normalized_url)
        topic_id = max(self._topics, default=0) + 1
        topic = Topic(
            id=topic_id,
            meeting=new.meeting,
            tag=new.tag,
            title=new.title,
            url=new.url,
            presenter=new.presenter,
            submitted_at=new.submitted_at,
            notes=tuple(new.notes),
            late=new.late,
            minutes=new.minutes,
        )
        self._topics[topic_id] = _Stored(topic, new.normalized_url)
        return self._read(topic_id)

    @_locked
    def get_topic(self, topic_id: int) -> Topic:
        return self._read(topic_id)

    @_locked
    def topics_for_meeting(self, date: dt.date, include_withdrawn: bool = False) -> list[Topic]:
        found = self._select(include_withdrawn, lambda t: t.meeting == date)
        return sorted(found, key=lambda t: (t.submitted_at, t.id))

    @_locked
    def topics_of_presenter(
        self, user_id: str, meeting: dt.date | None = None, *, include_withdrawn: bool = False
    ) -> list[Topic]:
        found = self._select(
            include_withdrawn,
            lambda t: t.presenter.user_id == user_id and meeting in (None, t.meeting),
        )
        found.sort(key=lambda t: (t.submitted_at, t.id))
        return sorted(found, key=lambda t: t.meeting, reverse=True)

    @_locked
    def update_topic(
        self,
        topic_id: int,
        *,
        tag: str | None = None,
        title: str | None = None,
        url: str | None = None,
        normalized_url: str | None = None,
        notes: Sequence[Note] | None = None,
        meeting: dt.date | None = None,
        minutes: int | Unset | None = UNSET,
    ) -> Topic:
        if url is not None and normalized_url is None:
            raise ValueError("url changed without its normalized_url")
        stored = self._stored(topic_id)
        old = stored.topic
        date = old.meeting if meeting is None else meeting
        source = stored.normalized_url if normalized_url is None else normalized_url
        if (date, source) != (old.meeting, stored.normalized_url):
            self.ensure_meeting(date)
            if old.status != TopicStatus.WITHDRAWN:
                self._refuse_duplicate(date, source, topic_id)
        changes: dict[str, Any] = {"meeting": date}
        for name, value in (("tag", tag), ("title", title), ("url", url)):
            if value is not None:
                changes[name] = value
        if notes is not None:
            changes["notes"] = tuple(notes)
        if not isinstance(minutes, Unset):
            changes["minutes"] = minutes
        stored.topic, stored.normalized_url = dataclasses.replace(old, **changes), source
        return self._read(topic_id)

    @_locked
    def set_status(self, topic_id: int, status: TopicStatus) -> Topic:
        stored = self._stored(topic_id)
        if stored.topic.status == TopicStatus.WITHDRAWN and status != TopicStatus.WITHDRAWN:
            self.ensure_meeting(stored.topic.meeting)
            self._refuse_duplicate(stored.topic.meeting, stored.normalized_url, topic_id)
        stored.topic = dataclasses.replace(stored.topic, status=TopicStatus(status))
        return self._read(topic_id)

    @_locked
    def set_card(self, topic_id: int, channel: str, ts: str) -> Topic:
        stored = self._stored(topic_id)
        stored.topic = dataclasses.replace(stored.topic, card_channel=channel, card_ts=ts)
        return self._read(topic_id)

    @_locked
    def topic_by_card(self, channel: str, ts: str) -> Topic | None:
        found = self._select(True, lambda t: (t.card_channel, t.card_ts) == (channel, ts))
        return found[0] if found else None

    @_locked
    def earlier_topics_with_url(self, normalized_url: str, before: dt.date) -> list[Topic]:
        found = [
            self._read(topic_id)
            for topic_id, stored in self._topics.items()
            if stored.normalized_url == normalized_url
            and stored.topic.meeting < before
            and stored.topic.status != TopicStatus.WITHDRAWN
        ]
        return sorted(found, key=_chrono)

    @_locked
    def move_open_topics(self, from_date: dt.date, to_date: dt.date) -> int:
        self.ensure_meeting(to_date)
        moved = 0
        for stored in self._topics.values():
            if stored.topic.meeting == from_date and stored.topic.status == TopicStatus.ACTIVE:
                stored.topic = dataclasses.replace(stored.topic, meeting=to_date)
                moved += 1
        return moved

    @_locked
    def search(
        self,
        words: str,
        *,
        limit: int = 10,
        offset: int = 0,
        tag: str | None = None,
        year: int | None = None,
    ) -> tuple[list[Topic], int]:
        terms = fold(words).split()
        if not terms and tag is None and year is None:
            return [], 0

        def matches(topic: Topic) -> bool:
            notes = (note.text for note in topic.notes)
            text = fold("\n".join([topic.tag, topic.title, topic.presenter.name, *notes]))
            paper = self._paper_meta(topic.url)
            paper_year = None if paper is None else paper.year
            in_year = year is None or paper_year == year
            if year is not None and paper_year is None:
                in_year = topic.meeting.year == year
            return all(t in text for t in terms) and tag in (None, topic.tag) and in_year

        found = sorted(self._select(False, matches), key=lambda t: (t.submitted_at, t.id))
        found.sort(key=lambda t: t.meeting, reverse=True)
        return found[offset : offset + limit], len(found)

    @_locked
    def all_topics(
        self, since: dt.date | None = None, *, include_withdrawn: bool = False
    ) -> list[Topic]:
        found = self._select(include_withdrawn, lambda t: since is None or t.meeting >= since)
        return sorted(found, key=_chrono)

    # -- votes and events -------------------------------------------------------

    @_locked
    def card_owner(self, channel: str, ts: str) -> CardOwner | None:
        topic = self.topic_by_card(channel, ts)
        if topic is None:
            return None
        withdrawn = topic.status == TopicStatus.WITHDRAWN
        return CardOwner(topic.id, topic.presenter.user_id, withdrawn)

    @_locked
    def apply_reaction(
        self,
        event_id: str,
        topic_id: int,
        member_id: str,
        emoji: str,
        added: bool,
        event_ts: str | None = None,
    ) -> bool:
        check_emoji(emoji)
        if event_id in self._events:
            return False
        self._stored(topic_id)  # a missing topic records nothing, like a rollback
        self._events[event_id] = self._clock()
        if event_ts is not None:
            key, micros = (topic_id, member_id, emoji), _micros(event_ts)
            if self._marks.get(key, micros) > micros:
                return True  # older than what was applied: recorded, changes nothing
            self._marks[key] = micros
        votes = self._votes.setdefault(topic_id, {})
        before = votes.get(member_id, frozenset())
        held = before | {emoji} if added else before - {emoji}
        if held:
            votes[member_id] = held
        else:
            votes.pop(member_id, None)
        return True

    @_locked
    def mark_event_processed(self, event_id: str) -> bool:
        if event_id in self._events:
            return False
        self._events[event_id] = self._clock()
        return True

    @_locked
    def forget_events_before(self, cutoff: dt.datetime) -> int:
        old = [event for event, at in self._events.items() if at < cutoff]
        for event in old:
            del self._events[event]
        return len(old)

    @_locked
    def vote_count(self, topic_id: int) -> int:
        return len(self.voters(topic_id))

    @_locked
    def voters(self, topic_id: int) -> dict[str, frozenset[str]]:
        self._stored(topic_id)
        return dict(self._votes.get(topic_id, {}))

    @_locked
    def replace_reactions(
        self, topic_id: int, held: Mapping[str, Iterable[str]]
    ) -> tuple[frozenset[str], frozenset[str]]:
        wanted = {m: frozenset(map(check_emoji, e)) for m, e in held.items()}
        wanted = {m: e for m, e in wanted.items() if e}
        before = frozenset(self.voters(topic_id))
        self._votes[topic_id] = wanted
        return frozenset(wanted) - before, before - frozenset(wanted)

    # -- publications -----------------------------------------------------------

    @_locked
    def claim_publication(
        self, meeting: dt.date, target: PublicationTarget, owner: str
    ) -> Publication:
        key = (meeting, as_target(target))
        self.ensure_meeting(meeting)
        if key not in self._publications:
            now = self._clock()
            self._publications[key] = Publication(meeting, target, "claimed", owner, now, now)
        return self._publications[key]

    @_locked
    def update_publication(
        self,
        meeting: dt.date,
        target: PublicationTarget,
        *,
        external_id: str | Unset | None = UNSET,
        channel: str | Unset | None = UNSET,
        state: PublicationState | Unset = UNSET,
        progress: int | Unset = UNSET,
        last_error: str | Unset | None = UNSET,
        incident_notified: bool | Unset = UNSET,
    ) -> Publication:
        record = self._publication(meeting, target)
        changes: dict[str, object] = {
            "external_id": external_id,
            "channel": channel,
            "state": state if isinstance(state, Unset) else as_state(state),
            "progress": progress,
            "last_error": last_error,
            "incident_notified": incident_notified,
        }
        given = {name: value for name, value in changes.items() if value is not UNSET}
        record = dataclasses.replace(record, **given, updated_at=self._clock())  # type: ignore[arg-type]
        self._publications[(meeting, target)] = record
        return record

    @_locked
    def load_body_state(self, meeting: dt.date) -> str | None:
        return self._bodies.get(meeting)

    @_locked
    def save_body_state(self, meeting: dt.date, state: str) -> None:
        self._publication(meeting, "notion")
        self._bodies[meeting] = state

    @_locked
    def get_publication(self, meeting: dt.date, target: PublicationTarget) -> Publication | None:
        return self._publications.get((meeting, target))

    # -- job runs, leases and dirty marks ---------------------------------------

    @_locked
    def claim_job_run(self, job_id: str, run_key: str, owner: str) -> bool:
        if (job_id, run_key) in self._runs:
            return False
        self._runs[(job_id, run_key)] = (owner, self._clock())
        return True

    @_locked
    def acquire_lease(
        self, name: str, owner: str, ttl: dt.timedelta, *, replacing: str | None = None
    ) -> bool:
        now = self._clock()
        holder, renewed = self._runs.setdefault((_LEASE, name), ("", now))
        free = (
            holder in ("", owner)
            or renewed < now - ttl
            or (bool(replacing) and holder == replacing)
        )
        if free:
            self._runs[(_LEASE, name)] = (owner, now)
        return free

    @_locked
    def renew_lease(self, name: str, owner: str) -> bool:
        if self._runs.get((_LEASE, name), ("", None))[0] != owner:
            return False
        self._runs[(_LEASE, name)] = (owner, self._clock())
        return True

    @_locked
    def lease_holder(self, name: str) -> tuple[str, dt.datetime] | None:
        found = self._runs.get((_LEASE, name))
        return None if found is None or not found[0] else found

    @_locked
    def held_leases(self) -> list[tuple[str, str, dt.datetime]]:
        return [
            (key, holder, at)
            for (job, key), (holder, at) in self._runs.items()
            if job == _LEASE and holder
        ]

    @_locked
    def release_lease(self, name: str, owner: str) -> None:
        found = self._runs.get((_LEASE, name))
        if found is not None and found[0] == owner:
            self._runs[(_LEASE, name)] = ("", found[1])

    @_locked
    def mark_dirty(self, name: str, owner: str) -> None:
        self._runs.setdefault((_DIRTY, name), (owner, self._clock()))

    @_locked
    def take_dirty(self, name: str) -> bool:
        return self._runs.pop((_DIRTY, name), None) is not None

    @_locked
    def dirty_marks(self) -> set[str]:
        return {key for job, key in self._runs if job == _DIRTY}

    # -- link cache -------------------------------------------------------------

    @_locked
    def get_link_meta(self, url: str) -> LinkMeta | None:
        return self._links.get(url)

    @_locked
    def put_link_meta(self, meta: LinkMeta) -> None:
        require_aware(meta.fetched_at)
        self._links[meta.url] = meta

    # -- helpers ----------------------------------------------------------------

    def _stored(self, topic_id: int) -> _Stored:
        try:
            return self._topics[topic_id]
        except KeyError:
            raise NotFoundError(f"no topic {topic_id}") from None

    def _read(self, topic_id: int) -> Topic:
        topic = self._stored(topic_id).topic
        meta = self._paper_meta(topic.url)
        paper = None if meta is None else to_paper(meta)
        return dataclasses.replace(topic, votes=len(self._votes.get(topic_id, {})), paper=paper)

    def _paper_meta(self, url: str) -> LinkMeta | None:
        meta = self._links.get(url)
        return meta if meta is not None and meta.ok and meta.is_paper else None

    def _select(self, include_withdrawn: bool, keep: Callable[[Topic], bool]) -> list[Topic]:
        found = [self._read(topic_id) for topic_id in sorted(self._topics)]
        return [
            t for t in found if (include_withdrawn or t.status != TopicStatus.WITHDRAWN) and keep(t)
        ]

    def _refuse_duplicate(
        self, date: dt.date, normalized_url: str, exclude_id: int | None = None
    ) -> None:
        for topic_id in sorted(self._topics):
            stored = self._topics[topic_id]
            if (
                topic_id != exclude_id
                and stored.topic.meeting == date
                and stored.normalized_url == normalized_url
                and stored.topic.status != TopicStatus.WITHDRAWN
            ):
                # as the Repository reports it: with the vote count, without paper facts
                raise DuplicateSourceError(dataclasses.replace(self._read(topic_id), paper=None))

    def _publication(self, meeting: dt.date, target: str) -> Publication:
        found = self._publications.get((meeting, target))
        if found is None:
            raise NotFoundError(f"no {target} publication for {meeting.isoformat()}")
        return found


def _chrono(topic: Topic) -> tuple[dt.date, dt.datetime, int]:
    return topic.meeting, topic.submitted_at, topic.id
