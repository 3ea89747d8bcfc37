"""Persistence of studybot: SQLAlchemy models, migrations and the repository.

``Repository`` is imported on first use (PEP 562): it brings in ``sqlalchemy.orm``,
which a read on Core alone (``bot.store.reads.Reader``, ``studybot preview``) skips.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.store.db import Database, create_db_engine, migration_state, open_database
from bot.store.records import (
    UNSET,
    DuplicateSourceError,
    LinkMeta,
    NotFoundError,
    Publication,
    PublicationState,
    PublicationTarget,
    StoreError,
    TopicSource,
    Unset,
)

if TYPE_CHECKING:
    from bot.store.repository import Repository

__all__ = [
    "UNSET",
    "Database",
    "DuplicateSourceError",
    "LinkMeta",
    "NotFoundError",
    "Publication",
    "PublicationState",
    "PublicationTarget",
    "Repository",
    "StoreError",
    "TopicSource",
    "Unset",
    "create_db_engine",
    "migration_state",
    "open_database",
]


def __getattr__(name: str) -> Any:
    if name == "Repository":
        from bot.store.repository import Repository

        return Repository
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
