"""The repository: one short transaction per method, frozen values in and out.

Its methods live with their aggregate (``meetings``, ``topics``, ``votes``,
``publications``, ``leases``, ``link_cache``); ``Repository`` offers all of them on one
database and clock. The services depend on the Protocols of ``bot.services.ports``.
"""

from __future__ import annotations

from bot.store.leases import LeaseRepository
from bot.store.link_cache import LinkCacheRepository
from bot.store.meetings import MeetingRepository
from bot.store.publications import PublicationRepository
from bot.store.topics import TopicRepository
from bot.store.votes import VoteRepository


class Repository(
    MeetingRepository,
    TopicRepository,
    VoteRepository,
    PublicationRepository,
    LeaseRepository,
    LinkCacheRepository,
):
    """Typed persistence operations used by the services."""
