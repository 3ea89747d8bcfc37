"""A local fake of the Notion API (version 2025-09-03) with Notion's real request limits."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from tests.fakes._http import (
    Clock,
    FakeHttpServer,
    HttpReply,
    HttpRequest,
    TokenBucket,
    now_iso,
    retry_after_header,
)

JSONDict = dict[str, Any]

NOTION_VERSION = "2025-09-03"
DEFAULT_TOKEN = "secret_fake_notion_token"

# Notion's published request limits.
MAX_CHILDREN = 100
MAX_NESTING = 2
MAX_BLOCKS_PER_REQUEST = 1000
MAX_RICH_TEXT_ITEMS = 100
MAX_TEXT_CONTENT = 2000
MAX_LINK_URL = 2000
MAX_EQUATION = 1000
MAX_PAGE_SIZE = 100
# "the maximum size of payload is 1000 block elements and 500KB overall" (request
# limits); read as 500,000 bytes of JSON so the fake is never more lenient than Notion.
MAX_BODY_BYTES = 500_000
# Free workspaces with more than one member: 1,000 lifetime blocks, then (after a
# three-day grace the fake treats as over) requests that create blocks fail. Notion's
# page (reference/workspace-block-limits) does not show the error body in what we
# could read; this shape is an assumption the publisher matches loosely.
FREE_BLOCK_LIMIT = 1000
BLOCK_LIMIT_STATUS = 403
BLOCK_LIMIT_CODE = "restricted_resource"
BLOCK_LIMIT_MESSAGE = (
    "This workspace has reached its block limit on the Free plan. "
    "Upgrade the workspace to create more blocks."
)

STATUS_CODES: dict[int, str] = {
    400: "validation_error",
    401: "unauthorized",
    403: "restricted_resource",
    404: "object_not_found",
    409: "conflict_error",
    429: "rate_limited",
    529: "service_overload",
    500: "internal_server_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}

DEFAULT_MESSAGES: dict[str, str] = {
    "unauthorized": "API token is invalid.",
    "restricted_resource": "Insufficient permissions for this endpoint.",
    "rate_limited": "You have been rate limited. Please try again in a few minutes.",
    "service_overload": "Notion is temporarily overloaded. Please try again later.",
    "conflict_error": "Conflict occurred while saving. Please try again.",
    "internal_server_error": "Unexpected error occurred.",
    "bad_gateway": "Bad gateway.",
    "service_unavailable": "Notion is unavailable, please try again later.",
    "gateway_timeout": "Gateway timeout.",
    "validation_error": "Validation error.",
    "object_not_found": "Object not found.",
}

ARCHIVED_MESSAGE = "Can't edit block that is archived. You must unarchive the block before editing."

TEXT_BLOCKS = frozenset(
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
        "code",
    }
)
OTHER_BLOCKS = frozenset(
    {
        "divider",
        "bookmark",
        "embed",
        "link_preview",
        "image",
        "video",
        "file",
        "pdf",
        "audio",
        "equation",
        "table_of_contents",
        "breadcrumb",
        "column_list",
        "column",
        "table",
        "table_row",
        "link_to_page",
        "synced_block",
        "template",
    }
)
BLOCK_TYPES = TEXT_BLOCKS | OTHER_BLOCKS
# Blocks that may have children (headings only when ``is_toggleable``).
PARENT_BLOCKS = frozenset(
    {
        "paragraph",
        "bulleted_list_item",
        "numbered_list_item",
        "to_do",
        "toggle",
        "quote",
        "callout",
        "synced_block",
        "template",
        "column_list",
        "column",
        "table",
        "child_page",
    }
)
HEADINGS = frozenset({"heading_1", "heading_2", "heading_3"})

DEFAULT_ANNOTATIONS: JSONDict = {
    "bold": False,
    "italic": False,
    "strikethrough": False,
    "underline": False,
    "code": False,
    "color": "default",
}

_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
# Links in rich text: Notion refuses other schemes ("Invalid URL for link").
_LINK_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)


def utf16_len(text: str) -> int:
    """Length as Notion counts it: UTF-16 code units (an emoji outside the BMP is 2)."""
    return len(text.encode("utf-16-le")) // 2


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$")


class NotionError(Exception):
    """An API error answered as ``{"object": "error", "status", "code", "message"}``."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code or STATUS_CODES.get(status, "internal_server_error")
        self.message = message or DEFAULT_MESSAGES.get(self.code, "Error.")
        self.headers = dict(headers or {})
        super().__init__(f"{self.status} {self.code}: {self.message}")


def validation(message: str) -> NotionError:
    return NotionError(400, message, "validation_error")


def _body_error(path: str, rule: str, value: Any) -> NotionError:
    shown = json.dumps(value, ensure_ascii=False) if value is not None else "undefined"
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return validation(f"body failed validation: {path} {rule}, instead was `{shown}`.")


def _not_found(kind: str, object_id: str) -> NotionError:
    return NotionError(
        404,
        f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and "
        "databases are shared with your integration.",
        "object_not_found",
    )


def normalize_id(raw: Any) -> str | None:
    """``abcd...`` or dashed forms to the dashed lowercase uuid, or None if not a uuid."""
    if not isinstance(raw, str):
        return None
    compact = raw.replace("-", "").lower()
    if not re.fullmatch(r"[0-9a-f]{32}", compact):
        return None
    return str(uuid.UUID(compact))


