"""The Protocols the services depend on, one section per area (``# --- <area> ---``).

``bot.store.Repository`` and the Slack, Notion and link adapters satisfy them. A service
names the narrowest Protocols it needs (combine several with ``class _Needs(A, B,
Protocol): ...``), so its tests can hand it a small in-memory fake instead of a database.
The store's values and errors (``Publication``, ``NotFoundError``, ``UNSET``, ...) live in
``bot.store.records``; they are values, not the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from bot.core.agenda import Agenda
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


# --- topics ---


class TopicServiceStore(TopicStore, MeetingStore, Protocol):
    """What ``TopicService`` reads and writes: the topics, and which meetings have any."""


class CardStore(Protocol):
    """Where a topic card's place is kept (the Slack cards read and record it)."""

    def get_topic(self, topic_id: int) -> Topic: ...
    def set_card(self, topic_id: int, channel: str, ts: str) -> Topic: ...


class CardPoster(Protocol):
    """The channel's topic cards (``bot.slack.cards.Cards``)."""

    def send(self, topic: Topic) -> tuple[str, str] | None:
        """Post the topic's card: its (channel, ts), or None when the channel refused
        (logged; the topic stays stored and its card is posted again at publish)."""
        ...

    def refresh(self, topic_id: int) -> None: ...
    def delete(self, topic: Topic) -> None: ...


class SourceMeta(Protocol):
    """What a link lookup tells about a source (``bot.links`` provides it)."""

    @property
    def title(self) -> str | None: ...
    @property
    def authors(self) -> tuple[str, ...]: ...
    @property
    def year(self) -> int | None: ...
    @property
    def is_paper(self) -> bool: ...
    @property
    def ok(self) -> bool: ...
    @property
    def venue(self) -> str | None: ...
    @property
    def code_url(self) -> str | None: ...


class SourceLookup(Protocol):
    """Fetches a source's metadata safely; never raises for network problems."""

    def resolve(self, url: str) -> SourceMeta: ...


class SearchFilter(Protocol):
    """What `/topic search` asks for (``bot.archive.query.SearchQuery``)."""

    @property
    def words(self) -> str: ...
    @property
    def tag(self) -> str | None: ...
    @property
    def year(self) -> int | None: ...


# --- publishing ---


class PublicationRecords(PublicationStore, BodyStateStore, Protocol):
    """The publication records and the Notion body kept on them; only
    ``bot.services.publications`` writes them."""


class BodyStore(Protocol):
    """Where the Notion publisher's memory of a page body is kept (an opaque string)."""

    def load_body(self, meeting: dt.date) -> str | None: ...
    def save_body(self, meeting: dt.date, state: str) -> None: ...


class NotionJournal(BodyStore, Protocol):
    """What the Notion publisher reports as it goes; the services own the record it keeps.

    The publisher calls these at the points that make a publish resumable: the page id
    is recorded before any block is written, progress after each append.
    """

    def begin(self, meeting: dt.date, owner: str) -> str | None:
        """A publish starts: the id of the page already recorded for ``meeting``, if any."""
        ...

    def page_found(self, meeting: dt.date, page_id: str) -> None:
        """The meeting's page was created or adopted: it is the one from now on."""
        ...

    def writing(self, meeting: dt.date) -> None:
        """The page is about to change."""
        ...

    def progress(self, meeting: dt.date, blocks: int) -> None:
        """``blocks`` top-level blocks are on the page as they should be."""
        ...

    def completed(self, meeting: dt.date, blocks: int) -> None:
        """The page holds the whole agenda, in ``blocks`` top-level blocks."""
        ...

    def failed(self, meeting: dt.date, error: str) -> None:
        """The publish stopped; ``error`` is the hint for the organisers."""
        ...


class ChannelError(Exception):
    """The chat platform refused the agenda (e.g. ``not_in_channel``); ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


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
