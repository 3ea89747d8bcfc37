"""Type-checked by tests/test_layers.py: the concrete Repository is every store port."""

from __future__ import annotations

from bot.services.ports import (
    BodyStateStore,
    EventLog,
    JobRunStore,
    LeaseStore,
    LinkCacheStore,
    MeetingStore,
    PublicationStore,
    Store,
    TopicReader,
    TopicStore,
    VoteStore,
)
from bot.store import Repository
from tests.fakes.store import MemoryStore


def as_ports(repo: Repository) -> tuple[object, ...]:
    """Each assignment is an error for mypy if Repository stopped satisfying that port."""
    meetings: MeetingStore = repo
    reader: TopicReader = repo
    topics: TopicStore = repo
    votes: VoteStore = repo
    events: EventLog = repo
    publications: PublicationStore = repo
    body: BodyStateStore = repo
    leases: LeaseStore = repo
    runs: JobRunStore = repo
    links: LinkCacheStore = repo
    store: Store = repo
    return (meetings, reader, topics, votes, events, publications, body, leases, runs, links, store)


def fake_as_store(fake: MemoryStore) -> Store:
    """The in-memory fake satisfies every port too (Store includes them all)."""
    return fake
