"""The jobs part of the repository: job runs claimed once, leases, and dirty marks."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.base import StoreBase, insert_ignore
from bot.store.models import JobRunRow

_LEASE = "lease"
_DIRTY = "dirty"


class LeaseRepository(StoreBase):
    """Rows of ``job_runs``: a run key per job, a named lease, or a lease's dirty mark."""

    def claim_job_run(self, job_id: str, run_key: str, owner: str) -> bool:
        """True for exactly one caller per ``(job_id, run_key)``, across processes."""
        try:
            with self._write() as s:
                s.add(
                    JobRunRow(
                        job_id=job_id, run_key=run_key, claimed_by=owner, claimed_at=self._clock()
                    )
                )
        except IntegrityError:
            return False
        return True

    def acquire_lease(
        self, name: str, owner: str, ttl: dt.timedelta, *, replacing: str | None = None
    ) -> bool:
        """Hold the named lease: free, already ours, not renewed within ``ttl`` (its
        holder stopped), or held by ``replacing`` (a holder the caller knows is dead).

        One conditional UPDATE decides, so of several replicas exactly one wins.
        """
        now = self._clock()
        free = (
            (JobRunRow.claimed_by == "")
            | (JobRunRow.claimed_by == owner)
            | (JobRunRow.claimed_at < now - ttl)
        )
        if replacing:
            free = free | (JobRunRow.claimed_by == replacing)
        with self._write() as s:
            insert_ignore(
                s,
                JobRunRow,
                {"job_id": _LEASE, "run_key": name, "claimed_by": "", "claimed_at": now},
            )
            won = s.execute(
                update(JobRunRow)
                .where(JobRunRow.job_id == _LEASE, JobRunRow.run_key == name, free)
                .values(claimed_by=owner, claimed_at=now)
            )
            return cast(CursorResult[Any], won).rowcount == 1

    def renew_lease(self, name: str, owner: str) -> bool:
        """Push the lease's expiry forward; False when ``owner`` no longer holds it."""
        with self._write() as s:
            renewed = s.execute(
                update(JobRunRow)
                .where(
                    JobRunRow.job_id == _LEASE,
                    JobRunRow.run_key == name,
                    JobRunRow.claimed_by == owner,
                )
                .values(claimed_at=self._clock())
            )
            return cast(CursorResult[Any], renewed).rowcount == 1

    def lease_holder(self, name: str) -> tuple[str, dt.datetime] | None:
        """Who holds the lease and since its last renewal, or None when it is free."""
        with self._reads.begin() as s:
            row = s.get(JobRunRow, (_LEASE, name))
            if row is None or not row.claimed_by:
                return None
            return row.claimed_by, row.claimed_at

    def held_leases(self) -> list[tuple[str, str, dt.datetime]]:
        """Every lease held now: (name, holder, last renewal), for `studybot status`."""
        with self._reads.begin() as s:
            rows = s.scalars(
                select(JobRunRow).where(JobRunRow.job_id == _LEASE, JobRunRow.claimed_by != "")
            ).all()
            return [(row.run_key, row.claimed_by, row.claimed_at) for row in rows]

    def release_lease(self, name: str, owner: str) -> None:
        """Give the lease back (only its holder can)."""
        with self._write() as s:
            s.execute(
                update(JobRunRow)
                .where(
                    JobRunRow.job_id == _LEASE,
                    JobRunRow.run_key == name,
                    JobRunRow.claimed_by == owner,
                )
                .values(claimed_by="")
            )

    def mark_dirty(self, name: str, owner: str) -> None:
        """Note that what the lease guards changed while someone else held it."""
        with self._write() as s:
            insert_ignore(
                s,
                JobRunRow,
                {
                    "job_id": _DIRTY,
                    "run_key": name,
                    "claimed_by": owner,
                    "claimed_at": self._clock(),
                },
            )

    def take_dirty(self, name: str) -> bool:
        """Clear the mark; True for exactly one caller when it was set."""
        with self._write() as s:
            gone = s.execute(
                delete(JobRunRow).where(JobRunRow.job_id == _DIRTY, JobRunRow.run_key == name)
            )
            return cast(CursorResult[Any], gone).rowcount == 1

    def dirty_marks(self) -> set[str]:
        """Every lease name marked dirty and not yet taken."""
        with self._reads.begin() as s:
            return set(s.scalars(select(JobRunRow.run_key).where(JobRunRow.job_id == _DIRTY)))
