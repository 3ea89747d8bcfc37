"""Frozen value types shared by every layer: notes, topics, presenters and votes."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from bot.core.papers import Paper


class TopicStatus(enum.StrEnum):
    """Life cycle of a stored topic."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    PRESENTED = "presented"


@dataclass(frozen=True, slots=True)
class Note:
    """One bullet line of a topic's notes.

    ``text`` may carry embedded links written as Markdown ``[label](url)``; every
    renderer turns them into the link form of its target (Slack, Notion, Markdown).
    ``depth`` is the nesting level, 0 for a top-level bullet.
    """

    text: str
    depth: int = 0


@dataclass(frozen=True, slots=True)
class Presenter:
    """The member who submitted a topic."""

    user_id: str
    name: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    """A submitted topic as stored, with its current vote count."""

    id: int
    meeting: dt.date
    tag: str
    title: str
    url: str
    presenter: Presenter
    submitted_at: dt.datetime
    notes: tuple[Note, ...] = ()
    votes: int = 0
    status: TopicStatus = TopicStatus.ACTIVE
    card_channel: str | None = None
    card_ts: str | None = None
    late: bool = False
    paper: Paper | None = None  # from the source's cached metadata, when it is a paper
    # The length the member chose in the form (minutes); None: an even share.
    minutes: int | None = None


@dataclass(frozen=True, slots=True)
class Vote:
    """One member's vote on one topic (whatever emoji, however often)."""

    topic_id: int
    member_id: str


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting date and whether it was skipped."""

    date: dt.date
    skipped: bool = False
    skip_reason: str | None = None


@dataclass(frozen=True, slots=True)
class NewTopic:
    """A validated submission ready to be stored."""

    meeting: dt.date
    tag: str
    title: str
    url: str
    normalized_url: str
    presenter: Presenter
    submitted_at: dt.datetime
    notes: tuple[Note, ...] = field(default=())
    late: bool = False
    minutes: int | None = None
