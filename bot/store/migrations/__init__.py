"""Alembic migrations of the studybot schema (run by ``bot.store.db.open_database``)."""

from __future__ import annotations
