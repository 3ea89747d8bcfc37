"""Votes by reaction: each event applied once, and reconciliation from Slack's own state."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.core.model import Topic, TopicStatus
from bot.services.ports import TopicReader, VoteStore

log = logging.getLogger(__name__)


class VoteStores(VoteStore, TopicReader, Protocol):
    """The votes, and the topics of a meeting whose cards are reconciled."""


class ReactionReader(Protocol):
    """Reads the reactions a message holds now (Slack's ``reactions.get``)."""

    def reactions(self, channel: str, ts: str) -> Mapping[str, Iterable[str]]: ...


class BotCheck(Protocol):
    def is_bot(self, user_id: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Reaction:
    """One reaction event, as a typed value."""

    event_id: str
    channel: str
    ts: str
    user: str
    emoji: str
    added: bool
    event_ts: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """What reconciliation changed on one topic."""

    topic_id: int
    title: str
    added: frozenset[str]
    removed: frozenset[str]
    votes: int


def base_emoji(name: str) -> str:
    """``+1::skin-tone-2`` counts as ``+1`` (which emojis are votes)."""
    return name.split("::", 1)[0]


class VoteService:
    """Applies the voting rules of PRODUCT.md section 4."""

    def __init__(
        self,
        repo: VoteStores,
        vote_emojis: Iterable[str],
        bots: BotCheck,
        *,
        on_change: Callable[[int], None] | None = None,
    ) -> None:
        self.repo = repo
        self.emojis = frozenset(vote_emojis)
        self.bots = bots
        self.on_change = on_change
        # Set by the wiring (bot/metrics.py): applied and re-delivered events.
        self.on_applied: Callable[[bool], None] | None = None

    def counts(self, emoji: str) -> bool:
        return base_emoji(emoji) in self.emojis

    def apply(self, reaction: Reaction) -> bool:
        """Apply one event; True when it changed something (never twice for one event id)."""
        if not self.counts(reaction.emoji):
            return False
        card = self.repo.card_owner(reaction.channel, reaction.ts)
        if card is None or card.withdrawn:
            return False
        if not self._member_may_vote(card.presenter_id, reaction.user):
            return False
        applied = self.repo.apply_reaction(
            reaction.event_id,
            card.topic_id,
            reaction.user,
            # The full name: Slack keeps ``+1`` and ``+1::skin-tone-2`` from one member as
            # two reactions, so removing one must leave the vote the other still holds.
            reaction.emoji,
            reaction.added,
            reaction.event_ts,
        )
        if self.on_applied is not None:
            self.on_applied(applied)
        if applied:
            log.info(
                "vote_applied",
                extra={
                    "topic_id": card.topic_id,
                    "added": reaction.added,
                    "event_id": reaction.event_id,
                },
            )
            if self.on_change is not None:
                self.on_change(card.topic_id)
        return applied

    def _may_vote(self, topic: Topic, user: str) -> bool:
        if topic.status == TopicStatus.WITHDRAWN:
            return False
        return self._member_may_vote(topic.presenter.user_id, user)

    def _member_may_vote(self, presenter_id: str, user: str) -> bool:
        """The presenter's own reaction and bots do not count."""
        return user != presenter_id and not self.bots.is_bot(user)

    def reconcile(self, meeting: dt.date, reader: ReactionReader) -> list[Correction]:
        """Rebuild every card's tally of ``meeting`` from the reactions Slack holds now."""
        corrections: list[Correction] = []
        for topic in self.repo.topics_for_meeting(meeting):
            if topic.card_channel is None or topic.card_ts is None:
                continue
            held: dict[str, set[str]] = {}
            for emoji, users in reader.reactions(topic.card_channel, topic.card_ts).items():
                if not self.counts(emoji):
                    continue
                for user in users:
                    if self._may_vote(topic, user):
                        held.setdefault(user, set()).add(emoji)
            added, removed = self.repo.replace_reactions(topic.id, held)
            if added or removed:
                votes = self.repo.vote_count(topic.id)
                corrections.append(Correction(topic.id, topic.title, added, removed, votes))
                log.info(
                    "votes_reconciled",
                    extra={"topic_id": topic.id, "added": len(added), "removed": len(removed)},
                )
                if self.on_change is not None:
                    self.on_change(topic.id)
        return corrections
