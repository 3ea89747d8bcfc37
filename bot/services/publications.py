"""The one writer of publication records: what went where, how far it got, what failed.

The cycle's publishing (``bot.services.publishing``) records through ``Publications``;
the Notion publisher reports its progress through a ``NotionRecord`` it is handed (the
``NotionJournal`` port) and writes nothing itself. Every change to a publication record
of either target is made here, in the same order and with the same fields as before
the split, so exactly-once keeps resting on the record: the page id is stored before
any block is written, the Slack ``ts`` as soon as the message exists.
"""

from __future__ import annotations

import datetime as dt

from bot.services.ports import PublicationRecords
from bot.store.records import Publication, PublicationTarget


class Publications:
    """The publishing service's side: claims, failures, incidents and completions."""

    def __init__(self, store: PublicationRecords) -> None:
        self._store = store

    def claim(self, meeting: dt.date, target: PublicationTarget, owner: str) -> Publication:
        """The record of ``meeting`` on ``target``, created (claimed) if there is none."""
        return self._store.claim_publication(meeting, target, owner)

    def failed(self, meeting: dt.date, target: PublicationTarget, error: str) -> None:
        self._store.update_publication(meeting, target, state="failed", last_error=error[:2000])

    def notified(self, meeting: dt.date, target: PublicationTarget) -> None:
        """The organisers have heard of this incident: not again until it recovers."""
        self._store.update_publication(meeting, target, incident_notified=True)

    def completed(
        self, meeting: dt.date, target: PublicationTarget, posted: tuple[str, str] | None = None
    ) -> None:
        """Out in full; ``posted`` is the message's (channel, ts) when it has one."""
        if posted is None:
            self._store.update_publication(
                meeting, target, state="complete", incident_notified=False, last_error=None
            )
            return
        channel, ts = posted
        self._store.update_publication(
            meeting,
            target,
            external_id=ts,
            channel=channel,
            state="complete",
            incident_notified=False,
            last_error=None,
        )


class NotionRecord:
    """The ``NotionJournal`` the Notion publisher reports to, kept in the store."""

    def __init__(self, store: PublicationRecords) -> None:
        self._store = store

    def begin(self, meeting: dt.date, owner: str) -> str | None:
        return self._store.claim_publication(meeting, "notion", owner).external_id

    def page_found(self, meeting: dt.date, page_id: str) -> None:
        self._store.update_publication(
            meeting, "notion", external_id=page_id, state="partial", progress=0
        )

    def writing(self, meeting: dt.date) -> None:
        self._store.update_publication(meeting, "notion", state="partial")

    def progress(self, meeting: dt.date, blocks: int) -> None:
        self._store.update_publication(meeting, "notion", progress=blocks)

    def completed(self, meeting: dt.date, blocks: int) -> None:
        self._store.update_publication(
            meeting, "notion", state="complete", progress=blocks, last_error=None
        )

    def failed(self, meeting: dt.date, error: str) -> None:
        self._store.update_publication(meeting, "notion", state="failed", last_error=error)

    def load_body(self, meeting: dt.date) -> str | None:
        return self._store.load_body_state(meeting)

    def save_body(self, meeting: dt.date, state: str) -> None:
        # The body lives on the meeting's record: make sure there is one.
        self._store.claim_publication(meeting, "notion", "ledger")
        self._store.save_body_state(meeting, state)
