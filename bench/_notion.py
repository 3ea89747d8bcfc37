"""Notion helpers of the benchmarks: agendas, the request minimum, page comparison.

The request minimum follows the publisher's tests (``tests/notion/helpers.py``): one
request creates the page, the top level is appended in chunks of at most 100 blocks
and 1,000 block objects, and a block whose subtree is deeper than a request may carry
(three levels) or wider than 100 has its children appended by further requests.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.agenda import Agenda, compile_agenda
from bot.core.model import Note, Presenter, Topic
from tests.fakes import FakeNotion
from tests.fakes._http import HttpReply, HttpRequest

Block = dict[str, Any]
MEETING = dt.date(2024, 5, 16)
JST = dt.timezone(dt.timedelta(hours=9))
# Reads a first publish needs before writing: the database, its data source, the user
# list (presenter mentions) and a query for a page left by an earlier run.
FIRST_PUBLISH_READS = 4


def notes_for(n: int) -> list[Note]:
    """Notes as members write them: links, a long one, nesting up to five levels."""
    notes = [
        Note(f"要点 {n}: 日本語のimage-textペアを収集 [論文](https://arxiv.org/abs/2405.{n:05d})"),
        Note(f"詳細 {n}: ゼロショット画像分類で最も高い平均スコア", depth=1),
        Note(f"所感 {n}: https://example.org/notes/{n} が便利"),
    ]
    if n % 7 == 0:
        notes.append(Note(f"{n} " + "".join(f"長文{i}🎉とtext " for i in range(450))))
    if n % 5 == 0:
        notes += [Note(f"{n} 深さ{d}", depth=d) for d in range(4)]
    if n % 11 == 0:
        notes += [Note(f"{n} もっと深く{d}", depth=d) for d in range(5)]
    return notes


def agenda(topics: int = 60, members: int = 20) -> Agenda:
    """``topics`` topics from ``members`` members (with e-mails), every kind of note."""
    people = [
        Presenter(f"U{k:03d}", f"Member {k}", f"member{k}@example.com") for k in range(members)
    ]
    items = [
        Topic(
            id=n,
            meeting=MEETING,
            tag=("論文", "blog", "やってみた")[n % 3],
            title=f"Topic {n}: 高性能な日本語マルチモーダル基盤モデル",
            url=f"https://example.com/articles/{n}?ref=studybot",
            presenter=people[n % members],
            submitted_at=dt.datetime(2024, 5, 13, 9, 0, tzinfo=JST) + dt.timedelta(minutes=n),
            notes=tuple(notes_for(n)),
            votes=(n * 7) % 13,
        )
        for n in range(topics)
    ]
    return compile_agenda(MEETING, items)


# -- the fewest requests the limits allow ----------------------------------------------


def _kids(block: Block) -> list[Block]:
    return list(block[block["type"]].get("children") or [])


def _levels(block: Block) -> int:
    return 1 + max((_levels(c) for c in _kids(block)), default=0)


def _size(block: Block) -> int:
    return 1 + sum(_size(c) for c in _kids(block))


def _widest(block: Block) -> int:
    return max([len(_kids(block)), *(_widest(c) for c in _kids(block))])


def _whole(block: Block) -> bool:
    return _levels(block) <= 3 and _size(block) <= 1000 and _widest(block) <= 100


def _requests_for(blocks: Sequence[Block]) -> int:
    count, top, used = 0, 0, 0
    for block in blocks:
        cost = _size(block) if _whole(block) else 1
        if top == 0 or top == 100 or used + cost > 1000:
            count, top, used = count + 1, 0, 0
        top, used = top + 1, used + cost
    return count


def _deferred(block: Block) -> int:
    if _whole(block):
        return 0
    return _requests_for(_kids(block)) + sum(_deferred(c) for c in _kids(block))


def minimum_writes(blocks: Sequence[Block]) -> int:
    """Create the page, append the top level in full chunks, then the too-deep subtrees."""
    return 1 + _requests_for(blocks) + sum(_deferred(b) for b in blocks)


def count_blocks(blocks: Sequence[Block]) -> int:
    return sum(_size(b) for b in blocks)


# -- comparing a page with the agenda ------------------------------------------------------


def _rich(items: Sequence[Mapping[str, Any]]) -> str:
    out = []
    for item in items:
        if item.get("type") == "mention":
            out.append("@" + str(item["mention"]["user"]["id"]))
        else:
            link = item["text"].get("link") or {}
            out.append(f"{item['text']['content']}<{link.get('url') or ''}>")
    return "".join(out)


def _flatten(blocks: Sequence[Block], depth: int = 0) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    for block in blocks:
        kind = block["type"]
        payload = block[kind]
        out.append((depth, kind, _rich(payload.get("rich_text", []))))
        children = block.get("children") or payload.get("children") or []
        out += _flatten(children, depth + 1)
    return out


def compare(wanted: Sequence[Block], page_tree: Sequence[Block]) -> dict[str, int | bool]:
    """Blocks of ``wanted`` missing from the page (lost), extra ones, and order."""
    want, got = _flatten(wanted), _flatten(page_tree)
    lost = Counter(want) - Counter(got)
    extra = Counter(got) - Counter(want)
    return {
        "blocks_wanted": len(want),
        "blocks_on_page": len(got),
        "blocks_lost": sum(lost.values()),
        "blocks_extra": sum(extra.values()),
        "same_order": want == got,
    }


# -- a Notion that fails some requests ---------------------------------------------------


class FaultyNotion(FakeNotion):
    """FakeNotion that answers a seeded share of requests 429 or 503 (its fault hooks)."""

    def __init__(self, token: str, *, fault_rate: float, seed: int, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self.fault_rate = fault_rate
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        self.injected: Counter[int] = Counter()

    def handle(self, request: HttpRequest) -> HttpReply:
        with self._rng_lock:
            if self._rng.random() < self.fault_rate:
                status = self._rng.choice((429, 503))
                self.fail_next(1, status=status)
                self.injected[status] += 1
        return super().handle(request)
