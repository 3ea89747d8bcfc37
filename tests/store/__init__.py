"""Tests of the persistence layer (bot.store)."""

from __future__ import annotations
