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


class BodyStore(Protocol):
    """Where the Notion publisher's memory of a page body is kept (an opaque string)."""

    def claim_publication(
        self, meeting: dt.date, target: PublicationTarget, owner: str
    ) -> object: ...
    def load_body_state(self, meeting: dt.date) -> str | None: ...
    def save_body_state(self, meeting: dt.date, state: str) -> None: ...


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
