"""The voting rules on the in-memory store: a service test that needs no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from bot.core.model import NewTopic, Presenter, TopicStatus
from bot.services.votes import Reaction, VoteService
from tests.fakes.store import MemoryStore

MEETING = dt.date(2024, 5, 16)
CARD = ("C0CARDS", "1715000000.000100")


class Bots:
    def is_bot(self, user_id: str) -> bool:
        return user_id.startswith("B")


class Held:
    """Slack's reactions on each card, as ``reactions.get`` would return them."""

    def __init__(self, held: Mapping[str, Iterable[str]]) -> None:
        self.held = held

    def reactions(self, channel: str, ts: str) -> Mapping[str, Iterable[str]]:
        return self.held if (channel, ts) == CARD else {}


def carded(store: MemoryStore) -> int:
    topic = store.add_topic(
        NewTopic(
            meeting=MEETING,
            tag="論文",
            title="ConvNeXt V2",
            url="https://arxiv.org/abs/2301.00808",
            normalized_url="arxiv:2301.00808",
            presenter=Presenter("U1", "山田"),
            submitted_at=dt.datetime(2024, 5, 13, tzinfo=dt.UTC),
        )
    )
    return store.set_card(topic.id, *CARD).id


def vote(event: str, user: str, emoji: str = "+1", added: bool = True) -> Reaction:
    return Reaction(event, *CARD, user=user, emoji=emoji, added=added)


def test_each_member_counts_once_and_the_presenter_and_bots_not_at_all() -> None:
    store = MemoryStore()
    topic_id = carded(store)
    changed: list[int] = []
    service = VoteService(store, ["+1"], Bots(), on_change=changed.append)
    assert service.apply(vote("Ev1", "U2"))
    assert not service.apply(vote("Ev1", "U2"))  # a re-delivery
    assert service.apply(vote("Ev2", "U2", "+1::skin-tone-3"))
    assert not service.apply(vote("Ev3", "U1"))  # the presenter
    assert not service.apply(vote("Ev4", "B0BOT"))
    assert not service.apply(vote("Ev5", "U3", "fire"))  # not a vote emoji
    assert store.vote_count(topic_id) == 1 and changed == [topic_id, topic_id]
    store.set_status(topic_id, TopicStatus.WITHDRAWN)
    assert not service.apply(vote("Ev6", "U3"))


def test_reconciliation_rebuilds_the_tally_from_slack() -> None:
    store = MemoryStore()
    topic_id = carded(store)
    service = VoteService(store, ["+1"], Bots())
    service.apply(vote("Ev1", "U2"))
    (fixed,) = service.reconcile(MEETING, Held({"+1": ["U1", "U3", "B0BOT"], "fire": ["U4"]}))
    assert (fixed.added, fixed.removed, fixed.votes) == (frozenset({"U3"}), frozenset({"U2"}), 1)
    assert service.reconcile(MEETING, Held({"+1": ["U3"]})) == []
    assert store.voters(topic_id) == {"U3": frozenset({"+1"})}
