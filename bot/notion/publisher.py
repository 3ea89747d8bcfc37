"""Publishing an agenda to Notion: one page per meeting, written within Notion's limits.

The page body is written top-level block by top-level block. The publisher remembers,
per meeting, the id and a content hash of every top-level block it wrote, so a
re-publish deletes, rewrites or inserts only what changed. After a restart (or a crash
in the middle of a write) that memory is rebuilt from the page itself: the page's
top-level blocks are listed and compared by content, so nothing is duplicated and
unchanged blocks are kept.

This module only orchestrates; the parts live beside it: ``client`` (paced, retried
requests), ``errors`` (and their hints), ``tree`` (block hashes and request packing),
``planner`` (the cheapest edit), ``ledger`` (what was written), ``target`` (where pages
go) and ``pageops`` (the block requests). How far a publish got is reported to a
``NotionJournal`` it is handed; the services keep that record (``bot.services.publications``),
and nothing here touches the store.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from bot.core.agenda import Agenda
from bot.core.i18n import Language, t
from bot.notion.blocks import agenda_blocks, page_properties
from bot.notion.client import NotionApi, make_client
from bot.notion.errors import (
    NotionError,
    NotionPage,
    NotionRejected,
    NotionUnavailable,
    Where,
    _Drift,
    page_url,
)
from bot.notion.ledger import BodyLedger, MemoryLedger, RepoLedger, _Body, _Entry
from bot.notion.pageops import PageBlocks
from bot.notion.planner import _DELETE, _FILL, _INSERT, _KEEP, _REWRITE, OPS, plan
from bot.notion.target import Target, create_or_adopt, resolve_target
from bot.notion.tree import _NO_KIDS, _PENDING, _digest, _Node, node, pack
from bot.notion.users import NotionRequests, notion_user_ids
from bot.services.ports import NotionJournal

__all__ = [
    "BodyLedger",
    "MemoryLedger",
    "NotionError",
    "NotionPage",
    "NotionPublisher",
    "NotionRejected",
    "NotionUnavailable",
    "RepoLedger",
    "make_client",
    "page_url",
]

log = logging.getLogger(__name__)

USERS_TTL = 3600.0  # seconds the e-mail -> Notion user map is reused


class NotionPublisher:
    """Writes each meeting's agenda to one Notion page and keeps that page up to date."""

    def __init__(
        self,
        client: NotionRequests,
        journal: NotionJournal,
        *,
        database_id: str | None,
        parent_page_id: str | None,
        date_property: str | None,
        lang: Language,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        max_rate: float = 3.0,
        max_attempts: int = 6,
        ledger: BodyLedger | None = None,
    ) -> None:
        if not (database_id or parent_page_id):
            raise ValueError("set database_id or parent_page_id")
        if max_rate <= 0 or max_attempts < 1:
            raise ValueError("max_rate must be positive and max_attempts at least 1")
        options = getattr(client, "options", None)
        if options is not None and getattr(options, "retry", False) is not False:
            log.warning("notion_client_retry_enabled")  # build it with make_client()
        self._journal = journal  # the services own the record; this only reports
        self._database_id = database_id
        self._parent_page_id = parent_page_id
        self._date_property = date_property or None
        self._lang: Language = lang
        self._monotonic = monotonic
        ids: dict[Where, str] = {
            "database": database_id or "",
            "parent": parent_page_id or "",
        }
        self._api = NotionApi(
            client,
            lang=lang,
            ids=ids,
            sleep=sleep,
            monotonic=monotonic,
            max_rate=max_rate,
            max_attempts=max_attempts,
        )
        self._blocks = PageBlocks(self._api, lang)
        self._target: Target | None = None
        self._bot_id: str | None = None
        self._users: tuple[float, dict[str, str]] | None = None
        self._ledger: BodyLedger = ledger if ledger is not None else MemoryLedger()

    # -- public -------------------------------------------------------------------

    def publish(self, agenda: Agenda, owner: str) -> NotionPage:
        """Create or update the meeting's page; exactly one page whatever happened before.

        Raises NotionUnavailable (try again later) or NotionRejected (someone must fix
        the configuration or the sharing; the hint says how).
        """
        meeting = agenda.meeting
        sent = self._api.sent
        page_id = self._journal.begin(meeting, owner)
        log.info("notion_publish_started", extra={"meeting": str(meeting), "owner": owner})
        try:
            page = self._publish(agenda, page_id)
        except NotionError as exc:
            if isinstance(exc, NotionRejected):
                self._target = None  # the database may have been changed: look again
            self._journal.failed(meeting, exc.hint)
            log.warning(
                "notion_publish_failed",
                extra={
                    "meeting": str(meeting),
                    "error": exc.hint,
                    "transient": isinstance(exc, NotionUnavailable),
                    "requests": self._api.sent - sent,
                },
            )
            raise
        log.info(
            "notion_publish_completed",
            extra={
                "meeting": str(meeting),
                "page_id": page.page_id,
                "requests": self._api.sent - sent,
            },
        )
        return page

    # -- the steps ----------------------------------------------------------------

    def _publish(self, agenda: Agenda, page_id: str | None) -> NotionPage:
        meeting = agenda.meeting
        target = self._resolve()
        nodes = [node(b) for b in agenda_blocks(agenda, self._lang, self._mentions(agenda))]
        props = page_properties(target.title_property, target.date_property, agenda)
        props_hash = _digest(props)
        raw = self._ledger.load(meeting)
        body = _Body.load(raw) if raw else None
        if body is not None and body.page_id != page_id:
            body = None
        if page_id is None:
            page_id, created = self._create_or_adopt(target, agenda.title, props)
            self._journal.page_found(meeting, page_id)
            body = _Body(page_id, props_hash) if created else None
        if body is None:
            body = _Body(page_id, None, dirty=True)
        for round_ in (1, 2):
            if body.dirty:
                body.entries = self._blocks.read_back(body, nodes)
                body.dirty = False
            self._save(meeting, body)
            try:
                self._write(meeting, body, nodes, props, props_hash)
                break
            except _Drift:
                log.info("notion_page_drifted", extra={"meeting": str(meeting), "round": round_})
                body.dirty = True
        else:
            raise NotionUnavailable(t(self._lang, "notion_publish_page_changed"))
        self._journal.completed(meeting, len(body.entries))
        return NotionPage(page_id, page_url(page_id))

    def _write(
        self,
        meeting: dt.date,
        body: _Body,
        nodes: Sequence[_Node],
        props: dict[str, Any],
        props_hash: str,
    ) -> None:
        ops = plan(body.entries, nodes)
        changes = [op for op in ops if op[0] != _KEEP]
        if not changes and body.props == props_hash:
            return
        self._journal.writing(meeting)
        if body.props != props_hash:
            self._api.call(
                "PATCH",
                f"pages/{body.page_id}",
                where="page",
                subject=body.page_id,
                body={"properties": props},
            )
            body.props = props_hash
            self._save(meeting, body)
        counts = {name: sum(1 for op in ops if op[0] == code) for code, name in enumerate(OPS)}
        log.info("notion_body_plan", extra={"meeting": str(meeting), **counts})
        self._apply(meeting, body, nodes, ops)

    def _apply(
        self,
        meeting: dt.date,
        body: _Body,
        nodes: Sequence[_Node],
        ops: Sequence[tuple[int, int, int]],
    ) -> None:
        old = list(body.entries)
        for op, i, _ in ops:
            if op == _DELETE:
                self._save(meeting, body, dirty=True)  # gone or not, read it back
                self._blocks.delete(old[i].block_id)
                body.entries.remove(old[i])
                self._save(meeting, body)
        rest = list(body.entries)  # kept blocks not yet reached, in page order
        placed: list[_Entry] = []
        anchor: str | None = None
        run: list[_Node] = []
        for op, i, j in [*(o for o in ops if o[0] != _DELETE), (_KEEP, -1, -1)]:
            if op == _INSERT:
                run.append(nodes[j])
                continue
            if run:
                anchor = self._insert(meeting, body, run, anchor, placed, rest)
                run = []
            if i < 0:
                break
            entry = rest.pop(0)
            if entry is not old[i]:  # pragma: no cover - the plan keeps page order
                raise RuntimeError("plan out of page order")
            if op in (_REWRITE, _FILL) and entry.own != nodes[j].own:
                entry = self._blocks.rewrite(entry, nodes[j])  # idempotent: no dirty mark needed
            placed.append(entry)
            anchor = entry.block_id
            body.entries = placed + rest
            if op == _FILL:
                self._fill(meeting, body, placed, len(placed) - 1, nodes[j])
            elif op == _REWRITE:
                self._save(meeting, body)

    def _insert(
        self,
        meeting: dt.date,
        body: _Body,
        run: Sequence[_Node],
        anchor: str | None,
        placed: list[_Entry],
        rest: list[_Entry],
    ) -> str | None:
        for chunk in pack(run):
            known = {e.block_id for e in placed + rest}
            self._save(meeting, body, dirty=True)  # until recorded, the page may hold more
            ids = self._blocks.append(body.page_id, [n.sent for n in chunk], anchor, known, "page")
            fresh = [  # a bare block has no children yet: a fill gives them later
                _Entry(bid, n.kind, n.own, n.kids if n.fits else _NO_KIDS)
                for bid, n in zip(ids, chunk, strict=True)
            ]
            placed.extend(fresh)
            body.entries = placed + rest
            self._save(meeting, body)
            for entry, item in zip(fresh, chunk, strict=True):
                if not item.fits:
                    self._fill(meeting, body, placed, placed.index(entry), item)
            self._journal.progress(meeting, sum(1 for e in body.entries if e.settled))
            anchor = ids[-1]
        return anchor

    def _fill(
        self, meeting: dt.date, body: _Body, placed: list[_Entry], index: int, item: _Node
    ) -> None:
        """Append ``item``'s children to the placed block at ``index``, then record it."""
        entry = placed[index]
        body.entries[index] = placed[index] = replace(entry, kids=_PENDING)
        self._save(meeting, body, dirty=True)  # if this stops midway, read back what got there
        self._blocks.append_tree(entry.block_id, item.children)
        body.entries[index] = placed[index] = replace(entry, own=item.own, kids=item.kids)
        self._save(meeting, body)

    def _save(self, meeting: dt.date, body: _Body, *, dirty: bool = False) -> None:
        body.dirty = dirty
        self._ledger.save(meeting, body.dump())

    def _resolve(self) -> Target:
        """Where pages go (looked up once, and again after a refusal)."""
        if self._target is None:
            self._target = resolve_target(
                self._api,
                self._lang,
                database_id=self._database_id,
                parent_page_id=self._parent_page_id,
                date_property=self._date_property,
            )
        return self._target

    def _create_or_adopt(
        self, target: Target, title: str, props: dict[str, Any]
    ) -> tuple[str, bool]:
        return create_or_adopt(
            self._api, target, title, props, parent_page_id=self._parent_page_id, me=self._me
        )

    def _me(self) -> str:
        if self._bot_id is None:
            self._bot_id = str(self._api.call("GET", "users/me", where="users")["id"])
        return self._bot_id

    def _mentions(self, agenda: Agenda) -> dict[str, str]:
        """Slack user id -> Notion user id for presenters whose e-mail Notion knows."""
        emails = {
            s.presenter.user_id: s.presenter.email.strip().lower()
            for s in agenda.sections
            if s.presenter.email
        }
        if not emails:
            return {}
        now = self._monotonic()
        if self._users is None or now - self._users[0] > USERS_TTL:
            try:
                self._users = (now, notion_user_ids(self._api))
            except NotionError as exc:
                log.warning("notion_users_unavailable", extra={"error": exc.hint})
                return {}
        directory = self._users[1]
        return {uid: directory[email] for uid, email in emails.items() if email in directory}
