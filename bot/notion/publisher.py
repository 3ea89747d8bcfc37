"""Publishing an agenda to Notion: one page per meeting, written within Notion's limits.

The page body is written top-level block by top-level block. The publisher remembers,
per meeting, the id and a content hash of every top-level block it wrote, so a
re-publish deletes, rewrites or inserts only what changed. After a restart (or a crash
in the middle of a write) that memory is rebuilt from the page itself: the page's
top-level blocks are listed and compared by content, so nothing is duplicated and
unchanged blocks are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import Any, Literal, Protocol

import httpx
import notion_client
from notion_client.errors import HTTPResponseError, RequestTimeoutError

from bot.core.agenda import Agenda
from bot.core.i18n import Language
from bot.notion import NOTION_VERSION
from bot.notion.blocks import Block, agenda_blocks, page_properties
from bot.notion.users import NotionRequests, notion_user_ids
from bot.store import Repository

log = logging.getLogger(__name__)

MAX_CHILDREN = 100  # blocks in one children array
MAX_LEVELS = 3  # a request's blocks, their children and grandchildren
MAX_BLOCKS = 1000  # block objects in one request
# Notion refuses a request body over 500 KB (request limits). Bodies are measured as
# ASCII-escaped JSON, the largest form a client may send, with room for the envelope.
MAX_BODY_BYTES = 500_000
BODY_BUDGET = 450_000
PAGE_SIZE = 100
BASE_BACKOFF = 0.5  # seconds before the first retry of a failed request
MAX_BACKOFF = 30.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After gives up and lets the scheduler come back
USERS_TTL = 3600.0  # seconds the e-mail -> Notion user map is reused

# Block types the agenda is written with; anything else on the page (sub-pages,
# databases, files someone dropped in) is left where it is.
_MANAGED = frozenset(
    {
        "paragraph",
        "heading_1",
        "heading_2",
        "heading_3",
        "bulleted_list_item",
        "numbered_list_item",
        "to_do",
        "toggle",
        "quote",
        "callout",
        "divider",
        "code",
    }
)
_UNKNOWN = "?"  # children not read back from Notion: the block cannot be kept
_PENDING = "…"  # children still being written: the block cannot be kept

Where = Literal["database", "parent", "page", "block", "users"]


# -- results and errors -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NotionPage:
    """The meeting's agenda page."""

    page_id: str
    url: str


class NotionError(Exception):
    """A publish that did not complete; ``hint`` (and ``str()``) is for the organisers."""

    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint


class NotionUnavailable(NotionError):
    """Notion did not answer usefully (5xx, 429, time-outs) after bounded retries."""

    def __init__(self, hint: str, *, retry_after: float | None = None) -> None:
        super().__init__(hint)
        self.retry_after = retry_after


class NotionRejected(NotionError):
    """Notion refused a request (4xx); retrying will not help until someone fixes it."""

    def __init__(self, hint: str, *, status: int, code: str, detail: str = "") -> None:
        super().__init__(hint)
        self.status = status
        self.code = code
        self.detail = detail


class _Drift(Exception):
    """A block we remembered is gone (someone edited the page): re-read and plan again."""


