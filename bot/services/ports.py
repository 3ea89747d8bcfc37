"""The Protocols the services depend on; ``bot.store.Repository`` and the Slack and link
adapters satisfy them, and a service test can hand in a small in-memory fake instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal, Protocol

from bot.core.agenda import Agenda
from bot.core.model import NewTopic, Note, Topic, TopicStatus

# --- topics ---


class TopicStore(Protocol):
    """What ``TopicService`` reads and writes (``bot.store.Repository``). The signatures
    repeat the repository's on purpose: that is how a Protocol names what it needs."""

    def add_topic(self, new: NewTopic) -> Topic: ...
    def get_topic(self, topic_id: int) -> Topic: ...
    def update_topic(
        self,
        topic_id: int,
        *,
        tag: str | None = None,
        title: str | None = None,
        url: str | None = None,
        normalized_url: str | None = None,
        notes: Sequence[Note] | None = None,
        minutes: int | None = None,
    ) -> Topic: ...
    def set_status(self, topic_id: int, status: TopicStatus) -> Topic: ...
    def set_card(self, topic_id: int, channel: str, ts: str) -> Topic: ...
    def earlier_topics_with_url(self, normalized_url: str, before: dt.date) -> list[Topic]: ...
    def topics_for_meeting(self, date: dt.date) -> list[Topic]: ...
    def topics_of_presenter(self, user_id: str, meeting: dt.date | None = None) -> list[Topic]: ...
    def meeting_dates(self) -> list[dt.date]: ...
    def search(
        self,
        words: str,
        *,
        limit: int = 10,
        offset: int = 0,
        tag: str | None = None,
        year: int | None = None,
    ) -> tuple[list[Topic], int]: ...


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

PublicationTarget = Literal["slack", "notion"]


PublicationState = Literal["claimed", "partial", "complete", "failed"]


class PublicationRecord(Protocol):
    """Where one meeting's agenda went on one target, and how far it got."""

    @property
    def state(self) -> PublicationState: ...
    @property
    def claimed_at(self) -> dt.datetime: ...
    @property
    def external_id(self) -> str | None: ...
    @property
    def channel(self) -> str | None: ...
    @property
    def incident_notified(self) -> bool: ...


class PublicationStore(Protocol):
    """The publication records as stored; only ``bot.services.publications`` writes them."""

    def claim_publication(
        self, meeting: dt.date, target: PublicationTarget, owner: str
    ) -> PublicationRecord: ...
    def update_publication(
        self,
        meeting: dt.date,
        target: PublicationTarget,
        *,
        external_id: str | None = ...,
        channel: str | None = ...,
        state: PublicationState = ...,
        progress: int = ...,
        last_error: str | None = ...,
        incident_notified: bool = ...,
    ) -> object: ...
    def load_body_state(self, meeting: dt.date) -> str | None: ...
    def save_body_state(self, meeting: dt.date, state: str) -> None: ...


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
