"""The store's Protocols, one per aggregate (kept apart from ``bot.services.ports`` after
parallel work: its topics and publishing sections name some of the same Protocols; merging
the two modules is the next step of #15.2).

Each area has its own section headed ``# --- <area> ---``. A service names the narrowest
Protocols it needs (combine several with ``class _Needs(A, B, Protocol): ...``), so its
tests can hand it a small in-memory fake instead of a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from bot.core.model import Meeting, NewTopic, Note, Topic, TopicStatus
from bot.store.records import (
    UNSET,
    CardOwner,
    LinkMeta,
    Publication,
    PublicationState,
    PublicationTarget,
    TopicSource,
    Unset,
)

# --- store ---
# Persistence, one Protocol per aggregate of bot.store, as the services use it (methods
# that only tests call are left out). bot.store.Repository satisfies every one of them:
# tests/test_layers.py checks it, by signature and with mypy. The signatures repeat the
# Repository's on purpose (a Protocol is nothing but its signatures; `duplicates` pairs
# them with bot/store), and that test keeps the two equal. The records and errors
# (DuplicateSourceError, NotFoundError, ...) stay in bot.store.records: they are values.


class MeetingStore(Protocol):
    """The calendar: meetings, created on demand, and their skips."""

    def get_meeting(self, date: dt.date) -> Meeting | None: ...
    def set_skipped(self, date: dt.date, skipped: bool, reason: str | None = None) -> Meeting: ...
    def skipped_dates(self) -> set[dt.date]: ...
    def meeting_dates(self) -> list[dt.date]: ...


class TopicReader(Protocol):
    """Stored topics with their vote counts and paper facts, and the archive's search."""

    def get_topic(self, topic_id: int) -> Topic: ...
    def topics_for_meeting(self, date: dt.date, include_withdrawn: bool = False) -> list[Topic]: ...
    def topics_of_presenter(
        self, user_id: str, meeting: dt.date | None = None, *, include_withdrawn: bool = False
    ) -> list[Topic]: ...
    def earlier_topics_with_url(self, normalized_url: str, before: dt.date) -> list[Topic]: ...
    def search(
        self,
        words: str,
        *,
        limit: int = 10,
        offset: int = 0,
        tag: str | None = None,
        year: int | None = None,
    ) -> tuple[list[Topic], int]: ...
    def all_topics(
        self, since: dt.date | None = None, *, include_withdrawn: bool = False
    ) -> list[Topic]: ...


class TopicStore(TopicReader, Protocol):
    """Topics read and written: submission (one open topic per source and meeting),
    changes, status and the card members vote on."""

    def add_topic(self, new: NewTopic, source: TopicSource = "slack") -> Topic: ...
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
    ) -> Topic: ...
    def set_status(self, topic_id: int, status: TopicStatus) -> Topic: ...
    def set_card(self, topic_id: int, channel: str, ts: str) -> Topic: ...


class VoteStore(Protocol):
    """Votes: reactions applied exactly once, and a topic's votes reconciled."""

    def card_owner(self, channel: str, ts: str) -> CardOwner | None: ...
    def apply_reaction(
        self,
        event_id: str,
        topic_id: int,
        member_id: str,
        emoji: str,
        added: bool,
        event_ts: str | None = None,
    ) -> bool: ...
    def vote_count(self, topic_id: int) -> int: ...
    def replace_reactions(
        self, topic_id: int, held: Mapping[str, Iterable[str]]
    ) -> tuple[frozenset[str], frozenset[str]]: ...


class EventLog(Protocol):
    """The ids of processed Slack events, pruned once Slack stops retrying."""

    def forget_events_before(self, cutoff: dt.datetime) -> int: ...


class PublicationStore(Protocol):
    """Where each meeting's agenda went on each target: claimed once, then updated."""

    def claim_publication(
        self, meeting: dt.date, target: PublicationTarget, owner: str
    ) -> Publication: ...
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
    ) -> Publication: ...
    def get_publication(
        self, meeting: dt.date, target: PublicationTarget
    ) -> Publication | None: ...


class BodyStateStore(Protocol):
    """What the Notion publisher last wrote for a meeting, opaque to the store
    (saving needs the meeting's claimed ``notion`` publication)."""

    def load_body_state(self, meeting: dt.date) -> str | None: ...
    def save_body_state(self, meeting: dt.date, state: str) -> None: ...


class LeaseStore(Protocol):
    """Named leases held across processes, and the dirty marks of what they guard."""

    def acquire_lease(
        self, name: str, owner: str, ttl: dt.timedelta, *, replacing: str | None = None
    ) -> bool: ...
    def renew_lease(self, name: str, owner: str) -> bool: ...
    def lease_holder(self, name: str) -> tuple[str, dt.datetime] | None: ...
    def held_leases(self) -> list[tuple[str, str, dt.datetime]]: ...
    def release_lease(self, name: str, owner: str) -> None: ...
    def mark_dirty(self, name: str, owner: str) -> None: ...
    def take_dirty(self, name: str) -> bool: ...
    def dirty_marks(self) -> set[str]: ...


class JobRunStore(Protocol):
    """Scheduled runs claimed by exactly one process per run key."""

    def claim_job_run(self, job_id: str, run_key: str, owner: str) -> bool: ...


class LinkCacheStore(Protocol):
    """Metadata fetched for a normalised source URL."""

    def get_link_meta(self, url: str) -> LinkMeta | None: ...
    def put_link_meta(self, meta: LinkMeta) -> None: ...


class Store(
    MeetingStore,
    TopicStore,
    VoteStore,
    EventLog,
    PublicationStore,
    BodyStateStore,
    LeaseStore,
    JobRunStore,
    LinkCacheStore,
    Protocol,
):
    """Every store Protocol at once, for code that needs several (prefer the narrow ones)."""
