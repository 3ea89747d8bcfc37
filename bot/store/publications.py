"""The publications part of the repository: where each meeting's agenda went, and how far."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.base import StoreBase, insert_ignore
from bot.store.convert import to_publication
from bot.store.models import PublicationRow
from bot.store.records import (
    UNSET,
    NotFoundError,
    Publication,
    PublicationState,
    PublicationTarget,
    Unset,
    as_state,
    as_target,
)


class PublicationRepository(StoreBase):
    """One record per meeting and target, claimed once, then updated by its claimant."""

    def claim_publication(
        self, meeting: dt.date, target: PublicationTarget, owner: str
    ) -> Publication:
        """Create the publication record, or return the existing one (check ``claimed_by``)."""
        now = self._clock()
        values = {
            "meeting_date": meeting,
            "target": as_target(target),
            "state": "claimed",
            "progress": 0,
            "claimed_by": owner,
            "claimed_at": now,
            "updated_at": now,
            "incident_notified": False,
        }
        with self._write() as s:
            self._ensure_meeting(s, meeting)
            insert_ignore(s, PublicationRow, values)
            return to_publication(self._publication_row(s, meeting, target))

    def update_publication(
        self,
        meeting: dt.date,
        target: PublicationTarget,
        *,
        external_id: str | Unset | None = UNSET,
        channel: str | Unset | None = UNSET,
        state: PublicationState | Unset = UNSET,
        progress: int | Unset = UNSET,
        last_error: str | Unset | None = UNSET,
        incident_notified: bool | Unset = UNSET,
    ) -> Publication:
        """Change the given fields of a claimed publication."""
        changes: dict[str, object] = {
            "external_id": external_id,
            "channel": channel,
            "state": state if isinstance(state, Unset) else as_state(state),
            "progress": progress,
            "last_error": last_error,
            "incident_notified": incident_notified,
        }
        with self._write() as s:
            row = self._publication_row(s, meeting, target, lock=True)
            for name, value in changes.items():
                if value is not UNSET:
                    setattr(row, name, value)
            row.updated_at = self._clock()
            s.flush()
            return to_publication(row)

    def load_body_state(self, meeting: dt.date) -> str | None:
        """What the Notion publisher last wrote for ``meeting`` (opaque to the store)."""
        with self._reads.begin() as s:
            try:
                return self._publication_row(s, meeting, "notion").body_state
            except NotFoundError:
                return None

    def save_body_state(self, meeting: dt.date, state: str) -> None:
        with self._write() as s:
            self._publication_row(s, meeting, "notion", lock=True).body_state = state

    def get_publication(self, meeting: dt.date, target: PublicationTarget) -> Publication | None:
        """The publication record, if one was claimed."""
        with self._reads.begin() as s:
            try:
                return to_publication(self._publication_row(s, meeting, target))
            except NotFoundError:
                return None

    def _publication_row(
        self, s: Session, meeting: dt.date, target: str, *, lock: bool = False
    ) -> PublicationRow:
        query = select(PublicationRow).where(
            PublicationRow.meeting_date == meeting, PublicationRow.target == target
        )
        row = s.scalars(query.with_for_update() if lock else query).one_or_none()
        if row is None:
            raise NotFoundError(f"no {target} publication for {meeting.isoformat()}")
        return row