_MESSAGES: dict[str, dict[Language, str]] = {
    "unauthorized": {
        "ja": "Notion がトークンを受け付けませんでした。NOTION_TOKEN にインテグレーションの"
        "シークレットを設定し直してください。",
        "en": "Notion refused the token. Set NOTION_TOKEN to the integration's secret again.",
    },
    "restricted": {
        "ja": "Notion インテグレーションに権限がありません（{detail}）。インテグレーションの設定で"
        "コンテンツの読み取り・更新・挿入を許可してください。",
        "en": "The Notion integration lacks a capability ({detail}). In its settings allow "
        "reading, updating and inserting content.",
    },
    "database_missing": {
        "ja": "Notion のデータベース {id} を開けません。データベースを開き、右上の「…」→"
        "「接続」からこのインテグレーションを追加して共有してください"
        "（NOTION_DATABASE_ID も確認してください）。",
        "en": "Notion database {id} is not accessible. Open it, choose “…” → “Connections” "
        "and add this integration (and check NOTION_DATABASE_ID).",
    },
    "parent_missing": {
        "ja": "Notion のページ {id} を開けません。ページを開き、右上の「…」→「接続」から"
        "このインテグレーションを追加して共有してください"
        "（NOTION_PARENT_PAGE_ID も確認してください）。",
        "en": "Notion page {id} is not accessible. Open it, choose “…” → “Connections” and "
        "add this integration (and check NOTION_PARENT_PAGE_ID).",
    },
    "page_missing": {
        "ja": "アジェンダのページ {id} を開けません。ゴミ箱にあれば復元し、インテグレーションと"
        "共有されているか確認してください。",
        "en": "The agenda page {id} is not accessible. Restore it from the trash if it is "
        "there, and check that it is shared with the integration.",
    },
    "invalid": {
        "ja": "Notion がアジェンダの書き込みを受け付けませんでした: {detail}",
        "en": "Notion refused to write the agenda: {detail}",
    },
    "no_data_source": {
        "ja": "Notion のデータベース {id} にデータソースがありません。",
        "en": "Notion database {id} has no data source.",
    },
    "no_title": {
        "ja": "Notion のデータベース {id} にタイトルのプロパティがありません。",
        "en": "Notion database {id} has no title property.",
    },
    "date_missing": {
        "ja": "NOTION_DATE_PROPERTY の「{name}」というプロパティがデータベースにありません"
        "（日付のプロパティ: {dates}）。名前を合わせるか、NOTION_DATE_PROPERTY を空にして"
        "ください。",
        "en": "The database has no property “{name}” named by NOTION_DATE_PROPERTY (date "
        "properties: {dates}). Fix the name, or leave NOTION_DATE_PROPERTY empty.",
    },
    "date_type": {
        "ja": "NOTION_DATE_PROPERTY の「{name}」は日付のプロパティではありません（種類: {kind}）。"
        "Notion でプロパティの種類を「日付」にするか、NOTION_DATE_PROPERTY を日付の"
        "プロパティにしてください。",
        "en": "“{name}”, named by NOTION_DATE_PROPERTY, is not a date property (it is "
        "{kind}). Make it a date property in Notion, or name a date property.",
    },
    "unavailable": {
        "ja": "Notion が応答しません（{detail}）。しばらくしてから自動で再試行します。",
        "en": "Notion is not answering ({detail}); it is retried automatically later.",
    },
    "block_limit": {
        "ja": "Notion ワークスペースのブロック数の上限に達したため、アジェンダを書き込めません"
        "（メンバーが2人以上の無料プランは API で作れるブロックが累計 1,000 個まで。削除しても"
        "戻りません）。ワークスペースを有料プランにするか、メンバーが1人のワークスペースに"
        "データベースを移してください。Slack のアジェンダはそのまま届きます。（{detail}）",
        "en": "The Notion workspace has reached its block limit, so the agenda cannot be "
        "written (Free workspaces with more than one member may create 1,000 blocks in all "
        "through the API; deleting blocks does not give them back). Upgrade the workspace, "
        "or move the database to a single-member workspace. The Slack agenda is still "
        "posted. ({detail})",
    },
    "page_changed": {
        "ja": "書き込み中にアジェンダのページが変更されました。自動で再試行します。",
        "en": "The agenda page changed while it was written; it is retried automatically.",
    },
}


def _say(lang: Language, key: str, **values: object) -> str:
    return _MESSAGES[key][lang].format(**values)


def make_client(
    token: str, base_url: str = "https://api.notion.com", *, timeout: float = 30.0
) -> notion_client.Client:
    """A notion-client for the publisher: its own retries are off, the publisher retries.

    notion-client 3.x retries 429 (and 5xx on GET/DELETE) by itself with ``time.sleep``
    and reads only whole-second Retry-After values; left on, it would multiply the
    attempts and hide the waits from the injected clock.
    """
    return notion_client.Client(
        auth=token,
        base_url=base_url,
        notion_version=NOTION_VERSION,
        retry=False,
        timeout_ms=int(timeout * 1000),
        logger=logging.getLogger("notion_client"),
        log_level=logging.ERROR,  # the publisher logs failures itself, with context
    )


def page_url(page_id: str) -> str:
    """The stable address of a page (Notion redirects it to the titled one)."""
    return f"https://www.notion.so/{page_id.replace('-', '')}"


# -- paced, retried requests ---------------------------------------------------------


