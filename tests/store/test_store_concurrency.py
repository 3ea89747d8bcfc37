"""Exactly-once guarantees under concurrent callers: threads over several engines."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest

from bot.core.model import NewTopic
from bot.store import Database, DuplicateSourceError, Repository, open_database

from .conftest import MEETING

NewTopicFactory = Callable[..., NewTopic]
REPLICAS = 3
THREADS_PER_REPLICA = 3
CALLERS = REPLICAS * THREADS_PER_REPLICA
T = TypeVar("T")


@pytest.fixture
def replicas(db_url: str) -> Iterator[list[Repository]]:
    """One repository per simulated replica, each with its own engine and pool."""
    databases: list[Database] = []
    try:
        for _ in range(REPLICAS):
            databases.append(open_database(db_url))
        yield [Repository(db) for db in databases for _ in range(THREADS_PER_REPLICA)]
    finally:
        for db in databases:
            db.dispose()


def _race(repos: list[Repository], call: Callable[[Repository, int], T]) -> list[T]:
    """Run ``call`` once per repository, all released at the same moment."""
    barrier = threading.Barrier(len(repos))

    def run(index: int) -> T:
        barrier.wait()
        return call(repos[index], index)

    with ThreadPoolExecutor(max_workers=len(repos)) as pool:
        return list(pool.map(run, range(len(repos))))


def test_claim_job_run_has_one_winner(replicas: list[Repository]) -> None:
    won = _race(replicas, lambda r, i: r.claim_job_run("publish", "2024-05-16", f"owner-{i}"))
    assert won.count(True) == 1


def test_claim_publication_has_one_winner(replicas: list[Repository]) -> None:
    claims = _race(replicas, lambda r, i: r.claim_publication(MEETING, "notion", f"owner-{i}"))
    assert len(set(claims)) == 1
    assert sum(f"owner-{i}" == c.claimed_by for i, c in enumerate(claims)) == 1


def test_same_event_applied_once(replicas: list[Repository], new_topic: NewTopicFactory) -> None:
    topic_id = replicas[0].add_topic(new_topic()).id
    applied = _race(replicas, lambda r, i: r.apply_reaction("Ev1", topic_id, "U2", "+1", True))
    assert applied.count(True) == 1
    assert replicas[0].voters(topic_id) == {"U2": frozenset({"+1"})}


def test_concurrent_emojis_of_one_member_all_kept(
    replicas: list[Repository], new_topic: NewTopicFactory
) -> None:
    topic_id = replicas[0].add_topic(new_topic()).id
    applied = _race(
        replicas, lambda r, i: r.apply_reaction(f"Ev{i}", topic_id, "U2", f"e{i}", True)
    )
    assert all(applied)
    assert replicas[0].voters(topic_id) == {"U2": frozenset(f"e{i}" for i in range(CALLERS))}


def test_concurrent_duplicate_submissions_store_one(
    replicas: list[Repository], new_topic: NewTopicFactory
) -> None:
    replicas[0].ensure_meeting(MEETING)  # an existing meeting: no insert to serialise on
    submissions = [new_topic(url="https://arxiv.org/abs/2301.00808") for _ in range(CALLERS)]

    def submit(repo: Repository, index: int) -> bool:
        try:
            repo.add_topic(submissions[index])
        except DuplicateSourceError:
            return False
        return True

    assert _race(replicas, submit).count(True) == 1
    assert len(replicas[0].topics_for_meeting(MEETING)) == 1
