"""Persistence of studybot: SQLAlchemy models, migrations and the repository."""

from __future__ import annotations

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