@dataclass(frozen=True)
class NotionRequest:
    """One request as received: method, path, query, JSON body, headers and status answered."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    status: int


class DatabaseRef(NamedTuple):
    """Ids of a database created by ``FakeNotion.add_database``."""

    database_id: str
    data_source_id: str


@dataclass
class _Fault:
    status: int
    code: str | None
    message: str | None
    retry_after: float | str | None


@dataclass
class _PathFault:
    method: str
    pattern: re.Pattern[str]
    remaining: int
    fault: _Fault


class FakeNotion(FakeHttpServer):
    """Fake Notion API at ``{url}/v1/...``.

    Point ``notion_client.Client(auth=token, base_url=fake.url)`` at it.
    """

    server_name = "FakeNotion"

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        clock: Clock = time.monotonic,
        rate_per_second: float | None = 3.0,
        burst: float = 10.0,
        retry_after: float | str | None = 1,
        bot_name: str = "studybot",
    ) -> None:
        super().__init__()
        self._lock = threading.RLock()
        self.clock = clock
        self.valid_tokens: set[str] = {token}
        self.notion_version = NOTION_VERSION

        self.requests: list[NotionRequest] = []
        self.rate_limited = 0
        self.pages: dict[str, JSONDict] = {}
        self.users: dict[str, JSONDict] = {}

        self._databases: dict[str, JSONDict] = {}
        self._data_sources: dict[str, JSONDict] = {}
        self._blocks: dict[str, JSONDict] = {}
        self._children: dict[str, list[str]] = {}
        self._parent: dict[str, str | None] = {}
        self._shared: set[str] = set()
        self._prop_seq = 0

        self._bucket: TokenBucket | None = None
        self._retry_after: float | str | None = retry_after
        self.rate_limit(rate_per_second, burst=burst, retry_after=retry_after)
        self._faults: list[_Fault] = []
        self._path_faults: list[_PathFault] = []
        self._fail_until: float | None = None
        self._fail_until_fault: _Fault | None = None
        self._delay = 0.0
        self._delay_left: int | None = None
        self.block_limit: int | None = None  # see set_block_limit
        self.blocks_created = 0

        self.bot_user_id = str(uuid.uuid4())
        self.users[self.bot_user_id] = {
            "object": "user",
            "id": self.bot_user_id,
            "type": "bot",
            "name": bot_name,
            "avatar_url": None,
            "bot": {"owner": {"type": "workspace", "workspace": True}, "workspace_name": "Test"},
        }

    # ------------------------------------------------------------------ configuration
    def add_user(self, name: str, email: str | None = None, *, user_id: str | None = None) -> str:
        """Add a person user (listed by ``GET /v1/users``); returns its id."""
        uid = normalize_id(user_id) if user_id else str(uuid.uuid4())
        if uid is None:
            raise ValueError(f"not a uuid: {user_id}")
        person: JSONDict = {"email": email} if email is not None else {}
        with self._lock:
            self.users[uid] = {
                "object": "user",
                "id": uid,
                "type": "person",
                "name": name,
                "avatar_url": None,
                "person": person,
            }
        return uid

    def add_page(
        self,
        title: str = "Parent page",
        *,
        parent_page_id: str | None = None,
        shared: bool = True,
        page_id: str | None = None,
    ) -> str:
        """Add a standalone page (e.g. the NOTION_PARENT_PAGE_ID page); returns its id."""
        pid = normalize_id(page_id) if page_id else str(uuid.uuid4())
        if pid is None:
            raise ValueError(f"not a uuid: {page_id}")
        with self._lock:
            parent: JSONDict
            if parent_page_id:
                parent = {"type": "page_id", "page_id": normalize_id(parent_page_id)}
            else:
                parent = {"type": "workspace", "workspace": True}
            props = {"title": {"id": "title", "type": "title", "title": _plain_rich(title)}}
            self._insert_page(pid, parent, props, icon=None, cover=None)
            if shared:
                self._shared.add(pid)
        return pid

    def add_database(
        self,
        title: str = "勉強会",
        properties: Mapping[str, str | JSONDict] | None = None,
        *,
        parent_page_id: str | None = None,
        shared: bool = True,
        database_id: str | None = None,
        data_source_id: str | None = None,
    ) -> DatabaseRef:
        """Add a database with one data source whose schema is ``properties``.

        ``properties`` maps a name to a type (``{"名前": "title", "日付": "date"}``, the
        default) or to a full property schema (``{"type": "select", "select": {...}}``).
        """
        db_id = normalize_id(database_id) if database_id else str(uuid.uuid4())
        if db_id is None:
            raise ValueError(f"not a uuid: {database_id}")
        now = now_iso()
        with self._lock:
            parent: JSONDict
            if parent_page_id:
                parent = {"type": "page_id", "page_id": normalize_id(parent_page_id)}
            else:
                parent = {"type": "workspace", "workspace": True}
            self._databases[db_id] = {
                "object": "database",
                "id": db_id,
                "title": _plain_rich(title),
                "description": [],
                "parent": parent,
                "is_inline": False,
                "in_trash": False,
                "archived": False,
                "is_locked": False,
                "created_time": now,
                "last_edited_time": now,
                "data_sources": [],
                "icon": None,
                "cover": None,
                "url": f"https://www.notion.so/{db_id.replace('-', '')}",
                "public_url": None,
            }
            self._parent[db_id] = parent.get("page_id")
            if shared:
                self._shared.add(db_id)
            ds_id = self.add_data_source(db_id, title, properties, data_source_id=data_source_id)
        return DatabaseRef(db_id, ds_id)

    def add_data_source(
        self,
        database_id: str,
        name: str,
        properties: Mapping[str, str | JSONDict] | None = None,
        *,
        data_source_id: str | None = None,
    ) -> str:
        """Add another data source to a database; returns its id."""
        db_id = normalize_id(database_id)
        ds_id = normalize_id(data_source_id) if data_source_id else str(uuid.uuid4())
        if db_id is None or db_id not in self._databases or ds_id is None:
            raise ValueError("unknown database or bad data source id")
        schema = properties if properties is not None else {"名前": "title", "日付": "date"}
        with self._lock:
            props: JSONDict = {}
            for prop_name, spec in schema.items():
                props[prop_name] = self._property_schema(prop_name, spec)
            titles = [p for p in props.values() if p["type"] == "title"]
            if len(titles) != 1:
                raise ValueError("a data source needs exactly one title property")
            database = self._databases[db_id]
            now = now_iso()
            self._data_sources[ds_id] = {
                "object": "data_source",
                "id": ds_id,
                "created_time": now,
                "last_edited_time": now,
                "properties": props,
                "parent": {"type": "database_id", "database_id": db_id},
                "database_parent": database["parent"],
                "archived": False,
                "in_trash": False,
                "is_inline": False,
                "title": _plain_rich(name),
                "description": [],
                "icon": None,
                "cover": None,
                "url": f"https://www.notion.so/{ds_id.replace('-', '')}",
                "public_url": None,
            }
            database["data_sources"].append({"id": ds_id, "name": name})
            self._parent[ds_id] = db_id
        return ds_id

    def share(self, object_id: str, shared: bool = True) -> None:
        """Share (or unshare) a page or database with the integration."""
        oid = normalize_id(object_id)
        if oid is None:
            raise ValueError(f"not a uuid: {object_id}")
        with self._lock:
            if shared:
                self._shared.add(oid)
            else:
                self._shared.discard(oid)

    def rate_limit(
        self,
        per_second: float | None = 3.0,
        *,
        burst: float = 3.0,
        retry_after: float | str | None = 1,
    ) -> None:
        """Token bucket on every request (``per_second=None`` turns it off).

        ``retry_after`` is sent as given ("0.4", 1); None sends the seconds to the next token.
        """
        with self._lock:
            if per_second is None:
                self._bucket = None
            else:
                self._bucket = TokenBucket(per_second, burst, self.clock)
            self._retry_after = retry_after

    def fail_next(
        self,
        n: int = 1,
        *,
        status: int = 503,
        code: str | None = None,
        message: str | None = None,
        retry_after: float | str | None = None,
    ) -> None:
        """The next ``n`` requests (any endpoint) fail with ``status``."""
        with self._lock:
            self._faults.extend(_Fault(status, code, message, retry_after) for _ in range(n))

    def fail_for(
        self,
        seconds: float,
        *,
        status: int = 503,
        code: str | None = None,
        message: str | None = None,
        retry_after: float | str | None = None,
    ) -> None:
        """Every request fails with ``status`` until ``clock() + seconds``."""
        with self._lock:
            self._fail_until = self.clock() + seconds
            self._fail_until_fault = _Fault(status, code, message, retry_after)

    def fail_on(
        self,
        method: str,
        path_regex: str,
        n: int = 1,
        *,
        status: int = 500,
        code: str | None = None,
        message: str | None = None,
        retry_after: float | str | None = None,
    ) -> None:
        """The next ``n`` requests whose method matches (``"*"`` = any) and whose path
        matches ``path_regex`` (``re.search``) fail with ``status``."""
        with self._lock:
            self._path_faults.append(
                _PathFault(
                    method.upper(),
                    re.compile(path_regex),
                    n,
                    _Fault(status, code, message, retry_after),
                )
            )

    def set_block_limit(self, limit: int | None = FREE_BLOCK_LIMIT) -> None:
        """Act as a Free workspace with several members whose grace period is over:
        once ``limit`` blocks were created in all (``blocks_created``), any request that
        would create more fails; reads, edits and deletes still work. None lifts it."""
        with self._lock:
            self.block_limit = limit

    def _check_block_quota(self, new_blocks: int) -> None:
        if self.block_limit is None or new_blocks == 0:
            return
        if self.blocks_created >= self.block_limit:
            raise NotionError(BLOCK_LIMIT_STATUS, BLOCK_LIMIT_MESSAGE, BLOCK_LIMIT_CODE)

    def slow(self, seconds: float, n: int | None = None) -> None:
        """Delay the next ``n`` answers (all when None) by ``seconds``; ``slow(0)`` stops it."""
        with self._lock:
            self._delay = seconds
            self._delay_left = n

    def clear_faults(self) -> None:
        """Forget queued failures, outage windows and slowness (the rate limit stays)."""
        with self._lock:
            self._faults.clear()
            self._path_faults.clear()
            self._fail_until = None
            self._fail_until_fault = None
            self._delay = 0.0
            self._delay_left = None

    # ------------------------------------------------------------------ inspection
    def requests_to(self, method: str, path_regex: str = "") -> list[NotionRequest]:
        with self._lock:
            return [
                r
                for r in self.requests
                if (method == "*" or r.method == method.upper()) and re.search(path_regex, r.path)
            ]

    def data_source(self, data_source_id: str) -> JSONDict:
        with self._lock:
            return self._data_sources[normalize_id(data_source_id) or data_source_id]

    def pages_in(self, parent_id: str, *, include_trashed: bool = False) -> list[JSONDict]:
        """Pages whose parent is this data source, database or page, in creation order."""
        pid = normalize_id(parent_id) or parent_id
        with self._lock:
            out = []
            for page in self.pages.values():
                parent = page["parent"]
                ids = {parent.get("data_source_id"), parent.get("database_id")}
                ids.add(parent.get("page_id"))
                if pid in ids and (include_trashed or not page["in_trash"]):
                    out.append(page)
            return out

    def page_title(self, page_id: str) -> str:
        with self._lock:
            return _title_text(self.pages[normalize_id(page_id) or page_id])

    def block(self, block_id: str) -> JSONDict:
        with self._lock:
            return self._block_out(normalize_id(block_id) or block_id)

    def page_tree(self, page_id: str) -> list[JSONDict]:
        """The page's live content: block objects with a resolved ``children`` list."""
        with self._lock:
            return self._tree(normalize_id(page_id) or page_id)

    def plain_text(self, page_id: str) -> str:
        """All rich text of the page's blocks in reading order, one line per block."""
        lines: list[str] = []

        def walk(nodes: list[JSONDict]) -> None:
            for node in nodes:
                lines.append(_block_text(node))
                walk(node.get("children", []))

        walk(self.page_tree(page_id))
        return "\n".join(lines)

    # ------------------------------------------------------------------ HTTP
    def handle(self, request: HttpRequest) -> HttpReply:
        delay = 0.0
        with self._lock:
            if self._delay > 0 and (self._delay_left is None or self._delay_left > 0):
                delay = self._delay
                if self._delay_left is not None:
                    self._delay_left -= 1
        self.sleep(delay)
        body: Any = None
        bad_json = False
        if request.body:
            try:
                body = json.loads(request.body.decode("utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError):
                bad_json = True
        with self._lock:
            headers: dict[str, str] = {}
            try:
                payload = self._process(request, body, bad_json)
                status = 200
            except NotionError as exc:
                status = exc.status
                headers = exc.headers
                payload = {
                    "object": "error",
                    "status": exc.status,
                    "code": exc.code,
                    "message": exc.message,
                    "request_id": str(uuid.uuid4()),
                }
                if status == 429:
                    self.rate_limited += 1
            self.requests.append(
                NotionRequest(
                    request.method, request.path, request.query, body, request.headers, status
                )
            )
        return HttpReply.json(payload, status=status, headers=headers)

    def _fault_error(self, fault: _Fault) -> NotionError:
        headers: dict[str, str] = {}
        retry = fault.retry_after
        if fault.status in (429, 529) and retry is None:
            retry = self._retry_after if self._retry_after is not None else 1
        if retry is not None:
            headers["Retry-After"] = retry_after_header(retry, 1.0)
        return NotionError(fault.status, fault.message, fault.code, headers)

    def _check_faults(self, request: HttpRequest) -> None:
        if self._fail_until is not None and self._fail_until_fault is not None:
            if self.clock() < self._fail_until:
                raise self._fault_error(self._fail_until_fault)
            self._fail_until = None
        if self._faults:
            raise self._fault_error(self._faults.pop(0))
        for path_fault in self._path_faults:
            if path_fault.remaining <= 0:
                continue
            if path_fault.method not in ("*", request.method):
                continue
            if path_fault.pattern.search(request.path):
                path_fault.remaining -= 1
                raise self._fault_error(path_fault.fault)

    def _process(self, request: HttpRequest, body: Any, bad_json: bool) -> JSONDict:
        self._check_faults(request)
        auth = request.headers.get("authorization", "")
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else ""
        if token not in self.valid_tokens:
            raise NotionError(401, "API token is invalid.", "unauthorized")
        if not request.headers.get("notion-version"):
            raise NotionError(
                400,
                "Notion-Version header failed validation: Notion-Version header should be "
                "defined, instead was `undefined`.",
                "missing_version",
            )
        if self._bucket is not None:
            wait = self._bucket.take()
            if wait > 0:
                raise NotionError(
                    429,
                    code="rate_limited",
                    headers={"Retry-After": retry_after_header(self._retry_after, wait)},
                )
        if len(request.body or b"") > MAX_BODY_BYTES:
            raise validation(
                f"body failed validation: request body size should be ≤ `{MAX_BODY_BYTES}` "
                f"bytes, instead was `{len(request.body)}`."
            )
        if bad_json:
            raise NotionError(400, "Error parsing JSON body.", "invalid_json")
        if body is not None and not isinstance(body, dict):
            raise validation("body failed validation: body should be an object.")
        return self._route(request.method, request.path, request.query, body or {})

    def _route(self, method: str, path: str, query: dict[str, str], body: JSONDict) -> JSONDict:
        parts = [p for p in path.split("/") if p]
        if not parts or parts[0] != "v1":
            raise NotionError(400, "Invalid request URL.", "invalid_request_url")
        parts = parts[1:]
        route = (
            method,
            *(
                p if i == 0 or p in {"children", "query", "me"} else "*"
                for i, p in enumerate(parts)
            ),
        )
        handlers = {
            ("GET", "databases", "*"): lambda: self._get_database(parts[1]),
            ("GET", "data_sources", "*"): lambda: self._get_data_source(parts[1]),
            ("POST", "data_sources", "*", "query"): lambda: self._query(parts[1], body),
            ("POST", "pages"): lambda: self._create_page(body),
            ("GET", "pages", "*"): lambda: self._get_page(parts[1]),
            ("PATCH", "pages", "*"): lambda: self._update_page(parts[1], body),
            ("GET", "blocks", "*"): lambda: self._get_block(parts[1]),
            ("PATCH", "blocks", "*"): lambda: self._update_block(parts[1], body),
            ("DELETE", "blocks", "*"): lambda: self._delete_block(parts[1]),
            ("GET", "blocks", "*", "children"): lambda: self._list_children(parts[1], query),
            ("PATCH", "blocks", "*", "children"): lambda: self._append(parts[1], body),
            ("GET", "users"): lambda: self._list_users(query),
            ("GET", "users", "me"): lambda: dict(self.users[self.bot_user_id]),
            ("GET", "users", "*"): lambda: self._get_user(parts[1]),
        }
        handler = handlers.get(route)
        if handler is None:
            raise NotionError(400, "Invalid request URL.", "invalid_request_url")
        result = handler()
        result.setdefault("request_id", str(uuid.uuid4()))
        return result

    # ------------------------------------------------------------------ access helpers
    def _path_id(self, raw: str, name: str) -> str:
        object_id = normalize_id(raw)
        if object_id is None:
            raise validation(
                f"path failed validation: path.{name} should be a valid uuid, "
                f'instead was `"{raw}"`.'
            )
        return object_id

    def _accessible(self, object_id: str) -> bool:
        current: str | None = object_id
        seen: set[str] = set()
        while current is not None and current not in seen:
            if current in self._shared:
                return True
            seen.add(current)
            current = self._parent.get(current)
        return False

    def _kind_of(self, object_id: str) -> str | None:
        if object_id in self._databases:
            return "database"
        if object_id in self._data_sources:
            return "data source"
        if object_id in self.pages:
            return "page"
        if object_id in self._blocks:
            return "block"
        return None

    def _require(self, raw: str, name: str, kind: str) -> str:
        object_id = self._path_id(raw, name)
        actual = self._kind_of(object_id)
        if actual is None or not self._accessible(object_id):
            raise _not_found(kind.replace(" ", "_"), object_id)
        if actual != kind and not (kind == "block" and actual == "page"):
            raise validation(
                f"Provided ID {object_id} is a {actual}, not a {kind}. "
                f"Use the retrieve {actual} API instead."
            )
        return object_id

    # ------------------------------------------------------------------ databases
    def _get_database(self, raw: str) -> JSONDict:
        db_id = self._require(raw, "database_id", "database")
        return json.loads(json.dumps(self._databases[db_id]))  # type: ignore[no-any-return]

    def _get_data_source(self, raw: str) -> JSONDict:
        ds_id = self._require(raw, "data_source_id", "data source")
        return json.loads(json.dumps(self._data_sources[ds_id]))  # type: ignore[no-any-return]

    def _property_schema(self, name: str, spec: str | JSONDict) -> JSONDict:
        if isinstance(spec, str):
            spec = {"type": spec}
        kind = spec["type"]
        self._prop_seq += 1
        prop_id = "title" if kind == "title" else spec.get("id", f"p{self._prop_seq:03d}")
        config = spec.get(kind, {})
        if kind in ("select", "multi_select", "status") and "options" not in config:
            config = {**config, "options": []}
        return {"id": prop_id, "name": name, "type": kind, kind: config}

    # ------------------------------------------------------------------ rich text
    def _rich_text(self, items: Any, path: str) -> list[JSONDict]:
        if not isinstance(items, list):
            raise _body_error(path, "should be an array", items)
        if len(items) > MAX_RICH_TEXT_ITEMS:
            raise _body_error(f"{path}.length", f"should be ≤ `{MAX_RICH_TEXT_ITEMS}`", len(items))
        return [self._rich_item(item, f"{path}[{i}]") for i, item in enumerate(items)]

    def _rich_item(self, item: Any, path: str) -> JSONDict:
        if not isinstance(item, dict):
            raise _body_error(path, "should be an object", item)
        kind = item.get("type") or next(
            (k for k in ("text", "mention", "equation") if k in item), None
        )
        annotations = {**DEFAULT_ANNOTATIONS, **(item.get("annotations") or {})}
        if kind == "text":
            text = item.get("text")
            if not isinstance(text, dict):
                raise _body_error(f"{path}.text", "should be an object", text)
            content = text.get("content")
            if not isinstance(content, str):
                raise _body_error(f"{path}.text.content", "should be defined", content)
            if utf16_len(content) > MAX_TEXT_CONTENT:
                raise _body_error(
                    f"{path}.text.content.length",
                    f"should be ≤ `{MAX_TEXT_CONTENT}`",
                    utf16_len(content),
                )
            link = text.get("link")
            href: str | None = None
            if link is not None:
                url = link.get("url") if isinstance(link, dict) else None
                if not isinstance(url, str):
                    raise _body_error(f"{path}.text.link.url", "should be defined", url)
                if utf16_len(url) > MAX_LINK_URL:
                    raise _body_error(
                        f"{path}.text.link.url.length",
                        f"should be ≤ `{MAX_LINK_URL}`",
                        utf16_len(url),
                    )
                if not _LINK_RE.match(url):
                    raise validation(f"Invalid URL for link: {url}")
                href = url
            return {
                "type": "text",
                "text": {"content": content, "link": {"url": href} if href else None},
                "annotations": annotations,
                "plain_text": content,
                "href": href,
            }
        if kind == "mention":
            mention = item.get("mention")
            if not isinstance(mention, dict):
                raise _body_error(f"{path}.mention", "should be an object", mention)
            return {
                "type": "mention",
                "mention": mention,
                "annotations": annotations,
                "plain_text": self._mention_text(mention),
                "href": None,
            }
        if kind == "equation":
            equation = item.get("equation") or {}
            expression = equation.get("expression") if isinstance(equation, dict) else None
            if not isinstance(expression, str):
                raise _body_error(f"{path}.equation.expression", "should be defined", expression)
            if len(expression) > MAX_EQUATION:
                raise _body_error(
                    f"{path}.equation.expression.length",
                    f"should be ≤ `{MAX_EQUATION}`",
                    len(expression),
                )
            return {
                "type": "equation",
                "equation": {"expression": expression},
                "annotations": annotations,
                "plain_text": expression,
                "href": None,
            }
        raise _body_error(f"{path}.type", "should be `text`, `mention` or `equation`", kind)

    def _mention_text(self, mention: JSONDict) -> str:
        kind = mention.get("type") or next(iter(mention), "")
        value = mention.get(kind)
        if kind == "user" and isinstance(value, dict):
            uid = normalize_id(value.get("id"))
            if uid is None or uid not in self.users:
                raise validation(f"Could not find user with ID: {value.get('id')}")
            return f"@{self.users[uid]['name']}"
        if kind == "date" and isinstance(value, dict):
            return str(value.get("start", ""))
        if kind == "page" and isinstance(value, dict):
            pid = normalize_id(value.get("id"))
            return _title_text(self.pages[pid]) if pid in self.pages else "Untitled"
        return ""

    # ------------------------------------------------------------------ blocks: validation
    def _check_children(self, children: Any, path: str, depth: int, count: list[int]) -> None:
        if not isinstance(children, list):
            raise _body_error(path, "should be an array", children)
        if len(children) > MAX_CHILDREN:
            raise _body_error(f"{path}.length", f"should be ≤ `{MAX_CHILDREN}`", len(children))
        for i, block in enumerate(children):
            count[0] += 1
            if count[0] > MAX_BLOCKS_PER_REQUEST:
                raise validation(
                    f"body failed validation: a request may contain at most "
                    f"{MAX_BLOCKS_PER_REQUEST} block elements."
                )
            self._check_block(block, f"{path}[{i}]", depth, count)

    def _block_type(self, block: Any, path: str) -> str:
        if not isinstance(block, dict):
            raise _body_error(path, "should be an object", block)
        kind = block.get("type")
        if kind is None:
            kind = next((k for k in block if k in BLOCK_TYPES), None)
        if not isinstance(kind, str) or kind not in BLOCK_TYPES:
            raise _body_error(f"{path}.type", "should be a supported block type", kind)
        return kind

    def _check_block(self, block: Any, path: str, depth: int, count: list[int]) -> None:
        kind = self._block_type(block, path)
        if "children" in block:
            raise _body_error(f"{path}.children", "should be not present", block["children"])
        payload = block.get(kind)
        if not isinstance(payload, dict):
            raise _body_error(f"{path}.{kind}", "should be an object", payload)
        self._check_payload(kind, payload, f"{path}.{kind}")
        children = payload.get("children")
        if children is None:
            return
        may_nest = kind in PARENT_BLOCKS or (kind in HEADINGS and payload.get("is_toggleable"))
        if depth >= MAX_NESTING or not may_nest:
            raise _body_error(f"{path}.{kind}.children", "should be not present", children)
        self._check_children(children, f"{path}.{kind}.children", depth + 1, count)

    def _check_payload(self, kind: str, payload: JSONDict, path: str) -> None:
        if kind in TEXT_BLOCKS and "rich_text" not in payload:
            raise _body_error(f"{path}.rich_text", "should be defined", None)
        for key in ("rich_text", "caption"):
            if key in payload:
                self._rich_text(payload[key], f"{path}.{key}")
        if kind == "table_row":
            cells = payload.get("cells")
            if not isinstance(cells, list):
                raise _body_error(f"{path}.cells", "should be an array", cells)
            for i, cell in enumerate(cells):
                self._rich_text(cell, f"{path}.cells[{i}]")
        if kind in ("bookmark", "embed", "link_preview"):
            url = payload.get("url")
            if not isinstance(url, str):
                raise _body_error(f"{path}.url", "should be defined", url)
            if len(url) > MAX_LINK_URL:
                raise _body_error(f"{path}.url.length", f"should be ≤ `{MAX_LINK_URL}`", len(url))
        if kind == "equation":
            expression = payload.get("expression")
            if not isinstance(expression, str):
                raise _body_error(f"{path}.expression", "should be defined", expression)

    # ------------------------------------------------------------------ blocks: storage
    def _normalized_payload(self, kind: str, payload: JSONDict) -> JSONDict:
        out = {k: v for k, v in payload.items() if k != "children"}
        for key in ("rich_text", "caption"):
            if key in out:
                out[key] = self._rich_text(out[key], key)
        if kind == "table_row":
            out["cells"] = [self._rich_text(c, "cells") for c in out["cells"]]
        if kind in TEXT_BLOCKS and kind != "code":
            out.setdefault("color", "default")
        if kind in HEADINGS:
            out.setdefault("is_toggleable", False)
        if kind == "to_do":
            out.setdefault("checked", False)
        if kind == "code":
            out.setdefault("language", "plain text")
            out.setdefault("caption", [])
        return out

    def _parent_ref(self, parent_id: str) -> JSONDict:
        if parent_id in self.pages:
            return {"type": "page_id", "page_id": parent_id}
        return {"type": "block_id", "block_id": parent_id}

    def _create_block(self, spec: JSONDict, parent_id: str) -> str:
        kind = self._block_type(spec, "block")
        payload = spec[kind]
        block_id = str(uuid.uuid4())
        now = now_iso()
        self.blocks_created += 1
        self._blocks[block_id] = {
            "object": "block",
            "id": block_id,
            "parent": self._parent_ref(parent_id),
            "created_time": now,
            "last_edited_time": now,
            "created_by": {"object": "user", "id": self.bot_user_id},
            "last_edited_by": {"object": "user", "id": self.bot_user_id},
            "has_children": False,
            "archived": False,
            "in_trash": False,
            "type": kind,
            kind: self._normalized_payload(kind, payload),
        }
        self._parent[block_id] = parent_id
        self._children[block_id] = [
            self._create_block(child, block_id) for child in payload.get("children") or []
        ]
        return block_id

    def _live_children(self, parent_id: str) -> list[str]:
        return [c for c in self._children.get(parent_id, []) if not self._trashed(c)]

    def _trashed(self, object_id: str) -> bool:
        if object_id in self.pages:
            return bool(self.pages[object_id]["in_trash"])
        return bool(self._blocks[object_id]["in_trash"])

    def _block_out(self, block_id: str) -> JSONDict:
        if block_id in self.pages:
            page = self.pages[block_id]
            block: JSONDict = {
                "object": "block",
                "id": block_id,
                "parent": page["parent"],
                "created_time": page["created_time"],
                "last_edited_time": page["last_edited_time"],
                "created_by": page["created_by"],
                "last_edited_by": page["last_edited_by"],
                "has_children": False,
                "archived": page["in_trash"],
                "in_trash": page["in_trash"],
                "type": "child_page",
                "child_page": {"title": _title_text(page)},
            }
        else:
            block = json.loads(json.dumps(self._blocks[block_id]))
        block["has_children"] = bool(self._live_children(block_id))
        return block

    def _tree(self, parent_id: str) -> list[JSONDict]:
        out = []
        for child_id in self._live_children(parent_id):
            node = self._block_out(child_id)
            node["children"] = self._tree(child_id)
            out.append(node)
        return out

    # ------------------------------------------------------------------ blocks: endpoints
    def _get_block(self, raw: str) -> JSONDict:
        return self._block_out(self._require(raw, "block_id", "block"))

    def _list_children(self, raw: str, query: dict[str, str]) -> JSONDict:
        block_id = self._require(raw, "block_id", "block")
        page_size = _page_size(query.get("page_size"), "query.page_size")
        live = self._live_children(block_id)
        start = 0
        cursor = query.get("start_cursor")
        if cursor:
            cid = normalize_id(cursor)
            if cid is None or cid not in live:
                raise validation(f"start_cursor provided is invalid: {cursor}")
            start = live.index(cid)
        page = live[start : start + page_size]
        more = start + page_size < len(live)
        return {
            "object": "list",
            "results": [self._block_out(c) for c in page],
            "next_cursor": live[start + page_size] if more else None,
            "has_more": more,
            "type": "block",
            "block": {},
        }

    def _append(self, raw: str, body: JSONDict) -> JSONDict:
        block_id = self._require(raw, "block_id", "block")
        if self._trashed(block_id):
            raise validation(ARCHIVED_MESSAGE)
        if block_id in self._blocks:
            block = self._blocks[block_id]
            kind = block["type"]
            toggle_heading = kind in HEADINGS and block[kind].get("is_toggleable")
            if kind not in PARENT_BLOCKS and not toggle_heading:
                raise validation(f"Block type {kind} does not support children.")
        if "children" not in body:
            raise _body_error("body.children", "should be defined", None)
        children = body["children"]
        count = [0]
        self._check_children(children, "body.children", 0, count)
        self._check_block_quota(count[0])
        siblings = self._children.setdefault(block_id, [])
        index = len(siblings)
        after = body.get("after")
        position = body.get("position")
        if isinstance(position, dict):
            if position.get("type") == "start":
                index = 0
            elif position.get("type") == "after_block":
                after = (position.get("after_block") or {}).get("id")
        if after is not None:
            after_id = normalize_id(after)
            if after_id is None or after_id not in siblings:
                raise validation(f"Block {after} is not a child of block {block_id}.")
            index = siblings.index(after_id) + 1
        created = [self._create_block(child, block_id) for child in children]
        siblings[index:index] = created
        self._touch(block_id)
        return {
            "object": "list",
            "results": [self._block_out(c) for c in created],
            "next_cursor": None,
            "has_more": False,
            "type": "block",
            "block": {},
        }

    def _update_block(self, raw: str, body: JSONDict) -> JSONDict:
        block_id = self._require(raw, "block_id", "block")
        trash = body.get("in_trash", body.get("archived"))
        if block_id in self.pages:
            if trash is not None:
                self.pages[block_id]["in_trash"] = bool(trash)
                self.pages[block_id]["archived"] = bool(trash)
            return self._block_out(block_id)
        block = self._blocks[block_id]
        kind = block["type"]
        content_keys = [k for k in body if k in BLOCK_TYPES]
        if block["in_trash"] and trash is not False and content_keys:
            raise validation(ARCHIVED_MESSAGE)
        for key in content_keys:
            if key != kind:
                raise _body_error(f"body.{key}", "should be not present", body[key])
            payload = body[key]
            if not isinstance(payload, dict):
                raise _body_error(f"body.{key}", "should be an object", payload)
            if "children" in payload:
                raise _body_error(f"body.{key}.children", "should be not present", None)
            self._check_payload(kind, {**block[kind], **payload}, f"body.{key}")
            block[kind] = {**block[kind], **self._normalized_payload(kind, payload)}
        if trash is not None:
            block["in_trash"] = bool(trash)
            block["archived"] = bool(trash)
        block["last_edited_time"] = now_iso()
        return self._block_out(block_id)

    def _delete_block(self, raw: str) -> JSONDict:
        block_id = self._require(raw, "block_id", "block")
        if self._trashed(block_id):
            raise validation(ARCHIVED_MESSAGE)
        target = self.pages[block_id] if block_id in self.pages else self._blocks[block_id]
        target["in_trash"] = True
        target["archived"] = True
        return self._block_out(block_id)

    def _touch(self, object_id: str) -> None:
        now = now_iso()
        target = self.pages.get(object_id) or self._blocks.get(object_id)
        if target is not None:
            target["last_edited_time"] = now

    # ------------------------------------------------------------------ pages
    def _insert_page(
        self, page_id: str, parent: JSONDict, props: JSONDict, *, icon: Any, cover: Any
    ) -> JSONDict:
        now = now_iso()
        title = next((p for p in props.values() if p.get("type") == "title"), None)
        words = _rich_plain(title["title"]) if title else ""
        slug = re.sub(r"[^A-Za-z0-9]+", "-", words).strip("-")
        compact = page_id.replace("-", "")
        page: JSONDict = {
            "object": "page",
            "id": page_id,
            "created_time": now,
            "last_edited_time": now,
            "created_by": {"object": "user", "id": self.bot_user_id},
            "last_edited_by": {"object": "user", "id": self.bot_user_id},
            "cover": cover,
            "icon": icon,
            "parent": parent,
            "archived": False,
            "in_trash": False,
            "is_locked": False,
            "properties": props,
            "url": f"https://www.notion.so/{slug + '-' if slug else ''}{compact}",
            "public_url": None,
        }
        self.pages[page_id] = page
        self._children[page_id] = []
        parent_id = parent.get("data_source_id") or parent.get("page_id")
        self._parent[page_id] = parent_id
        if parent.get("type") == "page_id" and parent_id is not None:
            self._children.setdefault(parent_id, []).append(page_id)
        return page

    def _resolve_parent(self, parent: Any) -> tuple[JSONDict, JSONDict | None]:
        """The stored parent object and, for database pages, the data source."""
        if not isinstance(parent, dict):
            raise _body_error("body.parent", "should be an object", parent)
        kind = parent.get("type") or next(
            (k for k in ("data_source_id", "database_id", "page_id") if k in parent), None
        )
        raw = parent.get(kind) if isinstance(kind, str) else None
        if kind not in ("data_source_id", "database_id", "page_id") or not isinstance(raw, str):
            raise _body_error(
                "body.parent", "should have `data_source_id`, `database_id` or `page_id`", parent
            )
        object_id = normalize_id(raw)
        if object_id is None:
            raise _body_error(f"body.parent.{kind}", "should be a valid uuid", raw)
        if kind == "page_id":
            if object_id not in self.pages or not self._accessible(object_id):
                raise _not_found("page", object_id)
            if self.pages[object_id]["in_trash"]:
                raise validation(ARCHIVED_MESSAGE)
            return {"type": "page_id", "page_id": object_id}, None
        if kind == "database_id":
            if object_id not in self._databases or not self._accessible(object_id):
                raise _not_found("database", object_id)
            sources = self._databases[object_id]["data_sources"]
            if len(sources) != 1:
                raise validation(
                    "Databases with multiple data sources are not supported in this API "
                    "version. Use a data_source_id parent instead."
                )
            ds_id = sources[0]["id"]
        else:
            ds_id = object_id
            if ds_id not in self._data_sources or not self._accessible(ds_id):
                raise _not_found("data_source", ds_id)
        source = self._data_sources[ds_id]
        db_id = source["parent"]["database_id"]
        ref = {"type": "data_source_id", "data_source_id": ds_id, "database_id": db_id}
        return ref, source

    def _create_page(self, body: JSONDict) -> JSONDict:
        parent, source = self._resolve_parent(body.get("parent"))
        properties = body.get("properties") or {}
        if not isinstance(properties, dict):
            raise _body_error("body.properties", "should be an object", properties)
        if source is None:
            values = self._page_title_props(properties)
        else:
            values = self._default_values(source)
            values.update(self._property_values(source, properties))
        children = body.get("children")
        count = [1]  # a page is a block too
        if children is not None:
            self._check_children(children, "body.children", 0, count)
        self._check_block_quota(count[0])
        self.blocks_created += 1
        page_id = str(uuid.uuid4())
        page = self._insert_page(
            page_id, parent, values, icon=body.get("icon"), cover=body.get("cover")
        )
        for child in children or []:
            self._children[page_id].append(self._create_block(child, page_id))
        return json.loads(json.dumps(page))  # type: ignore[no-any-return]

    def _get_page(self, raw: str) -> JSONDict:
        page_id = self._require(raw, "page_id", "page")
        return json.loads(json.dumps(self.pages[page_id]))  # type: ignore[no-any-return]

    def _update_page(self, raw: str, body: JSONDict) -> JSONDict:
        page_id = self._require(raw, "page_id", "page")
        page = self.pages[page_id]
        trash = body.get("in_trash", body.get("archived"))
        edits = [k for k in ("properties", "icon", "cover") if k in body]
        if page["in_trash"] and trash is not False and edits:
            raise validation(ARCHIVED_MESSAGE)
        properties = body.get("properties")
        if properties is not None:
            if not isinstance(properties, dict):
                raise _body_error("body.properties", "should be an object", properties)
            ds_id = page["parent"].get("data_source_id")
            if ds_id is None:
                new_values = self._page_title_props(properties)
            else:
                new_values = self._property_values(self._data_sources[ds_id], properties)
            page["properties"].update(new_values)
        for key in ("icon", "cover", "is_locked"):
            if key in body:
                page[key] = body[key]
        if trash is not None:
            page["in_trash"] = bool(trash)
            page["archived"] = bool(trash)
        page["last_edited_time"] = now_iso()
        return json.loads(json.dumps(page))  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ properties
    def _page_title_props(self, properties: JSONDict) -> JSONDict:
        out: JSONDict = {}
        for key, value in properties.items():
            if key != "title":
                raise validation(f"{key} is not a property that exists.")
            items = value.get("title") if isinstance(value, dict) else value
            out["title"] = {
                "id": "title",
                "type": "title",
                "title": self._rich_text(items, "body.properties.title.title"),
            }
        return out

    def _default_values(self, source: JSONDict) -> JSONDict:
        defaults: dict[str, Any] = {
            "title": [],
            "rich_text": [],
            "multi_select": [],
            "people": [],
            "relation": [],
            "files": [],
            "checkbox": False,
        }
        out: JSONDict = {}
        for name, schema in source["properties"].items():
            kind = schema["type"]
            value = defaults.get(kind)
            if kind in ("created_time", "last_edited_time"):
                value = now_iso()
            elif kind in ("created_by", "last_edited_by"):
                value = {"object": "user", "id": self.bot_user_id}
            out[name] = {"id": schema["id"], "type": kind, kind: value}
        return out

    def _property_values(self, source: JSONDict, properties: JSONDict) -> JSONDict:
        schema_props: JSONDict = source["properties"]
        by_id = {p["id"]: name for name, p in schema_props.items()}
        out: JSONDict = {}
        for key, value in properties.items():
            name = key if key in schema_props else by_id.get(key)
            if name is None:
                raise validation(f"{key} is not a property that exists.")
            schema = schema_props[name]
            kind = schema["type"]
            path = f"body.properties.{name}"
            if not isinstance(value, dict) or kind not in value:
                raise validation(f"{name} is expected to be {kind}.")
            if value.get("type", kind) != kind:
                raise validation(f"{name} is expected to be {kind}.")
            out[name] = {
                "id": schema["id"],
                "type": kind,
                kind: self._property_value(kind, value[kind], f"{path}.{kind}", name),
            }
        return out

    def _property_value(self, kind: str, raw: Any, path: str, name: str) -> Any:
        if kind in ("title", "rich_text"):
            return self._rich_text(raw, path)
        if raw is None:
            if kind in ("checkbox", "multi_select", "people", "relation", "files"):
                raise _body_error(path, "should be not null", raw)
            return None
        if kind == "date":
            if not isinstance(raw, dict) or not isinstance(raw.get("start"), str):
                raise _body_error(f"{path}.start", "should be defined", raw)
            for key in ("start", "end"):
                value = raw.get(key)
                if value is not None and not (isinstance(value, str) and _DATE_RE.match(value)):
                    raise validation(f"{path}.{key} should be a valid ISO 8601 date string.")
            return {"start": raw["start"], "end": raw.get("end"), "time_zone": raw.get("time_zone")}
        if kind in ("select", "status"):
            if not isinstance(raw, dict) or not ({"name", "id"} & set(raw)):
                raise _body_error(path, "should be an object with `name` or `id`", raw)
            return {
                "id": raw.get("id", f"opt-{raw.get('name')}"),
                "name": raw.get("name"),
                "color": raw.get("color", "default"),
            }
        if kind == "multi_select":
            if not isinstance(raw, list):
                raise _body_error(path, "should be an array", raw)
            return [
                {
                    "id": o.get("id", f"opt-{o.get('name')}"),
                    "name": o.get("name"),
                    "color": o.get("color", "default"),
                }
                for o in raw
                if isinstance(o, dict)
            ]
        if kind == "number":
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise validation(f"{name} is expected to be number.")
            return raw
        if kind == "checkbox":
            if not isinstance(raw, bool):
                raise validation(f"{name} is expected to be checkbox.")
            return raw
        if kind in ("url", "email", "phone_number"):
            if not isinstance(raw, str):
                raise validation(f"{name} is expected to be {kind}.")
            if kind == "url" and len(raw) > MAX_LINK_URL:
                raise _body_error(f"{path}.length", f"should be ≤ `{MAX_LINK_URL}`", len(raw))
            return raw
        if kind in ("people", "relation", "files"):
            if not isinstance(raw, list):
                raise _body_error(path, "should be an array", raw)
            return raw
        if kind in (
            "formula",
            "rollup",
            "created_time",
            "created_by",
            "last_edited_time",
            "last_edited_by",
            "unique_id",
            "button",
            "verification",
        ):
            raise validation(f"{name} is a read-only property and cannot be set.")
        return raw

    # ------------------------------------------------------------------ query
    def _query(self, raw: str, body: JSONDict) -> JSONDict:
        ds_id = self._require(raw, "data_source_id", "data source")
        source = self._data_sources[ds_id]
        page_size = _page_size(body.get("page_size"), "body.page_size")
        pages = [
            p
            for p in self.pages.values()
            if p["parent"].get("data_source_id") == ds_id and not p["in_trash"]
        ]
        flt = body.get("filter")
        if flt is not None:
            pages = [p for p in pages if self._matches(p, flt, source)]
        for sort in reversed(body.get("sorts") or []):
            pages = self._sorted(pages, sort, source)
        ids = [p["id"] for p in pages]
        start = 0
        cursor = body.get("start_cursor")
        if cursor:
            cid = normalize_id(cursor)
            if cid is None or cid not in ids:
                raise validation(f"start_cursor provided is invalid: {cursor}")
            start = ids.index(cid)
        chunk = pages[start : start + page_size]
        more = start + page_size < len(pages)
        return {
            "object": "list",
            "results": json.loads(json.dumps(chunk)),
            "next_cursor": ids[start + page_size] if more else None,
            "has_more": more,
            "type": "page_or_data_source",
            "page_or_data_source": {},
        }

    def _prop_name(self, source: JSONDict, key: Any) -> str:
        props: JSONDict = source["properties"]
        if key in props:
            return str(key)
        for name, schema in props.items():
            if schema["id"] == key:
                return str(name)
        raise validation(f"Could not find property with name or id: {key}")

    def _matches(self, page: JSONDict, flt: Any, source: JSONDict) -> bool:
        if not isinstance(flt, dict):
            raise _body_error("body.filter", "should be an object", flt)
        if "and" in flt:
            return all(self._matches(page, f, source) for f in flt["and"])
        if "or" in flt:
            return any(self._matches(page, f, source) for f in flt["or"])
        if "timestamp" in flt:
            stamp = flt["timestamp"]
            value: Any = page.get(stamp)
            condition = flt.get(stamp) or {}
        else:
            name = self._prop_name(source, flt.get("property"))
            prop = page["properties"][name]
            value = _comparable(prop)
            kind = next((k for k in flt if k not in ("property", "type")), prop["type"])
            condition = flt.get(kind) or {}
        return all(_compare(value, op, operand) for op, operand in condition.items())

    def _sorted(self, pages: list[JSONDict], sort: JSONDict, source: JSONDict) -> list[JSONDict]:
        reverse = sort.get("direction") == "descending"
        if "timestamp" in sort:
            stamp = sort["timestamp"]
            return sorted(pages, key=lambda p: str(p.get(stamp) or ""), reverse=reverse)
        name = self._prop_name(source, sort.get("property"))

        def key(page: JSONDict) -> tuple[int, str]:
            value = _comparable(page["properties"][name])
            return (0 if value not in (None, "", []) else 1, json.dumps(value, ensure_ascii=False))

        present = [p for p in pages if key(p)[0] == 0]
        absent = [p for p in pages if key(p)[0] == 1]
        return sorted(present, key=key, reverse=reverse) + absent

    # ------------------------------------------------------------------ users
    def _list_users(self, query: dict[str, str]) -> JSONDict:
        page_size = _page_size(query.get("page_size"), "query.page_size")
        ids = list(self.users)
        start = 0
        cursor = query.get("start_cursor")
        if cursor:
            cid = normalize_id(cursor)
            if cid is None or cid not in ids:
                raise validation(f"start_cursor provided is invalid: {cursor}")
            start = ids.index(cid)
        chunk = ids[start : start + page_size]
        more = start + page_size < len(ids)
        return {
            "object": "list",
            "results": [json.loads(json.dumps(self.users[u])) for u in chunk],
            "next_cursor": ids[start + page_size] if more else None,
            "has_more": more,
            "type": "user",
            "user": {},
        }

    def _get_user(self, raw: str) -> JSONDict:
        uid = self._path_id(raw, "user_id")
        if uid not in self.users:
            raise _not_found("user", uid)
        return json.loads(json.dumps(self.users[uid]))  # type: ignore[no-any-return]


# ---------------------------------------------------------------------- module helpers
def _plain_rich(text: str) -> list[JSONDict]:
    return [
        {
            "type": "text",
            "text": {"content": text, "link": None},
            "annotations": dict(DEFAULT_ANNOTATIONS),
            "plain_text": text,
            "href": None,
        }
    ]


def _rich_plain(items: Iterable[JSONDict]) -> str:
    return "".join(str(item.get("plain_text", "")) for item in items)


def _title_text(page: JSONDict) -> str:
    for prop in page["properties"].values():
        if prop.get("type") == "title":
            return _rich_plain(prop["title"])
    return ""


def _block_text(block: JSONDict) -> str:
    kind = block["type"]
    payload = block.get(kind) or {}
    if kind == "child_page":
        return str(payload.get("title", ""))
    if kind == "table_row":
        return "\t".join(_rich_plain(cell) for cell in payload.get("cells", []))
    if kind in ("bookmark", "embed", "link_preview"):
        return str(payload.get("url", ""))
    return _rich_plain(payload.get("rich_text", []))


def _page_size(raw: Any, path: str) -> int:
    if raw is None or raw == "":
        return MAX_PAGE_SIZE
    try:
        size = int(raw)
    except (TypeError, ValueError) as exc:
        raise _body_error(path, "should be a number", raw) from exc
    if size < 1:
        raise _body_error(path, "should be ≥ `1`", size)
    if size > MAX_PAGE_SIZE:
        raise _body_error(path, f"should be ≤ `{MAX_PAGE_SIZE}`", size)
    return size


def _comparable(prop: JSONDict) -> Any:
    kind = prop["type"]
    value = prop.get(kind)
    if kind in ("title", "rich_text"):
        return _rich_plain(value or [])
    if kind == "date":
        return value.get("start") if value else None
    if kind in ("select", "status"):
        return value.get("name") if value else None
    if kind == "multi_select":
        return [o.get("name") for o in value or []]
    if kind in ("people", "relation"):
        return [o.get("id") for o in value or []]
    return value


def _compare(value: Any, op: str, operand: Any) -> bool:
    empty = value in (None, "", [])
    if op == "is_empty":
        return empty
    if op == "is_not_empty":
        return not empty
    if isinstance(value, list):
        if op == "contains":
            return operand in value
        if op == "does_not_contain":
            return operand not in value
        return False
    if (
        isinstance(value, str)
        and isinstance(operand, str)
        and len(operand) == 10
        and _DATE_RE.match(operand)
        and _DATE_RE.match(value)
    ):
        value = value[:10]
    if op == "equals":
        return bool(value == operand)
    if op == "does_not_equal":
        return bool(value != operand)
    if empty:
        return False
    if op == "contains":
        return str(operand).lower() in str(value).lower()
    if op == "does_not_contain":
        return str(operand).lower() not in str(value).lower()
    if op == "starts_with":
        return str(value).lower().startswith(str(operand).lower())
    if op == "ends_with":
        return str(value).lower().endswith(str(operand).lower())
    ordering = {
        "before": lambda a, b: a < b,
        "after": lambda a, b: a > b,
        "on_or_before": lambda a, b: a <= b,
        "on_or_after": lambda a, b: a >= b,
        "less_than": lambda a, b: a < b,
        "greater_than": lambda a, b: a > b,
        "less_than_or_equal_to": lambda a, b: a <= b,
        "greater_than_or_equal_to": lambda a, b: a >= b,
    }
    compare = ordering.get(op)
    if compare is None:
        raise validation(f"body failed validation: unsupported filter condition `{op}`.")
    try:
        return bool(compare(value, operand))
    except TypeError:
        return False
