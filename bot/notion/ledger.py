"""What the publisher knows of a page's body, and where it keeps that between runs."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Protocol

from bot.notion.tree import _PENDING, _UNKNOWN
from bot.services.ports import BodyStore


@dataclass(frozen=True, slots=True)
class _Entry:
    """A top-level block on the page: its id and the hashes of what it holds."""

    block_id: str
    kind: str
    own: str
    kids: str  # _UNKNOWN / _PENDING when the children are not known to be right

    @property
    def settled(self) -> bool:
        return self.kids not in (_UNKNOWN, _PENDING)


@dataclass
class _Body:
    """What is known of a page's body; ``dirty`` while an append may be unrecorded."""

    page_id: str
    props: str | None
    entries: list[_Entry] = field(default_factory=list)
    dirty: bool = False

    def dump(self) -> str:
        blocks = [[e.block_id, e.kind, e.own, e.kids] for e in self.entries]
        state = {"page_id": self.page_id, "props": self.props, "dirty": self.dirty}
        return json.dumps({**state, "blocks": blocks}, separators=(",", ":"))

    @classmethod
    def load(cls, raw: str) -> _Body:
        data = json.loads(raw)
        entries = [_Entry(*map(str, item)) for item in data["blocks"]]
        return cls(str(data["page_id"]), data["props"], entries, bool(data["dirty"]))


class BodyLedger(Protocol):
    """Where the publisher keeps, per meeting, the blocks it wrote (an opaque string).

    Without it nothing is lost but requests: the page is read back from Notion.
    """

    def load(self, meeting: dt.date) -> str | None: ...
    def save(self, meeting: dt.date, state: str) -> None: ...


class MemoryLedger:
    """The default ledger: lives as long as the process."""

    def __init__(self) -> None:
        self._states: dict[dt.date, str] = {}

    def load(self, meeting: dt.date) -> str | None:
        return self._states.get(meeting)

    def save(self, meeting: dt.date, state: str) -> None:
        self._states[meeting] = state


class RepoLedger:
    """The Notion publisher's memory of the body it wrote, kept in the database.

    ``repo`` is the journal the publisher reports to (``NotionRecord``), which keeps the
    body on the meeting's publication record.
    """

    def __init__(self, repo: BodyStore) -> None:
        self.repo = repo

    def load(self, meeting: dt.date) -> str | None:
        return self.repo.load_body(meeting)

    def save(self, meeting: dt.date, state: str) -> None:
        self.repo.save_body(meeting, state)
