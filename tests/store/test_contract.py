"""The store ports' contract, run on the Repository (SQLite, PostgreSQL) and the memory fake.

A service test that hands a service ``tests.fakes.store.MemoryStore`` relies on these
rules holding there exactly as in the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.model import Meeting, Note, TopicStatus
from bot.services.ports import Store
from bot.store import DuplicateSourceError, LinkMeta, NotFoundError, Repository, open_database
from tests.conftest import postgres_schema
from tests.fakes.store import MemoryStore

from .conftest import MEETING, FakeClock, NewTopicFactory

NEXT = MEETING + dt.timedelta(days=7)
EARLIER = MEETING - dt.timedelta(days=7)
TTL = dt.timedelta(minutes=2)


@pytest.fixture(params=["sqlite", "postgresql", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore(clock=clock)
        return
    if request.param == "sqlite":
        with open_database(f"sqlite:///{tmp_path / 'studybot.db'}") as db:
            yield Repository(db, clock=clock)
        return
    with postgres_schema("c") as url, open_database(url) as db:
        yield Repository(db, clock=clock)


def _paper(url: str, year: int | None, clock: FakeClock) -> LinkMeta:
    return LinkMeta(url, "A paper", ("Ada",), year, True, True, clock.now, venue="ICML")


# -- meetings -------------------------------------------------------------------------


def test_meetings_are_created_on_demand_and_skipped_or_held(store: Store) -> None:
    assert store.get_meeting(MEETING) is None
    assert store.set_skipped(NEXT, True, "祝日") == Meeting(NEXT, True, "祝日")
    assert store.set_skipped(MEETING, False, "ignored") == Meeting(MEETING)
    assert store.skipped_dates() == {NEXT}
    assert store.set_skipped(NEXT, False, "ignored") == Meeting(NEXT)
    assert store.skipped_dates() == set()
    assert store.meeting_dates() == [MEETING, NEXT]


# -- topics ---------------------------------------------------------------------------


def test_one_open_topic_per_source_and_meeting(store: Store, new_topic: NewTopicFactory) -> None:
    first = store.add_topic(new_topic(url="https://x.org/a"))
    assert (first.votes, first.status, store.meeting_dates()) == (0, TopicStatus.ACTIVE, [MEETING])
    with pytest.raises(DuplicateSourceError) as refused:
        store.add_topic(new_topic(url="https://x.org/a"))
    assert refused.value.existing == first
    store.add_topic(new_topic(url="https://x.org/a", meeting=NEXT))  # another meeting: fine
    store.set_status(first.id, TopicStatus.WITHDRAWN)
    again = store.add_topic(new_topic(url="https://x.org/a"))
    with pytest.raises(DuplicateSourceError):
        store.set_status(first.id, TopicStatus.ACTIVE)  # restoring re-checks
    with pytest.raises(DuplicateSourceError):
        store.update_topic(
            store.add_topic(new_topic(meeting=NEXT)).id,
            meeting=MEETING,
            url="https://x.org/a",
            normalized_url="https://x.org/a",
        )
    assert [t.id for t in store.topics_for_meeting(MEETING)] == [again.id]
    everything = store.topics_for_meeting(MEETING, include_withdrawn=True)
    assert [t.id for t in everything] == [first.id, again.id]


def test_topics_are_listed_in_their_orders(store: Store, new_topic: NewTopicFactory) -> None:
    late = store.add_topic(new_topic(meeting=NEXT))
    a = store.add_topic(new_topic())
    b = store.add_topic(new_topic())
    old = store.add_topic(new_topic(meeting=EARLIER))
    gone = store.set_status(store.add_topic(new_topic()).id, TopicStatus.WITHDRAWN)
    assert [t.id for t in store.topics_for_meeting(MEETING)] == [a.id, b.id]
    mine = store.topics_of_presenter("U1")
    assert [t.id for t in mine] == [late.id, a.id, b.id, old.id]
    assert [t.id for t in store.topics_of_presenter("U1", MEETING)] == [a.id, b.id]
    with_gone = store.topics_of_presenter("U1", MEETING, include_withdrawn=True)
    assert [t.id for t in with_gone] == [a.id, b.id, gone.id]
    assert [t.id for t in store.all_topics()] == [old.id, a.id, b.id, late.id]
    assert [t.id for t in store.all_topics(MEETING, include_withdrawn=True)] == [
        a.id,
        b.id,
        gone.id,
        late.id,
    ]
    assert store.topics_of_presenter("U9") == []


def test_a_topic_changes_only_in_what_is_given(store: Store, new_topic: NewTopicFactory) -> None:
    topic = store.add_topic(new_topic(minutes=15))
    with pytest.raises(ValueError):
        store.update_topic(topic.id, url="https://x.org/new")
    with pytest.raises(NotFoundError):
        store.update_topic(999, title="x")
    renamed = store.update_topic(topic.id, title="New", notes=[Note("n")])
    assert renamed == dataclasses.replace(topic, title="New", notes=(Note("n"),))
    moved = store.update_topic(topic.id, meeting=NEXT, minutes=None)
    assert (moved.meeting, moved.minutes, moved.title) == (NEXT, None, "New")
    assert store.get_topic(topic.id) == moved
    presented = store.set_status(topic.id, TopicStatus.PRESENTED)
    assert presented.status == TopicStatus.PRESENTED
    with pytest.raises(NotFoundError):
        store.get_topic(999)


def test_cards_and_sources(store: Store, new_topic: NewTopicFactory) -> None:
    old = store.add_topic(new_topic(meeting=EARLIER, url="https://x.org/p"))
    topic = store.add_topic(new_topic(url="https://x.org/p"))
    carded = store.set_card(topic.id, "C1", "1715000000.000100")
    assert (carded.card_channel, carded.card_ts) == ("C1", "1715000000.000100")
    owner = store.card_owner("C1", "1715000000.000100")
    assert owner is not None and (owner.topic_id, owner.presenter_id) == (topic.id, "U1")
    assert not owner.withdrawn and store.card_owner("C2", "1715000000.000100") is None
    store.set_status(topic.id, TopicStatus.WITHDRAWN)
    withdrawn = store.card_owner("C1", "1715000000.000100")
    assert withdrawn is not None and withdrawn.withdrawn
    with pytest.raises(NotFoundError):
        store.set_card(999, "C1", "1.0")
    assert [t.id for t in store.earlier_topics_with_url("https://x.org/p", NEXT)] == [old.id]
    assert store.earlier_topics_with_url("https://x.org/p", EARLIER) == []


def test_search_folds_filters_and_pages(
    store: Store, new_topic: NewTopicFactory, clock: FakeClock
) -> None:
    old = store.add_topic(new_topic(meeting=EARLIER, title="ConvNeXt V2", tag="論文"))
    new = store.add_topic(new_topic(title="Diffusion and CONVNEXT", tag="ブログ"))
    dated = store.add_topic(
        new_topic(meeting=NEXT, title="Old convnext", url="https://x.org/y", tag="x")
    )
    store.put_link_meta(_paper("https://x.org/y", 2020, clock))
    store.set_status(store.add_topic(new_topic(title="convnext gone")).id, TopicStatus.WITHDRAWN)
    found, total = store.search("ＣｏｎｖＮｅＸｔ")  # full-width, mixed case
    assert ([t.id for t in found], total) == ([dated.id, new.id, old.id], 3)
    assert found[0].paper is not None and found[0].paper.year == 2020
    page, total = store.search("convnext", limit=1, offset=1)
    assert ([t.id for t in page], total) == ([new.id], 3)
    assert [t.id for t in store.search("convnext", tag="論文")[0]] == [old.id]
    assert [t.id for t in store.search("", year=2020)[0]] == [dated.id]
    assert [t.id for t in store.search("", year=2024)[0]] == [new.id, old.id]
    assert store.search("  ") == ([], 0)
    assert store.search("山田 要点")[1] == 3  # presenter and notes are searched too


# -- votes and events -----------------------------------------------------------------


def test_reactions_apply_once_and_in_order(store: Store, new_topic: NewTopicFactory) -> None:
    topic = store.add_topic(new_topic())
    assert store.apply_reaction("Ev1", topic.id, "U2", "+1", True, "1700000002.0")
    assert not store.apply_reaction("Ev1", topic.id, "U2", "+1", False, "1700000003.0")
    assert store.apply_reaction("Ev0", topic.id, "U2", "+1", False, "1700000001.0")  # stale
    assert store.vote_count(topic.id) == 1
    assert store.apply_reaction("Ev2", topic.id, "U2", "+1::skin-tone-2", True)
    assert store.apply_reaction("Ev3", topic.id, "U2", "+1", False, "1700000004.0")
    assert store.get_topic(topic.id).votes == 1  # the toned reaction still stands
    assert store.apply_reaction("Ev4", topic.id, "U2", "+1::skin-tone-2", False)
    assert store.vote_count(topic.id) == 0
    with pytest.raises(NotFoundError):
        store.apply_reaction("Ev5", 999, "U2", "+1", True)
    assert store.apply_reaction("Ev5", topic.id, "U2", "+1", True)  # Ev5 was not recorded
    with pytest.raises(ValueError):
        store.apply_reaction("Ev6", topic.id, "U2", "a,b", True)
    with pytest.raises(NotFoundError):
        store.vote_count(999)


def test_reactions_are_replaced_and_events_forgotten(
    store: Store, new_topic: NewTopicFactory, clock: FakeClock
) -> None:
    topic = store.add_topic(new_topic())
    store.apply_reaction("Ev1", topic.id, "U2", "+1", True)
    added, removed = store.replace_reactions(topic.id, {"U3": ["+1"], "U4": [], "U5": ["fire"]})
    assert (added, removed) == (frozenset({"U3", "U5"}), frozenset({"U2"}))
    assert store.vote_count(topic.id) == 2
    with pytest.raises(NotFoundError):
        store.replace_reactions(999, {})
    clock.advance(hours=1)
    store.apply_reaction("Ev2", topic.id, "U2", "+1", True)
    assert store.forget_events_before(clock.now) == 1
    assert store.apply_reaction("Ev1", topic.id, "U2", "+1", False)  # forgotten: applies
    assert not store.apply_reaction("Ev2", topic.id, "U2", "+1", False)


# -- publications, job runs and leases ------------------------------------------------


def test_a_publication_is_claimed_once(store: Store, clock: FakeClock) -> None:
    assert store.get_publication(MEETING, "notion") is None
    with pytest.raises(NotFoundError):
        store.update_publication(MEETING, "notion", state="partial")
    with pytest.raises(NotFoundError):
        store.save_body_state(MEETING, "{}")
    first = store.claim_publication(MEETING, "notion", "a")
    clock.advance(seconds=5)
    assert store.claim_publication(MEETING, "notion", "b") == first
    assert store.load_body_state(MEETING) is None
    store.save_body_state(MEETING, '{"v": 1}')
    assert store.load_body_state(MEETING) == '{"v": 1}'
    done = store.update_publication(MEETING, "notion", external_id="p1", state="complete")
    assert done == dataclasses.replace(
        first, external_id="p1", state="complete", updated_at=clock.now
    )
    assert store.update_publication(MEETING, "notion", progress=3).external_id == "p1"
    assert store.get_publication(MEETING, "slack") is None
    assert store.meeting_dates() == [MEETING]


def test_job_runs_leases_and_dirty_marks(store: Store, clock: FakeClock) -> None:
    assert store.claim_job_run("reminder", "2024-05-16", "a")
    assert not store.claim_job_run("reminder", "2024-05-16", "b")
    assert store.lease_holder("publish") is None
    assert store.acquire_lease("publish", "a", TTL)
    assert store.acquire_lease("publish", "a", TTL)  # already ours
    assert not store.acquire_lease("publish", "b", TTL)
    assert store.acquire_lease("publish", "b", TTL, replacing="a")  # a is known dead
    assert not store.renew_lease("publish", "a")
    clock.advance(minutes=1)
    assert store.renew_lease("publish", "b")
    assert store.lease_holder("publish") == ("b", clock.now)
    assert store.held_leases() == [("publish", "b", clock.now)]
    clock.advance(minutes=3)
    assert store.acquire_lease("publish", "c", TTL)  # b stopped renewing
    store.release_lease("publish", "b")  # not b's any more: nothing happens
    assert store.lease_holder("publish") == ("c", clock.now)
    store.release_lease("publish", "c")
    assert store.lease_holder("publish") is None and store.held_leases() == []
    assert store.dirty_marks() == set()
    store.mark_dirty("publish", "a")
    store.mark_dirty("publish", "b")
    assert store.dirty_marks() == {"publish"}
    assert store.take_dirty("publish")
    assert not store.take_dirty("publish")


# -- link cache -----------------------------------------------------------------------


def test_link_metadata_is_cached_and_replaced(store: Store, clock: FakeClock) -> None:
    assert store.get_link_meta("https://x.org/p") is None
    store.put_link_meta(_paper("https://x.org/p", 2021, clock))
    replaced = dataclasses.replace(_paper("https://x.org/p", None, clock), ok=False)
    store.put_link_meta(replaced)
    assert store.get_link_meta("https://x.org/p") == replaced
    with pytest.raises(ValueError):
        store.put_link_meta(dataclasses.replace(replaced, fetched_at=dt.datetime(2024, 5, 1)))
