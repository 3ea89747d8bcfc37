"""The weekly cycle: which meeting a topic belongs to, and when each step happens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _never(_: dt.date) -> bool:
    return False


@dataclass(frozen=True)
class Cycle:
    """The group's weekly rhythm, in its own time zone."""

    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Tokyo"))
    meeting_weekday: int = 3
    meeting_time: dt.time = dt.time(17, 0)
    publish_time: dt.time = dt.time(10, 0)
    skip_dates: frozenset[dt.date] = frozenset()
    is_holiday: Callable[[dt.date], bool] = _never

    def local(self, date: dt.date, time: dt.time) -> dt.datetime:
        """An aware instant for a wall-clock time on ``date`` (DST gaps move forward)."""
        naive = dt.datetime.combine(date, time)
        aware = naive.replace(tzinfo=self.tz)
        # A wall time inside a DST gap does not exist; round-trip through UTC fixes it.
        return aware.astimezone(dt.UTC).astimezone(self.tz)

    def meeting_start(self, date: dt.date) -> dt.datetime:
        return self.local(date, self.meeting_time)

    def publish_at(self, date: dt.date) -> dt.datetime:
        return self.local(date, self.publish_time)

    def is_skipped(self, date: dt.date) -> bool:
        return date in self.skip_dates or self.is_holiday(date)

    def skip_reason(self, date: dt.date) -> str | None:
        if date in self.skip_dates:
            return "configured"
        if self.is_holiday(date):
            return "holiday"
        return None

    def meeting_on_or_after(self, date: dt.date, *, include_skipped: bool = False) -> dt.date:
        """The first meeting weekday on or after ``date`` that is held."""
        ahead = (self.meeting_weekday - date.weekday()) % 7
        candidate = date + dt.timedelta(days=ahead)
        for _ in range(60):
            if include_skipped or not self.is_skipped(candidate):
                return candidate
            candidate += dt.timedelta(days=7)
        raise ValueError("no meeting is held in the next 60 weeks")

    def following(self, date: dt.date) -> dt.date:
        """The next held meeting after ``date``."""
        return self.meeting_on_or_after(date + dt.timedelta(days=1))


@dataclass(frozen=True, slots=True)
class Assignment:
    """The meeting a topic goes to, and whether it arrives after the agenda went out."""

    meeting: dt.date
    late: bool


def assign_meeting(instant: dt.datetime, cycle: Cycle) -> Assignment:
    """The next meeting that has not started; late if its agenda is already published."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    local = instant.astimezone(cycle.tz)
    meeting = cycle.meeting_on_or_after(local.date())
    while instant >= cycle.meeting_start(meeting):
        meeting = cycle.following(meeting)
    return Assignment(meeting=meeting, late=instant >= cycle.publish_at(meeting))


def upcoming_meeting(instant: dt.datetime, cycle: Cycle) -> dt.date:
    """The meeting the group is preparing for at ``instant``."""
    return assign_meeting(instant, cycle).meeting


def parse_weekday(text: str) -> int:
    """``thu`` / ``Thursday`` / ``木`` to 0..6 (Monday = 0)."""
    key = text.strip().lower()
    jp = "月火水木金土日"
    if len(key) >= 1 and key[0] in jp and (len(key) == 1 or key[1:] in ("曜", "曜日")):
        return jp.index(key[0])
    for index, name in enumerate(WEEKDAYS):
        if key[:3] == name and (len(key) == 3 or name.startswith(key[:3])):
            return index
    raise ValueError(f"unknown weekday: {text!r}")
