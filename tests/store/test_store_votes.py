"""Votes: reaction events applied exactly once, one vote per member, reconciliation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from bot.core.model import NewTopic
from bot.store import NotFoundError, Repository

from .conftest import FakeClock

NewTopicFactory = Callable[..., NewTopic]


@pytest.fixture
def topic_id(repo: Repository, new_topic: NewTopicFactory) -> int:
    return repo.add_topic(new_topic()).id


def test_same_event_twice_changes_nothing(repo: Repository, topic_id: int) -> None:
    assert repo.apply_reaction("Ev1", topic_id, "U2", "+1", added=True)
    assert not repo.apply_reaction("Ev1", topic_id, "U2", "+1", added=True)
    assert not repo.apply_reaction("Ev1", topic_id, "U2", "+1", added=False)
    assert repo.vote_count(topic_id) == 1
    assert repo.voters(topic_id) == {"U2": frozenset({"+1"})}


def test_two_emojis_one_vote(repo: Repository, topic_id: int) -> None:
    repo.apply_reaction("Ev1", topic_id, "U2", "+1", added=True)
    repo.apply_reaction("Ev2", topic_id, "U2", "thumbsup", added=True)
    repo.apply_reaction("Ev3", topic_id, "U2", "+1", added=True)
    assert repo.vote_count(topic_id) == 1
    assert repo.voters(topic_id) == {"U2": frozenset({"+1", "thumbsup"})}


def test_removing_one_of_two_emojis_keeps_vote(repo: Repository, topic_id: int) -> None:
    repo.apply_reaction("Ev1", topic_id, "U2", "+1", added=True)
    repo.apply_reaction("Ev2", topic_id, "U2", "fire", added=True)
    repo.apply_reaction("Ev3", topic_id, "U2", "+1", added=False)
    assert repo.voters(topic_id) == {"U2": frozenset({"fire"})}
    assert repo.get_topic(topic_id).votes == 1
    repo.apply_reaction("Ev4", topic_id, "U2", "fire", added=False)
    assert repo.voters(topic_id) == {}
    assert repo.vote_count(topic_id) == 0


def test_removing_unheld_reaction_is_harmless(repo: Repository, topic_id: int) -> None:
    assert repo.apply_reaction("Ev1", topic_id, "U2", "+1", added=False)
    assert repo.vote_count(topic_id) == 0


def test_members_counted_separately(repo: Repository, topic_id: int) -> None:
    for n, member in enumerate(["U2", "U3", "U4"]):
        repo.apply_reaction(f"Ev{n}", topic_id, member, "+1", added=True)
    assert repo.vote_count(topic_id) == 3
    assert set(repo.voters(topic_id)) == {"U2", "U3", "U4"}


def test_reaction_on_missing_topic(repo: Repository) -> None:
    with pytest.raises(NotFoundError):
        repo.apply_reaction("Ev1", 999, "U2", "+1", added=True)
    assert repo.mark_event_processed("Ev1")  # the failed event was not recorded
    with pytest.raises(NotFoundError):
        repo.vote_count(999)
    with pytest.raises(NotFoundError):
        repo.voters(999)
    with pytest.raises(NotFoundError):
        repo.replace_reactions(999, {})


def test_invalid_emoji_refused(repo: Repository, topic_id: int) -> None:
    with pytest.raises(ValueError, match="reaction"):
        repo.apply_reaction("Ev1", topic_id, "U2", "a,b", added=True)
    with pytest.raises(ValueError, match="reaction"):
        repo.replace_reactions(topic_id, {"U2": {""}})


def test_mark_event_processed(repo: Repository, topic_id: int) -> None:
    assert repo.mark_event_processed("Ev1")
    assert not repo.mark_event_processed("Ev1")
    assert not repo.apply_reaction("Ev1", topic_id, "U2", "+1", added=True)
    assert repo.vote_count(topic_id) == 0


def test_forget_events_before(repo: Repository, clock: FakeClock) -> None:
    repo.mark_event_processed("old")
    clock.advance(hours=2)
    repo.mark_event_processed("new")
    assert repo.forget_events_before(clock.now - dt.timedelta(hours=1)) == 1
    assert repo.mark_event_processed("old")
    assert not repo.mark_event_processed("new")


def test_replace_reactions(repo: Repository, topic_id: int) -> None:
    repo.apply_reaction("Ev1", topic_id, "U2", "+1", added=True)
    repo.apply_reaction("Ev2", topic_id, "U3", "+1", added=True)
    repo.apply_reaction("Ev3", topic_id, "U4", "+1", added=True)
    added, removed = repo.replace_reactions(
        topic_id, {"U2": {"+1"}, "U3": {"+1", "fire"}, "U5": {"+1"}, "U6": set()}
    )
    assert (added, removed) == (frozenset({"U5"}), frozenset({"U4"}))
    assert repo.voters(topic_id) == {
        "U2": frozenset({"+1"}),
        "U3": frozenset({"+1", "fire"}),
        "U5": frozenset({"+1"}),
    }
    assert repo.replace_reactions(topic_id, {}) == (frozenset(), frozenset({"U2", "U3", "U5"}))
    assert repo.vote_count(topic_id) == 0


def test_replace_then_events_continue(repo: Repository, topic_id: int) -> None:
    repo.replace_reactions(topic_id, {"U2": ["fire", "+1"]})
    repo.apply_reaction("Ev1", topic_id, "U2", "fire", added=False)
    assert repo.voters(topic_id) == {"U2": frozenset({"+1"})}
