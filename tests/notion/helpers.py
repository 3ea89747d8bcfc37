"""Agendas to publish, the wanted page shape, the request minimum and crashing clients."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.core.agenda import Agenda, compile_agenda
from bot.core.model import Note, Presenter, Topic
from bot.notion.blocks import agenda_blocks
from tests.fakes import FakeNotion, NotionRequest

MEETING = dt.date(2024, 5, 16)
JST = dt.timezone(dt.timedelta(hours=9))
TITLE = "2024-05-16 機械学習勉強会"

Block = dict[str, Any]


class Crash(BaseException):
    """The process dies here (nothing may catch it on the way up)."""


def member(k: int, email: str | None = None) -> Presenter:
    return Presenter(f"U{k:03d}", f"Member {k}", email or f"member{k}@example.com")


def topic(n: int, presenter: Presenter, *, votes: int = 0, notes: Sequence[Note] = ()) -> Topic:
    return Topic(
        id=n,
        meeting=MEETING,
        tag=("論文", "blog", "やってみた")[n % 3],
        title=f"Topic {n}: 高性能な日本語マルチモーダル基盤モデル",
        url=f"https://example.com/articles/{n}?ref=studybot",
        presenter=presenter,
        submitted_at=dt.datetime(2024, 5, 13, 9, 0, tzinfo=JST) + dt.timedelta(minutes=n),
        notes=tuple(notes),
        votes=votes,
    )


def notes_for(n: int) -> list[Note]:
    """Varied notes: links, long text (> 2,000 UTF-16 units), nesting up to 5 levels."""
    notes = [
        Note(f"要点 {n}: 日本語のimage-textペアを収集 [論文](https://arxiv.org/abs/2405.{n:05d})"),
        Note(f"詳細 {n}: ゼロショット画像分類で最も高い平均スコア", depth=1),
        Note(f"所感 {n}: https://example.org/notes/{n} が便利"),
    ]
    if n % 7 == 0:
        long = "".join(f"長文{i}🎉とtext " for i in range(450))  # emoji: 2 UTF-16 units
        notes.append(Note(f"{n} {long}"))
    if n % 5 == 0:
        notes += [Note(f"{n} 深さ{d}", depth=d) for d in range(4)]  # 4 levels
    if n % 11 == 0:
        notes += [Note(f"{n} もっと深く{d}", depth=d) for d in range(5)]  # 5 levels
    return notes


def big_agenda(count: int = 60, members: int = 20) -> Agenda:
    """``count`` topics from ``members`` members, every kind of note in the mix."""
    people = [member(k) for k in range(members)]
    topics = [
        topic(n, people[n % members], votes=(n * 7) % 13, notes=notes_for(n)) for n in range(count)
    ]
    return compile_agenda(MEETING, topics)


def small_agenda(votes: Mapping[int, int] | None = None, extra: Sequence[Topic] = ()) -> Agenda:
    """Six topics from three members; ``votes`` overrides per topic id."""
    people = [member(k) for k in range(3)]
    counts = {n: 10 - n for n in range(6)} | dict(votes or {})
    topics = [topic(n, people[n % 3], votes=counts[n], notes=notes_for(n)) for n in range(6)]
    return compile_agenda(MEETING, [*topics, *extra])


def with_topics(agenda: Agenda, change: Callable[[Topic], Topic | None]) -> Agenda:
    """The agenda recompiled after ``change`` (None drops a topic)."""
    kept = [t for t in (change(t) for t in agenda.ranked) if t is not None]
    return compile_agenda(agenda.meeting, kept, agenda.group_name)


def votes_changed(agenda: Agenda, **by_id: int) -> Agenda:
    ids = {int(k.removeprefix("t")): v for k, v in by_id.items()}
    return with_topics(
        agenda, lambda t: dataclasses.replace(t, votes=ids[t.id]) if t.id in ids else t
    )


# -- the shape of a page ---------------------------------------------------------------


def _rich(items: Sequence[Mapping[str, Any]]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for item in items:
        if item.get("type") == "mention":
            out.append(("@" + item["mention"]["user"]["id"], None))
        else:
            link = item["text"].get("link") or {}
            out.append((item["text"]["content"], link.get("url")))
    return out


def wanted_shape(blocks: Sequence[Block]) -> list[Any]:
    """What the page must hold: type, rich text and children of every block, in order."""
    shape = []
    for block in blocks:
        kind = block["type"]
        payload = block[kind]
        shape.append(
            (kind, _rich(payload.get("rich_text", [])), wanted_shape(payload.get("children", [])))
        )
    return shape


def page_shape(tree: Sequence[Block]) -> list[Any]:
    """The same shape read from ``FakeNotion.page_tree``."""
    return [
        (n["type"], _rich(n[n["type"]].get("rich_text", [])), page_shape(n["children"]))
        for n in tree
    ]


def assert_page_is(
    fake: FakeNotion, page_id: str, agenda: Agenda, users: Mapping[str, str] | None = None
) -> None:
    assert page_shape(fake.page_tree(page_id)) == wanted_shape(agenda_blocks(agenda, "ja", users))


# -- the fewest requests Notion's limits allow -------------------------------------------


def _kids(block: Block) -> list[Block]:
    return list(block[block["type"]].get("children") or [])


def _levels(block: Block) -> int:
    return 1 + max((_levels(c) for c in _kids(block)), default=0)


def _size(block: Block) -> int:
    return 1 + sum(_size(c) for c in _kids(block))


def _widest(block: Block) -> int:
    return max([len(_kids(block)), *(_widest(c) for c in _kids(block))])


def whole(block: Block) -> bool:
    """One request may carry the block with its subtree: two levels below, 100 per array."""
    return _levels(block) <= 3 and _size(block) <= 1000 and _widest(block) <= 100


def requests_for(blocks: Sequence[Block]) -> int:
    """Requests to append ``blocks`` to one parent: ≤ 100 top blocks, ≤ 1,000 in all."""
    count, top, used = 0, 0, 0
    for block in blocks:
        cost = _size(block) if whole(block) else 1
        if top == 0 or top == 100 or used + cost > 1000:
            count, top, used = count + 1, 0, 0
        top, used = top + 1, used + cost
    return count


def deferred(block: Block) -> int:
    """Extra requests for a block too deep or too wide to go whole: its children follow."""
    if whole(block):
        return 0
    return requests_for(_kids(block)) + sum(deferred(c) for c in _kids(block))


def minimum_writes(blocks: Sequence[Block]) -> int:
    """Create the page, append the top level in full chunks, then the too-deep subtrees."""
    return 1 + requests_for(blocks) + sum(deferred(b) for b in blocks)


def writes(requests: Sequence[NotionRequest]) -> list[NotionRequest]:
    """Requests that create the page or append blocks."""
    return [
        r
        for r in requests
        if (r.method, r.path) == ("POST", "/v1/pages")
        or (r.method == "PATCH" and r.path.endswith("/children"))
    ]


def ceil_div(a: int, b: int) -> int:
    return math.ceil(a / b)


# -- clients that crash or lose answers ---------------------------------------------------


class Interrupting:
    """Wraps a client: the ``nth`` request matching ``method``/``path`` raises ``error``.

    With ``deliver`` the request reaches Notion first, so only the answer is lost.
    """

    def __init__(
        self,
        inner: Any,
        method: str,
        path: str,
        nth: int,
        error: BaseException,
        *,
        deliver: bool = False,
    ) -> None:
        self.inner = inner
        self.method = method
        self.path = re.compile(path)
        self.nth = nth
        self.error = error
        self.deliver = deliver
        self.seen = 0

    def request(
        self,
        path: str,
        method: str,
        query: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any:
        if method == self.method and self.path.search(path):
            self.seen += 1
            if self.seen == self.nth:
                if self.deliver:
                    self.inner.request(path=path, method=method, query=query, body=body)
                raise self.error
        return self.inner.request(path=path, method=method, query=query, body=body)
