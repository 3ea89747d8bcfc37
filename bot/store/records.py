"""Frozen values and errors of the store that the domain model does not define."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Literal, cast, get_args

from bot.core.model import Topic

TopicSource = Literal["slack", "import", "seed"]
PublicationTarget = Literal["notion", "slack"]
PublicationState = Literal["claimed", "partial", "complete", "failed"]


class Unset(enum.Enum):
    """Marker for "leave this field as it is" where ``None`` is a meaningful value."""

    UNSET = enum.auto()


UNSET = Unset.UNSET


class StoreError(Exception):
    """Base class of the errors the repository raises on purpose."""


class NotFoundError(StoreError, LookupError):
    """The requested topic or publication does not exist."""


class DuplicateSourceError(StoreError):
    """The meeting already has an active or presented topic with the same source."""

    def __init__(self, existing: Topic) -> None:
        super().__init__(
            f"{existing.meeting.isoformat()} already has topic {existing.id} "
            f"with source {existing.url}"
        )
        self.existing = existing


@dataclass(frozen=True, slots=True)
class Publication:
    """Where the agenda of one meeting went on one target, and how far it got."""

    meeting: dt.date
    target: PublicationTarget
    state: PublicationState
    claimed_by: str
    claimed_at: dt.datetime
    updated_at: dt.datetime
    external_id: str | None = None
    channel: str | None = None
    progress: int = 0
    last_error: str | None = None
    incident_notified: bool = False


@dataclass(frozen=True, slots=True)
class LinkMeta:
    """Cached metadata of a normalised source URL; ``ok`` is false for failed fetches."""

    url: str
    title: str | None
    authors: tuple[str, ...]
    year: int | None
    is_paper: bool
    ok: bool
    fetched_at: dt.datetime
    venue: str | None = None
    code_url: str | None = None


def as_source(value: str) -> TopicSource:
    """Check that ``value`` is a known topic source."""
    if value not in get_args(TopicSource):
        raise ValueError(f"unknown topic source: {value!r}")
    return cast(TopicSource, value)


def as_target(value: str) -> PublicationTarget:
    """Check that ``value`` is a known publication target."""
    if value not in get_args(PublicationTarget):
        raise ValueError(f"unknown publication target: {value!r}")
    return cast(PublicationTarget, value)


def as_state(value: str) -> PublicationState:
    """Check that ``value`` is a known publication state."""
    if value not in get_args(PublicationState):
        raise ValueError(f"unknown publication state: {value!r}")
    return cast(PublicationState, value)


@dataclass(frozen=True, slots=True)
class CardOwner:
    """What a vote on a topic card needs to know of its topic (no vote count)."""

    topic_id: int
    presenter_id: str
    withdrawn: bool
