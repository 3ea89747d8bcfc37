"""The calendar part of the repository: meetings and their skips."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.core.model import Meeting
from bot.store import reads
from bot.store.base import StoreBase
from bot.store.convert import to_meeting
from bot.store.models import MeetingRow


class MeetingRepository(StoreBase):
    """Meeting rows: created on demand, marked skipped or held again."""

    def ensure_meeting(self, date: dt.date) -> Meeting:
        """Create the meeting row if missing and return it."""
        with self._write() as s:
            return to_meeting(self._ensure_meeting(s, date))

    def get_meeting(self, date: dt.date) -> Meeting | None:
        """The meeting of ``date``, if any topic or skip ever created it."""
        with self._reads.begin() as s:
            return reads.meeting(s, date)

    def set_skipped(self, date: dt.date, skipped: bool, reason: str | None = None) -> Meeting:
        """Mark a meeting skipped (with a reason) or held again."""
        with self._write() as s:
            row = self._ensure_meeting(s, date)
            row.skipped = skipped
            row.skip_reason = reason if skipped else None
            return to_meeting(row)

    def skipped_dates(self) -> set[dt.date]:
        """Every meeting date marked skipped."""
        with self._reads.begin() as s:
            return reads.skipped_dates(s)

    def meeting_dates(self) -> list[dt.date]:
        """Every known meeting date, oldest first."""
        with self._reads.begin() as s:
            return list(s.scalars(select(MeetingRow.date).order_by(MeetingRow.date)))
