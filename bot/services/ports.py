"""The Protocols services (and the adapters they drive) depend on; the store satisfies them.

Each area keeps its Protocols in its own section below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal, Protocol

from bot.core.agenda import Agenda

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
