"""The block operations on a page: append (checked after unclear failures), rewrite,
delete, and reading a page's body back as hashes."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.core.i18n import Language, t
from bot.notion.blocks import Block
from bot.notion.client import NotionApi, list_children
from bot.notion.errors import NotionRejected, NotionUnavailable, Where, _Drift
from bot.notion.ledger import _Body, _Entry
from bot.notion.tree import (
    _MANAGED,
    _NO_KIDS,
    _UNKNOWN,
    _kids_hash,
    _Node,
    _own_hash,
    _tree_hash,
    pack,
)

log = logging.getLogger("bot.notion.publisher")


class PageBlocks:
    """Block requests on pages and blocks, through one paced and retried API."""

    def __init__(self, api: NotionApi, lang: Language) -> None:
        self._api = api
        self._lang = lang

    def append_tree(self, parent_id: str, children: Sequence[_Node]) -> None:
        """Children of a block sent bare; deeper ones follow the same way."""
        known: set[str] = set()
        last: str | None = None
        for chunk in pack(children):
            ids = self.append(parent_id, [n.sent for n in chunk], None, known, "block", last)
            known.update(ids)
            last = ids[-1]
            for bid, item in zip(ids, chunk, strict=True):
                if not item.fits:
                    self.append_tree(bid, item.children)

    def append(
        self,
        parent_id: str,
        blocks: list[Block],
        after: str | None,
        known: set[str],
        where: Where,
        last: str | None = None,
    ) -> list[str]:
        body: dict[str, Any] = {"children": blocks}
        if after is not None:
            body["after"] = after
        anchor = after if after is not None else last

        def verify() -> dict[str, Any] | None:
            return self._landed(parent_id, len(blocks), anchor, known, where)

        try:
            answer = self._api.call(
                "PATCH",
                f"blocks/{parent_id}/children",
                where=where,
                subject=parent_id,
                body=body,
                verify=verify,
            )
        except NotionRejected as exc:
            if after is not None and (after in exc.detail or exc.status == 404):
                raise _Drift from exc
            raise
        ids = [str(block["id"]) for block in answer.get("results", [])]
        if len(ids) != len(blocks):
            raise NotionUnavailable(
                t(self._lang, "notion_publish_unavailable", detail="short answer")
            )
        return ids

    def _landed(
        self, parent_id: str, count: int, anchor: str | None, known: set[str], where: Where
    ) -> dict[str, Any] | None:
        """After an unclear failure: did the append arrive? Its blocks, or None to resend."""
        listed = [b for b in self.children(parent_id, where) if b.get("type") in _MANAGED]
        ids = [str(b["id"]) for b in listed]
        new = [k for k, bid in enumerate(ids) if bid not in known]
        if not new:
            return None
        first = new[0]
        in_place = anchor is None or (first > 0 and ids[first - 1] == anchor)
        if len(new) == count and new == list(range(first, first + count)) and in_place:
            return {"results": [{"id": ids[k]} for k in new]}
        for k in new:  # not ours as sent: clear it and send again
            self.delete(ids[k])
        return None

    def rewrite(self, entry: _Entry, item: _Node) -> _Entry:
        try:
            self._api.call(
                "PATCH",
                f"blocks/{entry.block_id}",
                where="block",
                body={item.kind: item.bare[item.kind]},
            )
        except NotionRejected as exc:
            if exc.status == 404 or "archived" in exc.detail:
                raise _Drift from exc
            raise
        return replace(entry, own=item.own)

    def delete(self, block_id: str) -> None:
        try:
            self._api.call("DELETE", f"blocks/{block_id}", where="block")
        except NotionRejected as exc:
            if exc.status != 404 and "archived" not in exc.detail:
                raise  # otherwise it is gone already, which is what we wanted

    def read_back(self, body: _Body, nodes: Sequence[_Node]) -> list[_Entry]:
        """The page's top-level blocks, hashed from what Notion holds.

        Blocks this publisher wrote and recorded keep their hashes. Others are hashed
        from the listing; the children of a block are read only when its own content
        is one the new body wants with children, since only then can it be kept.
        """
        known = {e.block_id: e for e in body.entries if e.settled}
        wanted = {item.own for item in nodes if item.children}
        entries: list[_Entry] = []
        reads = 0
        for block in self.children(body.page_id, "page"):
            kind = str(block.get("type"))
            if kind not in _MANAGED:
                continue
            block_id = str(block["id"])
            entry = known.get(block_id)
            if entry is None:
                own = _own_hash(kind, block.get(kind) or {})
                kids = _NO_KIDS
                if block.get("has_children"):
                    kids = _UNKNOWN
                    if own in wanted:
                        kids, reads = self._read_kids(block_id), reads + 1
                entry = _Entry(block_id, kind, own, kids)
            entries.append(entry)
        log.info(
            "notion_body_read_back",
            extra={"page_id": body.page_id, "blocks": len(entries), "subtrees_read": reads},
        )
        return entries

    def _read_kids(self, block_id: str) -> str:
        trees = []
        for child in self.children(block_id, "block"):
            kind = str(child.get("type"))
            own = _own_hash(kind, child.get(kind) or {})
            kids = self._read_kids(str(child["id"])) if child.get("has_children") else _NO_KIDS
            trees.append(_tree_hash(own, kids))
        return _kids_hash(trees)

    def children(self, block_id: str, where: Where) -> list[dict[str, Any]]:
        return list_children(self._api, block_id, where)