class _Api:
    """Every Notion call: paced to ``max_rate`` a second, retried, errors classified.

    It also offers ``request(path, method, query, body)`` like ``notion_client.Client``,
    so helpers written against the client (``notion_user_ids``) get the same pacing.
    """

    def __init__(
        self,
        client: NotionRequests,
        *,
        lang: Language,
        ids: Mapping[Where, str],
        sleep: Callable[[float], None],
        monotonic: Callable[[], float],
        max_rate: float,
        max_attempts: int,
    ) -> None:
        self._client = client
        self._lang = lang
        self._ids = ids
        self._sleep = sleep
        self._monotonic = monotonic
        self._interval = 1.0 / max_rate
        self._max_attempts = max_attempts
        self._next = -math.inf  # earliest moment of the next request
        self.sent = 0

    def request(
        self,
        path: str,
        method: str,
        query: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any:
        return self.call(method, path, where="users", query=query, body=body)

    def call(
        self,
        method: str,
        path: str,
        *,
        where: Where,
        subject: str = "",
        query: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        verify: Callable[[], Any] | None = None,
    ) -> Any:
        """Send one request; ``verify`` marks a write that must not be sent twice.

        Such a write is re-sent after a failure that may have reached Notion (5xx,
        time-out, dropped connection) only once ``verify()`` has looked and returned
        None; what it returns otherwise is taken as the write's answer.
        """
        failure = ""
        for attempt in range(1, self._max_attempts + 1):
            self._pace()
            self.sent += 1
            try:
                return self._client.request(path=path, method=method, query=query, body=body)
            except HTTPResponseError as exc:
                status, code = exc.status, _code(exc)
                failure = f"{status} {code}"
                if status in (429, 529):
                    # 529 service_overload: Notion asks for the same handling as 429.
                    wait = _retry_after(exc.headers)
                    wait = self._backoff(attempt) if wait is None else wait
                    if wait > MAX_RETRY_AFTER:
                        hint = _say(self._lang, "unavailable", detail=failure)
                        raise NotionUnavailable(hint, retry_after=wait) from exc
                    maybe_applied = False
                elif status == 409 or status >= 500:
                    wait, maybe_applied = self._backoff(attempt), status != 409
                else:
                    raise self._rejected(exc, where, subject) from exc
            except (RequestTimeoutError, httpx.TransportError) as exc:
                failure = type(exc).__name__
                wait, maybe_applied = self._backoff(attempt), True
            if attempt == self._max_attempts:
                break
            log.info(
                "notion_request_retry",
                extra={"method": method, "path": path, "failure": failure, "attempt": attempt},
            )
            self._defer(wait)
            if maybe_applied and verify is not None:
                found = verify()
                if found is not None:
                    log.info("notion_write_landed", extra={"method": method, "path": path})
                    return found
        log.warning(
            "notion_request_gave_up",
            extra={"method": method, "path": path, "failure": failure, "attempts": attempt},
        )
        raise NotionUnavailable(_say(self._lang, "unavailable", detail=failure))

    def _pace(self) -> None:
        # A bucket of one token: requests are at least 1/max_rate apart, so a burst
        # can never exceed Notion's average of three a second.
        now = self._monotonic()
        if now < self._next:
            self._sleep(self._next - now)
            now = max(self._monotonic(), self._next)
        self._next = now + self._interval

    def _defer(self, seconds: float) -> None:
        self._next = max(self._next, self._monotonic() + seconds)

    @staticmethod
    def _backoff(attempt: int) -> float:
        return min(MAX_BACKOFF, BASE_BACKOFF * 2.0 ** (attempt - 1))

    def _rejected(self, exc: HTTPResponseError, where: Where, subject: str) -> NotionRejected:
        status, code, detail = exc.status, _code(exc), str(exc)
        if _block_limit(code, detail):
            hint = _say(self._lang, "block_limit", detail=detail)
        elif status == 401:
            hint = _say(self._lang, "unauthorized")
        elif status == 403:
            hint = _say(self._lang, "restricted", detail=detail)
        elif status == 404 and where in ("database", "parent"):
            key = "database_missing" if where == "database" else "parent_missing"
            hint = _say(self._lang, key, id=self._ids.get(where, ""))
        elif status == 404 and where == "page":
            hint = _say(self._lang, "page_missing", id=subject)
        else:
            hint = _say(self._lang, "invalid", detail=detail)
        return NotionRejected(hint, status=status, code=code, detail=detail)


def _block_limit(code: str, detail: str) -> bool:
    """Notion's refusal for a Free workspace past its lifetime block limit.

    Matched on the wording rather than one code: the published page describes the limit
    but not the error body, so any 4xx that names the block limit counts.
    """
    text = f"{code} {detail}".lower().replace("_", " ")
    return "block limit" in text or "block usage" in text


def _code(exc: HTTPResponseError) -> str:
    code = exc.code
    return str(code.value if isinstance(code, Enum) else code)


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds asked for by Retry-After: a number (maybe fractional) or an HTTP date."""
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


# -- content hashes and request packing ----------------------------------------------


def _digest(value: object) -> str:
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _rich_runs(items: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """Rich text as Notion stores it, independent of how it was split into objects."""
    runs: list[list[Any]] = []
    for item in items:
        kind = item.get("type") or next((k for k in ("text", "mention") if k in item), "")
        annotations = item.get("annotations") or {}
        marks = sorted(k for k, v in annotations.items() if v is True)
        color = annotations.get("color", "default")
        if kind == "text":
            body = item.get("text") or {}
            key = ["text", (body.get("link") or {}).get("url"), marks, color]
            content = str(body.get("content", ""))
            if runs and runs[-1][0] == key:
                runs[-1][1] += content
            else:
                runs.append([key, content])
        elif kind == "mention":
            mention = item.get("mention") or {}
            sort = mention.get("type") or next(iter(mention), "")
            value = mention.get(sort) or {}
            target = value.get("id") if isinstance(value, dict) and "id" in value else value
            runs.append([["mention", sort, marks, color], target])
        else:
            runs.append([[kind, marks, color], item.get(kind)])
    return runs


def _own_hash(kind: str, payload: Mapping[str, Any]) -> str:
    """Hash of a block without its children, the same for our payload and Notion's copy."""
    icon = payload.get("icon") if kind == "callout" else None
    emoji = icon.get("emoji") if isinstance(icon, dict) else None
    return _digest([kind, _rich_runs(payload.get("rich_text") or []), emoji])


def _kids_hash(trees: Sequence[str]) -> str:
    return _digest(list(trees))


def _tree_hash(own: str, kids: str) -> str:
    return _digest([own, kids])


_NO_KIDS = _kids_hash([])


@dataclass(frozen=True, slots=True)
class _Node:
    """One block of the wanted body with the facts the planner and packer need."""

    block: Block
    kind: str
    own: str
    kids: str
    children: tuple[_Node, ...]
    size: int  # blocks in the subtree, itself included
    levels: int  # 1 for a leaf
    widest: int  # longest children array in the subtree
    weight: int  # bytes of the whole subtree as JSON
    bare_weight: int  # bytes of the block without its children

    @property
    def tree(self) -> str:
        return _tree_hash(self.own, self.kids)

    @property
    def fits(self) -> bool:
        """Whether one request can carry the whole subtree."""
        return (
            self.levels <= MAX_LEVELS
            and self.size <= MAX_BLOCKS
            and self.widest <= MAX_CHILDREN
            and self.weight <= BODY_BUDGET
        )

    @property
    def bare(self) -> Block:
        payload = {k: v for k, v in self.block[self.kind].items() if k != "children"}
        return {**self.block, self.kind: payload}

    @property
    def sent(self) -> Block:
        """The block as one request carries it: whole, or bare and its children later."""
        return self.block if self.fits else self.bare

    @property
    def extra(self) -> int:
        """Requests needed after the one carrying this block, for children it cannot carry."""
        return 0 if self.fits else self.fill

    @property
    def fill(self) -> int:
        """Requests to append this block's children to it once it exists."""
        return len(pack(self.children)) + sum(child.extra for child in self.children)


def node(block: Block) -> _Node:
    """Wrap a builder block (recursively) with its hashes and shape."""
    kind = str(block["type"])
    payload: Mapping[str, Any] = block[kind]
    children = tuple(node(child) for child in payload.get("children") or [])
    return _Node(
        block=block,
        kind=kind,
        own=_own_hash(kind, payload),
        kids=_kids_hash([child.tree for child in children]),
        children=children,
        size=1 + sum(child.size for child in children),
        levels=1 + max((child.levels for child in children), default=0),
        widest=max([len(children), *(child.widest for child in children)]),
        weight=_json_size(block),
        bare_weight=_json_size(
            {**block, kind: {k: v for k, v in payload.items() if k != "children"}}
        ),
    )


def _json_size(value: object) -> int:
    # json.dumps' defaults are what httpx 0.27 sends (ASCII-escaped, spaced); 0.28 sends
    # compact UTF-8, never longer, so this measure is safe for both.
    return len(json.dumps(value))


def pack(nodes: Sequence[_Node]) -> list[list[_Node]]:
    """Cut a run of sibling blocks into the fewest requests Notion accepts, in order.

    A request holds at most 100 blocks at its top level, 1,000 in all and 500 KB of
    body; a block whose subtree is too deep, too wide or too heavy goes bare and its
    children follow in requests of their own (``_Node.extra``). Greedy filling is
    optimal for an ordered run.
    """
    chunks: list[list[_Node]] = []
    current: list[_Node] = []
    used = 0
    weight = 0
    for item in nodes:
        cost = item.size if item.fits else 1
        heavy = item.weight if item.fits else item.bare_weight
        full = len(current) == MAX_CHILDREN or used + cost > MAX_BLOCKS
        if current and (full or weight + heavy + 1 > BODY_BUDGET):
            chunks.append(current)
            current, used, weight = [], 0, 0
        current.append(item)
        used += cost
        weight += heavy + 1  # the comma between array items
    if current:
        chunks.append(current)
    return chunks


# -- what is on the page, and the plan to change it ----------------------------------


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


_DELETE, _INSERT, _KEEP, _REWRITE, _FILL = range(5)
OPS = ("delete", "insert", "keep", "rewrite", "fill")
_START, _FRONT_RUN, _AFTER, _RUN = range(4)  # planner states, see _align_middle
_RUN_COST = 1.0
_BLOCK_COST = 0.01  # one block's share of an append request


def _same(entry: _Entry, item: _Node) -> bool:
    return entry.settled and entry.own == item.own and entry.kids == item.kids


def _rewritable(entry: _Entry, item: _Node) -> bool:
    return entry.settled and entry.kind == item.kind and entry.kids == item.kids


def _fillable(entry: _Entry, item: _Node) -> bool:
    """A childless block that needs children (e.g. one whose children a failure cut off)."""
    return entry.kind == item.kind and entry.kids == _NO_KIDS and bool(item.children)


def plan(old: Sequence[_Entry], new: Sequence[_Node]) -> list[tuple[int, int, int]]:
    """The cheapest edit from ``old`` to ``new`` as ``(op, old index, new index)``.

    Costs: a delete 1 request, an in-place rewrite of a block's own content (children
    unchanged) 1, a fill (children appended to a childless block, maybe rewritten too)
    the requests its children take, a run of inserted blocks 1 plus a small share per
    block plus the requests for children too deep to go along. Kept blocks cost nothing. With API
    version 2025-09-03 a block can be inserted only ``after`` another, so no block may be
    inserted in front of a kept one.
    """
    m, n = len(old), len(new)
    head = 0
    while head < min(m, n) and _same(old[head], new[head]):
        head += 1
    tail = 0
    # With nothing kept in front, the middle may have to be rebuilt from the start,
    # which a kept tail would forbid: trim the tail only behind a kept head.
    while head and tail < min(m, n) - head and _same(old[m - 1 - tail], new[n - 1 - tail]):
        tail += 1
    ops = [(_KEEP, i, i) for i in range(head)]
    middle = _align_middle(
        old[head : m - tail],
        new[head : n - tail],
        start=_AFTER if head else _START,
        closed=tail > 0,
    )
    ops += [(op, i + head if i >= 0 else -1, j + head if j >= 0 else -1) for op, i, j in middle]
    ops += [(_KEEP, m - tail + k, n - tail + k) for k in range(tail)]
    return ops


def _align_middle(
    old: Sequence[_Entry], new: Sequence[_Node], *, start: int, closed: bool
) -> list[tuple[int, int, int]]:
    # Dynamic programme over (i old consumed, j new placed, state); states: _START
    # nothing placed, _FRONT_RUN inserting before any kept block (then nothing may be
    # kept), _AFTER just placed a kept block, _RUN inserting after one.
    rows, cols = len(old) + 1, len(new) + 1
    inf = math.inf
    cost = [[inf] * (rows * cols) for _ in range(4)]
    back = [[-1] * (rows * cols) for _ in range(4)]
    insert_cost = [_BLOCK_COST + item.extra for item in new]
    fill_cost = [float(item.fill) if item.children else 0.0 for item in new]
    cost[start][0] = 0.0

    def relax(state: int, cell: int, value: float, came: int) -> None:
        if value < cost[state][cell]:
            cost[state][cell] = value
            back[state][cell] = came

    for i in range(rows):
        for j in range(cols):
            cell = i * cols + j
            for state in range(4):
                here = cost[state][cell]
                if here == inf:
                    continue
                if i < len(old):
                    relax(state, cell + cols, here + 1.0, state * 8 + _DELETE)
                if j < len(new):
                    front = state in (_START, _FRONT_RUN)
                    opens = state in (_START, _AFTER)
                    value = here + insert_cost[j] + (_RUN_COST if opens else 0.0)
                    relax(_FRONT_RUN if front else _RUN, cell + 1, value, state * 8 + _INSERT)
                if i < len(old) and j < len(new) and state != _FRONT_RUN:
                    entry, item = old[i], new[j]
                    if _same(entry, item):
                        relax(_AFTER, cell + cols + 1, here, state * 8 + _KEEP)
                    elif _rewritable(entry, item):
                        relax(_AFTER, cell + cols + 1, here + 1.0, state * 8 + _REWRITE)
                    elif _fillable(entry, item):
                        value = here + fill_cost[j] + (entry.own != item.own)
                        relax(_AFTER, cell + cols + 1, value, state * 8 + _FILL)
    end = rows * cols - 1
    finals = [s for s in range(4) if not (closed and s == _FRONT_RUN)]
    state = min(finals, key=lambda s: cost[s][end])
    ops: list[tuple[int, int, int]] = []
    i, j = len(old), len(new)
    while (i, j) != (0, 0):
        came = back[state][i * cols + j]
        previous, op = divmod(came, 8)
        if op == _DELETE:
            i -= 1
            ops.append((op, i, -1))
        elif op == _INSERT:
            j -= 1
            ops.append((op, -1, j))
        else:
            i, j = i - 1, j - 1
            ops.append((op, i, j))
        state = previous
    ops.reverse()
    return ops


# -- the publisher -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Target:
    parent: dict[str, Any]
    title_property: str
    date_property: str | None
    data_source_id: str | None


class NotionPublisher:
    """Writes each meeting's agenda to one Notion page and keeps that page up to date."""

    def __init__(
        self,
        client: NotionRequests,
        repo: Repository,
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
        self._repo = repo
        self._database_id = database_id
        self._parent_page_id = parent_page_id
        self._date_property = date_property or None
        self._lang: Language = lang
        self._monotonic = monotonic
        ids: dict[Where, str] = {
            "database": database_id or "",
            "parent": parent_page_id or "",
        }
        self._api = _Api(
            client,
            lang=lang,
            ids=ids,
            sleep=sleep,
            monotonic=monotonic,
            max_rate=max_rate,
            max_attempts=max_attempts,
        )
        self._target: _Target | None = None
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
        record = self._repo.claim_publication(meeting, "notion", owner)
        log.info("notion_publish_started", extra={"meeting": str(meeting), "owner": owner})
        try:
            page = self._publish(agenda, record.external_id)
        except NotionError as exc:
            if isinstance(exc, NotionRejected):
                self._target = None  # the database may have been changed: look again
            self._repo.update_publication(meeting, "notion", state="failed", last_error=exc.hint)
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
            self._repo.update_publication(
                meeting, "notion", external_id=page_id, state="partial", progress=0
            )
            body = _Body(page_id, props_hash) if created else None
        if body is None:
            body = _Body(page_id, None, dirty=True)
        for round_ in (1, 2):
            if body.dirty:
                body.entries = self._read_back(body, nodes)
                body.dirty = False
            self._save(meeting, body)
            try:
                self._write(meeting, body, nodes, props, props_hash)
                break
            except _Drift:
                log.info("notion_page_drifted", extra={"meeting": str(meeting), "round": round_})
                body.dirty = True
        else:
            raise NotionUnavailable(_say(self._lang, "page_changed"))
        self._repo.update_publication(
            meeting, "notion", state="complete", progress=len(body.entries), last_error=None
        )
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
        self._repo.update_publication(meeting, "notion", state="partial")
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
                self._delete(old[i].block_id)
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
                entry = self._rewrite(entry, nodes[j])  # idempotent: no dirty mark needed
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
            ids = self._append(body.page_id, [n.sent for n in chunk], anchor, known, "page")
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
            self._repo.update_publication(
                meeting, "notion", progress=sum(1 for e in body.entries if e.settled)
            )
            anchor = ids[-1]
        return anchor

    def _fill(
        self, meeting: dt.date, body: _Body, placed: list[_Entry], index: int, item: _Node
    ) -> None:
        """Append ``item``'s children to the placed block at ``index``, then record it."""
        entry = placed[index]
        body.entries[index] = placed[index] = replace(entry, kids=_PENDING)
        self._save(meeting, body, dirty=True)  # if this stops midway, read back what got there
        self._append_tree(entry.block_id, item.children)
        body.entries[index] = placed[index] = replace(entry, own=item.own, kids=item.kids)
        self._save(meeting, body)

    def _save(self, meeting: dt.date, body: _Body, *, dirty: bool = False) -> None:
        body.dirty = dirty
        self._ledger.save(meeting, body.dump())

    def _append_tree(self, parent_id: str, children: Sequence[_Node]) -> None:
        """Children of a block sent bare; deeper ones follow the same way."""
        known: set[str] = set()
        last: str | None = None
        for chunk in pack(children):
            ids = self._append(parent_id, [n.sent for n in chunk], None, known, "block", last)
            known.update(ids)
            last = ids[-1]
            for bid, item in zip(ids, chunk, strict=True):
                if not item.fits:
                    self._append_tree(bid, item.children)

    def _append(
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
            raise NotionUnavailable(_say(self._lang, "unavailable", detail="short answer"))
        return ids

    def _landed(
        self, parent_id: str, count: int, anchor: str | None, known: set[str], where: Where
    ) -> dict[str, Any] | None:
        """After an unclear failure: did the append arrive? Its blocks, or None to resend."""
        listed = [b for b in self._children(parent_id, where) if b.get("type") in _MANAGED]
        ids = [str(b["id"]) for b in listed]
        new = [k for k, bid in enumerate(ids) if bid not in known]
        if not new:
            return None
        first = new[0]
        in_place = anchor is None or (first > 0 and ids[first - 1] == anchor)
        if len(new) == count and new == list(range(first, first + count)) and in_place:
            return {"results": [{"id": ids[k]} for k in new]}
        for k in new:  # not ours as sent: clear it and send again
            self._delete(ids[k])
        return None

    def _rewrite(self, entry: _Entry, item: _Node) -> _Entry:
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

    def _delete(self, block_id: str) -> None:
        try:
            self._api.call("DELETE", f"blocks/{block_id}", where="block")
        except NotionRejected as exc:
            if exc.status != 404 and "archived" not in exc.detail:
                raise  # otherwise it is gone already, which is what we wanted

    def _read_back(self, body: _Body, nodes: Sequence[_Node]) -> list[_Entry]:
        """The page's top-level blocks, hashed from what Notion holds.

        Blocks this publisher wrote and recorded keep their hashes. Others are hashed
        from the listing; the children of a block are read only when its own content
        is one the new body wants with children, since only then can it be kept.
        """
        known = {e.block_id: e for e in body.entries if e.settled}
        wanted = {item.own for item in nodes if item.children}
        entries: list[_Entry] = []
        reads = 0
        for block in self._children(body.page_id, "page"):
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
        for child in self._children(block_id, "block"):
            kind = str(child.get("type"))
            own = _own_hash(kind, child.get(kind) or {})
            kids = self._read_kids(str(child["id"])) if child.get("has_children") else _NO_KIDS
            trees.append(_tree_hash(own, kids))
        return _kids_hash(trees)

    def _children(self, block_id: str, where: Where) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query: dict[str, Any] = {"page_size": PAGE_SIZE}
            if cursor:
                query["start_cursor"] = cursor
            page = self._api.call(
                "GET", f"blocks/{block_id}/children", where=where, subject=block_id, query=query
            )
            out += [b for b in page.get("results", []) if not b.get("in_trash")]
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return out

    # -- target, existing page, mentions -----------------------------------------------

    def _resolve(self) -> _Target:
        """Where pages go and which properties hold the title and the date (by type)."""
        if self._target is not None:
            return self._target
        if not self._database_id:
            target = _Target({"page_id": self._parent_page_id}, "title", None, None)
        else:
            db_id = self._database_id
            database = self._api.call("GET", f"databases/{db_id}", where="database")
            sources = database.get("data_sources") or []
            if not sources:
                hint = _say(self._lang, "no_data_source", id=db_id)
                raise NotionRejected(hint, status=400, code="no_data_source")
            source_id = str(sources[0]["id"])
            source = self._api.call("GET", f"data_sources/{source_id}", where="database")
            props: dict[str, dict[str, Any]] = source.get("properties") or {}
            title = next((name for name, p in props.items() if p.get("type") == "title"), None)
            if title is None:
                hint = _say(self._lang, "no_title", id=db_id)
                raise NotionRejected(hint, status=400, code="no_title_property")
            parent = {"type": "data_source_id", "data_source_id": source_id}
            target = _Target(parent, title, self._date_in(props), source_id)
        log.info(
            "notion_target_resolved",
            extra={
                "data_source_id": target.data_source_id,
                "title_property": target.title_property,
                "date_property": target.date_property,
            },
        )
        self._target = target
        return target

    def _date_in(self, props: Mapping[str, Mapping[str, Any]]) -> str | None:
        dates = [name for name, p in props.items() if p.get("type") == "date"]
        name = self._date_property
        if name is None:
            return dates[0] if dates else None
        if name not in props:
            shown = ", ".join(dates) or "-"
            hint = _say(self._lang, "date_missing", name=name, dates=shown)
            raise NotionRejected(hint, status=400, code="date_property_missing")
        if props[name].get("type") != "date":
            hint = _say(self._lang, "date_type", name=name, kind=props[name].get("type"))
            raise NotionRejected(hint, status=400, code="date_property_not_date")
        return name

    def _create_or_adopt(
        self, target: _Target, title: str, props: dict[str, Any]
    ) -> tuple[str, bool]:
        """The page id, and whether it was created just now (so known to be empty)."""
        found = self._find_page(target, title)
        if found is not None:
            log.info("notion_page_adopted", extra={"page_id": found, "title": title})
            return found, False

        def verify() -> dict[str, Any] | None:
            again = self._find_page(target, title)
            return None if again is None else {"id": again, "adopted": True}

        page = self._api.call(
            "POST",
            "pages",
            where="database" if target.data_source_id else "parent",
            body={"parent": target.parent, "properties": props},
            verify=verify,
        )
        page_id = str(page["id"])
        log.info("notion_page_created", extra={"page_id": page_id, "title": title})
        return page_id, not page.get("adopted")

    def _find_page(self, target: _Target, title: str) -> str | None:
        """A page of this meeting left by an earlier run (created, then not recorded)."""
        if target.data_source_id:
            query = {
                "filter": {"property": target.title_property, "title": {"equals": title}},
                "page_size": PAGE_SIZE,
            }
            answer = self._api.call(
                "POST", f"data_sources/{target.data_source_id}/query", where="database", body=query
            )
            candidates = [
                p
                for p in answer.get("results", [])
                if p.get("object") == "page"
                and not p.get("in_trash")
                and _title_of(p, target.title_property) == title
            ]
        else:
            parent = str(self._parent_page_id)
            candidates = [
                b
                for b in self._children(parent, "parent")
                if b.get("type") == "child_page"
                and (b.get("child_page") or {}).get("title") == title
            ]
        if not candidates:
            return None
        # Only a page the integration created is ours to rewrite; one an organiser made
        # by hand with the same title is left alone.
        me = self._me()
        ours = [c for c in candidates if (c.get("created_by") or {}).get("id") == me]
        if len(ours) < len(candidates):
            log.info("notion_page_not_ours", extra={"title": title})
        ours.sort(key=lambda c: str(c.get("created_time", "")))
        return str(ours[0]["id"]) if ours else None

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


def _title_of(page: Mapping[str, Any], name: str) -> str:
    prop = (page.get("properties") or {}).get(name) or {}
    return "".join(str(item.get("plain_text", "")) for item in prop.get("title") or [])
