"""The default clock: the one place that asks the system for the time."""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    """Now, timezone-aware in UTC; services and stores take it as their default clock."""
    return dt.datetime.now(dt.UTC)
