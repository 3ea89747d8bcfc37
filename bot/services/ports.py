"""The Protocols the services depend on; ``bot.store.Repository`` and the Slack and link
adapters satisfy them, and a service test can hand in a small in-memory fake instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

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
