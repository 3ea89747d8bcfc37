"""A local fake of the Slack Web API (and response_url hooks) with Slack's real limits."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import yaml

from tests.fakes._http import (
    Clock,
    FakeHttpServer,
    HttpReply,
    HttpRequest,
    TokenBucket,
    retry_after_header,
)

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "xoxb-test-token"

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack-manifest.yaml"


def manifest_scopes(path: Path = MANIFEST) -> frozenset[str]:
    """The bot scopes the app asks for at install: the only ones its token will carry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return frozenset(data["oauth_config"]["scopes"]["bot"])


# Exactly the manifest's scopes, so a call the installed app could not make fails here.
DEFAULT_SCOPES = manifest_scopes()
# Methods Slack documents as needing no scope (views with a trigger or the app's own
# view, a permalink, token introspection).
NO_SCOPE_METHODS = frozenset(
    {
        "auth.test",
        "chat.getPermalink",
        "views.open",
        "views.publish",
    }
)
TRIGGER_LIFETIME = 3.0  # seconds a trigger_id may be used (Slack: "expires in 3 seconds")

# Bot scopes that satisfy each method (any one of them is enough).
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.delete": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "reactions.get": ("reactions:read",),
    "reactions.add": ("reactions:write",),
    "conversations.members": ("channels:read", "groups:read", "mpim:read", "im:read"),
    "conversations.history": ("channels:history", "groups:history"),
    "conversations.info": ("channels:read", "groups:read", "mpim:read", "im:read"),
    "users.info": ("users:read",),
    "usergroups.list": ("usergroups:read",),
}

# Slack's published limits.
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_MARKDOWN_TEXT = 12_000
# Undocumented: chat.postMessage refuses blocks whose text adds up to about 12,000
# characters (``msg_blocks_too_long``; slackapi/bolt-js#2509, #2867 — the same blocks
# sent through a response_url were accepted, so that path does not enforce it).
MAX_BLOCKS_TOTAL_TEXT = 12_000
MAX_SECTION_TEXT = 3_000
MAX_SECTION_FIELD = 2_000
MAX_SECTION_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BLOCK_ID = 255
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3_000
RESPONSE_URL_MAX_USES = 5
RESPONSE_URL_LIFETIME = 30 * 60.0

_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")
_TS_BASE_MICROS = 1_700_000_000_000_000
_DM_PREFIXES = ("U", "W", "D")

KNOWN_BLOCK_TYPES = frozenset(
    {
        "actions",
        "call",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)


@dataclass(frozen=True)
class Call:
    """One Web API call as received: method, decoded params, lower-cased headers, answer."""

    method: str
    params: JSONDict
    headers: dict[str, str]
    status: int = 200
    response: JSONDict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        error = self.response.get("error")
        return error if isinstance(error, str) else None


@dataclass(frozen=True)
class ResponsePost:
    """One POST to a response_url: its id, the JSON body and the HTTP status answered."""

    id: str
    url: str
    body: Any
    status: int


@dataclass
class _Fault:
    status: int
    error: str
    retry_after: float | str | None
    extra: JSONDict


@dataclass
class _ResponseUrl:
    kind: str
    created: float
    uses: int = 0


class SlackError(Exception):
    """Raised inside handlers: becomes ``{"ok": false, "error": ...}`` (HTTP 200 by default)."""

    def __init__(self, error: str, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra


class _Throttled(Exception):
    def __init__(self, wait: float, retry_after: float | str | None = None) -> None:
        super().__init__("ratelimited")
        self.wait = wait
        self.retry_after = retry_after


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _ptr_error(message: str, pointer: str) -> str:
    return f"{message} [json-pointer:{pointer}]"


class BlockChecker:
    """Validates Block Kit payloads the way Slack does, collecting Slack-style error strings."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def _err(self, message: str, pointer: str) -> None:
        self.errors.append(_ptr_error(message, pointer))

    def _max_len(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self._err(f"must be less than {limit + 1} characters", pointer)

    def text(
        self,
        obj: Any,
        pointer: str,
        *,
        limit: int = 3000,
        plain_only: bool = False,
    ) -> None:
        if not isinstance(obj, dict):
            self._err("must be an object", pointer)
            return
        kind = obj.get("type")
        allowed = {"plain_text"} if plain_only else {"plain_text", "mrkdwn"}
        if kind not in allowed:
            self._err("must be a valid enum value", f"{pointer}/type")
        text = obj.get("text")
        if not isinstance(text, str):
            self._err("must be a string", f"{pointer}/text")
        elif not text:
            self._err("must be more than 0 characters", f"{pointer}/text")
        else:
            self._max_len(text, limit, f"{pointer}/text")

    def element(self, element: Any, pointer: str) -> None:
        if not isinstance(element, dict):
            self._err("must be an object", pointer)
            return
        kind = element.get("type")
        if not isinstance(kind, str):
            self._err("missing required field: type", pointer)
            return
        self._max_len(element.get("action_id"), 255, f"{pointer}/action_id")
        if kind == "button":
            self.text(
                element.get("text"), f"{pointer}/text", limit=MAX_BUTTON_TEXT, plain_only=True
            )
            self._max_len(element.get("url"), 3000, f"{pointer}/url")
            self._max_len(element.get("value"), 2000, f"{pointer}/value")
        elif kind in {"plain_text", "mrkdwn"}:
            self.text(element, pointer)
        elif kind == "image":
            if not element.get("image_url") and not element.get("slack_file"):
                self._err("missing required field: image_url", pointer)
            if not isinstance(element.get("alt_text"), str):
                self._err("missing required field: alt_text", pointer)
            self._max_len(element.get("alt_text"), 2000, f"{pointer}/alt_text")
        if "placeholder" in element:
            self.text(element["placeholder"], f"{pointer}/placeholder", limit=150, plain_only=True)
        options = element.get("options")
        if isinstance(options, list):
            if len(options) > 100:
                self._err("no more than 100 items allowed", f"{pointer}/options")
            for i, option in enumerate(options):
                self._option(option, f"{pointer}/options/{i}")
            # Slack: initial options "exactly match one or more of the options" (Block Kit
            # reference, static select and multi-select menus).
            initial = element.get("initial_options") or []
            if "initial_option" in element:
                initial = [element["initial_option"], *initial]
            for i, option in enumerate(initial):
                if option not in options:
                    self._err("must match one of the options", f"{pointer}/initial_options/{i}")

    def _option(self, option: Any, pointer: str) -> None:
        if not isinstance(option, dict):
            self._err("must be an object", pointer)
            return
        self.text(option.get("text"), f"{pointer}/text", limit=MAX_BUTTON_TEXT)
        self._max_len(option.get("value"), 150, f"{pointer}/value")

    def block(self, block: Any, pointer: str) -> None:
        if not isinstance(block, dict):
            self._err("must be an object", pointer)
            return
        kind = block.get("type")
        if not isinstance(kind, str) or not kind:
            self._err("missing required field: type", pointer)
            return
        if kind not in KNOWN_BLOCK_TYPES:
            self._err(f"unsupported type: {kind}", f"{pointer}/type")
            return
        self._max_len(block.get("block_id"), MAX_BLOCK_ID, f"{pointer}/block_id")
        if kind == "section":
            self._section(block, pointer)
        elif kind == "header":
            self.text(block.get("text"), f"{pointer}/text", limit=MAX_HEADER_TEXT, plain_only=True)
        elif kind == "context":
            self._elements(block, pointer, MAX_CONTEXT_ELEMENTS)
        elif kind == "actions":
            self._elements(block, pointer, MAX_ACTIONS_ELEMENTS)
        elif kind == "image":
            self.element(block, pointer)
            if "title" in block:
                self.text(block["title"], f"{pointer}/title", limit=2000, plain_only=True)
        elif kind == "input":
            self.text(block.get("label"), f"{pointer}/label", limit=2000, plain_only=True)
            if "element" not in block:
                self._err("missing required field: element", pointer)
            else:
                self.element(block["element"], f"{pointer}/element")
            if "hint" in block:
                self.text(block["hint"], f"{pointer}/hint", limit=2000, plain_only=True)
        elif kind == "rich_text":
            if not isinstance(block.get("elements"), list):
                self._err("missing required field: elements", pointer)
        elif kind == "markdown":
            text = block.get("text")
            if not isinstance(text, str):
                self._err("missing required field: text", pointer)
            else:
                self._max_len(text, MAX_MARKDOWN_TEXT, f"{pointer}/text")

    def _section(self, block: JSONDict, pointer: str) -> None:
        has_text = "text" in block
        fields = block.get("fields")
        if not has_text and fields is None:
            self._err("must provide either text or fields", pointer)
        if has_text:
            self.text(block["text"], f"{pointer}/text", limit=MAX_SECTION_TEXT)
        if fields is not None:
            if not isinstance(fields, list):
                self._err("must be an array", f"{pointer}/fields")
            else:
                if len(fields) > MAX_SECTION_FIELDS:
                    self._err(
                        f"no more than {MAX_SECTION_FIELDS} items allowed", f"{pointer}/fields"
                    )
                for i, item in enumerate(fields):
                    self.text(item, f"{pointer}/fields/{i}", limit=MAX_SECTION_FIELD)
        if "accessory" in block:
            self.element(block["accessory"], f"{pointer}/accessory")

    def _elements(self, block: JSONDict, pointer: str, limit: int) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self._err("must provide at least 1 item", f"{pointer}/elements")
            return
        if len(elements) > limit:
            self._err(f"no more than {limit} items allowed", f"{pointer}/elements")
        for i, element in enumerate(elements):
            self.element(element, f"{pointer}/elements/{i}")

    def blocks(self, blocks: Any, pointer: str, max_blocks: int) -> None:
        if not isinstance(blocks, list):
            self._err("must be an array", pointer)
            return
        if len(blocks) > max_blocks:
            self._err(f"no more than {max_blocks} items allowed", pointer)
        for i, block in enumerate(blocks):
            self.block(block, f"{pointer}/{i}")


def blocks_text_size(value: Any) -> int:
    """Characters of every ``text`` string in a block tree (Slack's cumulative count)."""
    if isinstance(value, dict):
        return sum(
            len(item) if key == "text" and isinstance(item, str) else blocks_text_size(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return sum(blocks_text_size(item) for item in value)
    return 0


def check_message_blocks(blocks: Any) -> list[str]:
    """Slack-style errors for a message's ``blocks`` (empty list when valid)."""
    checker = BlockChecker()
    checker.blocks(blocks, "/blocks", MAX_MESSAGE_BLOCKS)
    return checker.errors


_EVENT_TYPE = re.compile(r"[A-Za-z0-9_-]+")


def _drop_bad_metadata(message: JSONDict) -> str | None:
    """Slack keeps metadata only as {event_type, event_payload}, with an event_type of
    letters, digits, underscores and hyphens; anything else is dropped with a warning."""
    metadata = message.get("metadata")
    if metadata is None:
        return None
    if (
        isinstance(metadata, dict)
        and isinstance(metadata.get("event_type"), str)
        and _EVENT_TYPE.fullmatch(metadata["event_type"])
        and isinstance(metadata.get("event_payload"), dict)
    ):
        return None
    del message["metadata"]
    return "invalid_metadata_schema"


def _encode_cursor(key: str) -> str:
    return base64.b64encode(f"user:{key}".encode()).decode()


def _paginate(items: list[Any], keys: list[str], params: JSONDict) -> tuple[list[Any], str]:
    """Slack cursor pagination: returns the page and the next cursor ("" at the end)."""
    limit = _int_param(params, "limit", 100)
    if limit <= 0:
        limit = 1000
    limit = min(limit, 1000)
    start = 0
    cursor = params.get("cursor")
    if cursor:
        try:
            decoded = base64.b64decode(str(cursor), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise SlackError("invalid_cursor") from exc
        prefix, _, key = decoded.partition(":")
        if prefix != "user" or key not in keys:
            raise SlackError("invalid_cursor")
        start = keys.index(key)
    page = items[start : start + limit]
    end = start + limit
    next_cursor = _encode_cursor(keys[end]) if end < len(keys) else ""
    return page, next_cursor


def _int_param(params: JSONDict, name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise SlackError("invalid_arguments") from exc


class FakeSlack(FakeHttpServer):
    """Fake Slack Web API at ``{url}/api/<method>`` plus response_url hooks.

    Point ``slack_sdk.WebClient(token=..., base_url=f"{fake.url}/api/")`` at it.
    """

    server_name = "FakeSlack"

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        clock: Clock = time.monotonic,
        team_id: str = "T0FAKE0001",
        team: str = "studybot-test",
        bot_user_id: str = "UBOT000001",
        bot_id: str = "BBOT000001",
        bot_name: str = "studybot",
        wall_ts: bool = False,
    ) -> None:
        super().__init__()
        self._lock = threading.RLock()
        self.clock = clock
        self.valid_tokens: set[str] = {token}
        self.scopes: set[str] = set(DEFAULT_SCOPES)
        self.team_id = team_id
        self.team = team
        self.team_domain = re.sub(r"[^a-z0-9-]+", "-", team.lower()).strip("-") or "fake"
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = "A0FAKE0001"

        # Workspace state that tests configure.
        self.users: dict[str, JSONDict] = {}
        self.channels: dict[str, JSONDict] = {}
        self.channel_members: dict[str, list[str]] = {}
        self.bot_channels: set[str] | None = None
        self.expired_trigger_ids: set[str] = set()
        self.token_state: str | None = None  # "token_revoked" / "account_inactive"
        self.archived_channels: set[str] = set()
        self._triggers: dict[str, float] = {}
        self.reaction_users_limit: int | None = None
        self.usergroups: dict[str, JSONDict] = {}
        # Socket Mode: app-level tokens (xapp-, scope connections:write) and the WebSocket
        # URL apps.connections.open hands out (tests/fakes/socket_mode.py).
        self.app_tokens: set[str] = set()
        self.socket_url: str | None = None

        # What the bot did.
        self.calls: list[Call] = []
        self.messages: dict[str, list[JSONDict]] = {}
        self.ephemerals: list[JSONDict] = []
        self.views: dict[str, JSONDict] = {}
        self.home_views: dict[str, JSONDict] = {}
        self.responses: list[ResponsePost] = []
        self.rate_limited: Counter[str] = Counter()

        self._reactions: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._seq = 0
        self._last_ts = 0
        # Slack stamps a message with its own clock (its ts is the post's epoch time): a
        # test with an injected clock sets this (seconds since the epoch) so ``oldest``
        # filters agree with the bot's time, ``wall_ts`` uses the real clock. Unset, ts
        # count up from a fixed base the older tests expect.
        self.ts_clock: Callable[[], float] | None = time.time if wall_ts else None
        self._view_seq = 0
        self._faults: dict[str, list[_Fault]] = {}
        self._errors: dict[str, JSONDict] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self._bucket_retry: dict[str, float | str | None] = {}
        self._channel_limit: tuple[float, float] | None = None
        self._channel_buckets: dict[str, TokenBucket] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}

        self.add_user(bot_user_id, bot_name, real_name=bot_name, is_bot=True)

        self._methods: dict[str, Callable[[JSONDict], JSONDict]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "reactions.get": self._reactions_get,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
            "conversations.info": self._conversations_info,
            "users.info": self._users_info,
            "usergroups.list": self._usergroups_list,
        }

    @property
    def api_url(self) -> str:
        """``{url}/api/``: the ``base_url`` for ``slack_sdk.WebClient``."""
        return f"{self.url}/api/"

    # ------------------------------------------------------------------ configuration
    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        email: str | None = None,
        display_name: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
        tz: str = "Asia/Tokyo",
    ) -> JSONDict:
        """Add a workspace member (also reachable as ``fake.users[user_id]``)."""
        real = real_name if real_name is not None else name
        profile: JSONDict = {
            "real_name": real,
            "display_name": display_name if display_name is not None else name,
        }
        if email is not None:
            profile["email"] = email
        user: JSONDict = {
            "name": name,
            "real_name": real,
            "is_bot": is_bot,
            "deleted": deleted,
            "tz": tz,
            "profile": profile,
        }
        with self._lock:
            self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        *,
        members: Iterable[str] | None = None,
        is_private: bool = False,
        bot_is_member: bool = True,
    ) -> None:
        """Declare a channel, its members and whether the bot is in it."""
        with self._lock:
            self.channels[channel_id] = {
                "name": name or channel_id.lower(),
                "is_private": is_private,
            }
            if members is not None:
                self.channel_members[channel_id] = list(members)
            if bot_is_member:
                if self.bot_channels is not None:
                    self.bot_channels.add(channel_id)
            else:
                if self.bot_channels is None:
                    self.bot_channels = set(self.channels) - {channel_id}
                self.bot_channels.discard(channel_id)

    def add_usergroup(self, group_id: str, handle: str, name: str | None = None) -> None:
        """Declare a user group (``usergroups.list`` needs the usergroups:read scope)."""
        with self._lock:
            self.usergroups[group_id] = {
                "id": group_id,
                "team_id": self.team_id,
                "is_usergroup": True,
                "name": name or handle,
                "handle": handle,
                "is_external": False,
                "date_delete": 0,
                "user_count": 0,
            }

    def add_message(
        self,
        channel: str,
        text: str = "",
        *,
        user: str = "U0HUMAN001",
        blocks: list[JSONDict] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Seed a message (e.g. one posted by a human); returns its ts."""
        with self._lock:
            ts = self._next_ts()
            message: JSONDict = {"type": "message", "user": user, "text": text, "ts": ts}
            if blocks is not None:
                message["blocks"] = blocks
            if thread_ts is not None:
                message["thread_ts"] = thread_ts
            message["team"] = self.team_id
            self.messages.setdefault(channel, []).append(message)
            return ts

    def set_reactions(self, channel: str, ts: str, reactions: Mapping[str, Iterable[str]]) -> None:
        """Replace the reactions on a message: ``{"+1": ["U1", "U2"]}``."""
        with self._lock:
            self._reactions[(channel, ts)] = {
                name: list(users) for name, users in reactions.items() if list(users)
            }

    def rate_limit(
        self,
        method: str,
        per_minute: float | None,
        *,
        burst: float | None = None,
        retry_after: float | str | None = None,
    ) -> None:
        """Token bucket for ``method`` (``per_minute=None`` removes it).

        ``burst`` is the bucket size (default ``per_minute``); Retry-After defaults to the
        whole seconds until the next token.
        """
        with self._lock:
            if per_minute is None:
                self._buckets.pop(method, None)
                return
            capacity = burst if burst is not None else max(1.0, per_minute)
            self._buckets[method] = TokenBucket(per_minute / 60.0, capacity, self.clock)
            self._bucket_retry[method] = retry_after

    def channel_rate_limit(self, per_second: float | None = 1.0, *, burst: float = 1.0) -> None:
        """Slack's "1 message per second per channel" for chat.postMessage (off by default)."""
        with self._lock:
            self._channel_limit = None if per_second is None else (per_second, burst)
            self._channel_buckets.clear()

    def fail_next(
        self,
        method: str,
        n: int = 1,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: float | str | None = 1,
        **extra: Any,
    ) -> None:
        """Make the next ``n`` calls of ``method`` fail.

        Default: HTTP 429 ``ratelimited`` with ``Retry-After``. With ``error`` only, an
        ``ok: false`` answer at HTTP 200 (Slack's usual style); with ``status`` too, that
        status (e.g. ``error="internal_error", status=500``).
        """
        if error is None:
            error = "ratelimited" if status in (None, 429) else "internal_error"
            status = status or 429
        elif status is None:
            status = 200
        with self._lock:
            self._faults.setdefault(method, []).extend(
                _Fault(status, error, retry_after if status == 429 else None, dict(extra))
                for _ in range(n)
            )

    def error_for(self, method: str, error: str | None, **extra: Any) -> None:
        """Answer every call of ``method`` with ``{"ok": false, "error": error, **extra}``.

        ``error=None`` clears it. ``missing_scope`` adds ``provided`` unless given.
        """
        with self._lock:
            if error is None:
                self._errors.pop(method, None)
            else:
                self._errors[method] = {"error": error, **extra}

    def issue_trigger(self) -> str:
        """A trigger_id as Slack puts in an interaction; it expires 3 s later (fake clock).

        Trigger ids the fake did not issue are accepted as before (no expiry known).
        """
        with self._lock:
            trigger = f"{len(self._triggers) + 1}.{self.team_id}.{int(self.clock() * 1000)}"
            self._triggers[trigger] = self.clock()
        return trigger

    def revoke_token(self, error: str | None = "token_revoked") -> None:
        """Every call answers ``token_revoked`` (or ``account_inactive``); None restores."""
        with self._lock:
            self.token_state = error

    def archive_channel(self, channel: str, archived: bool = True) -> None:
        """Posting to ``channel`` answers ``is_archived``; its info says so."""
        with self._lock:
            if archived:
                self.archived_channels.add(channel)
            else:
                self.archived_channels.discard(channel)
            self.channels.setdefault(channel, {})["is_archived"] = archived

    def remove_bot(self, channel: str) -> None:
        """The bot leaves ``channel``: posting there answers ``not_in_channel``."""
        with self._lock:
            if self.bot_channels is None:
                self.bot_channels = set(self.channels) | set(self.channel_members)
            self.bot_channels.discard(channel)

    def clear_faults(self) -> None:
        """Forget every queued failure, persistent error and rate limit."""
        with self._lock:
            self._faults.clear()
            self._errors.clear()
            self._buckets.clear()
            self._channel_limit = None
            self._channel_buckets.clear()

    def response_url(self, kind: str = "commands") -> str:
        """A fresh response_url (``{url}/{kind}/response/<id>``) whose POSTs are recorded."""
        with self._lock:
            rid = f"{len(self._response_urls) + 1:06d}"
            self._response_urls[rid] = _ResponseUrl(kind=kind, created=self.clock())
        return f"{self.url}/{kind}/response/{rid}"

    # ------------------------------------------------------------------ inspection
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def message(self, channel: str, ts: str) -> JSONDict | None:
        with self._lock:
            return self._find_message(channel, ts)

    def responses_to(self, url: str) -> list[Any]:
        """JSON bodies POSTed to one response_url, in order."""
        with self._lock:
            return [post.body for post in self.responses if post.url == url]

    # ------------------------------------------------------------------ HTTP
    def handle(self, request: HttpRequest) -> HttpReply:
        if request.path.startswith("/api/"):
            return self._api(request)
        match = re.fullmatch(r"/([^/]+)/response/([^/]+)", request.path)
        if match and request.method == "POST":
            return self._response_post(request, match.group(1), match.group(2))
        return HttpReply.text("not found", status=404)

    def _parse_params(self, request: HttpRequest) -> JSONDict:
        params: JSONDict = dict(request.query)
        content_type = request.headers.get("content-type", "")
        if request.body:
            text = request.body.decode("utf-8")
            if "json" in content_type:
                data = json.loads(text)
                if not isinstance(data, dict):
                    raise SlackError("invalid_json")
                params.update(data)
            else:
                params.update(parse_qsl(text, keep_blank_values=True))
        for name in _JSON_FIELDS:
            value = params.get(name)
            if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
                # Invalid JSON stays a string and is reported as a format error.
                with contextlib.suppress(json.JSONDecodeError):
                    params[name] = json.loads(value)
        return params

    def _api(self, request: HttpRequest) -> HttpReply:
        method = request.path[len("/api/") :].strip("/")
        headers: dict[str, str] = {}
        with self._lock:
            try:
                params = self._parse_params(request)
            except (SlackError, json.JSONDecodeError, UnicodeDecodeError):
                params = {}
                status, payload = 200, {"ok": False, "error": "invalid_form_data"}
            else:
                status, payload, headers = self._dispatch(method, params, request.headers)
            self.calls.append(Call(method, params, request.headers, status, payload))
        headers["x-oauth-scopes"] = ",".join(sorted(self.scopes))
        return HttpReply.json(payload, status=status, headers=headers)

    def _dispatch(
        self, method: str, params: JSONDict, headers: Mapping[str, str]
    ) -> tuple[int, JSONDict, dict[str, str]]:
        faults = self._faults.get(method)
        if faults:
            fault = faults.pop(0)
            out_headers: dict[str, str] = {}
            if fault.status == 429:
                self.rate_limited[method] += 1
                out_headers["Retry-After"] = retry_after_header(fault.retry_after, 1.0)
            return fault.status, {"ok": False, "error": fault.error, **fault.extra}, out_headers
        try:
            if method == "apps.connections.open":
                return 200, self._apps_connections_open(params, headers), {}
            self._authenticate(params, headers)
            if method in self._errors:
                return 200, self._persistent_error(method), {}
            self._check_scopes(method)
            bucket = self._buckets.get(method)
            if bucket is not None:
                wait = bucket.take()
                if wait > 0:
                    raise _Throttled(wait, self._bucket_retry.get(method))
            handler = self._methods.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            return 200, handler(params), {}
        except SlackError as exc:
            return exc.status, {"ok": False, "error": exc.error, **exc.extra}, {}
        except _Throttled as exc:
            self.rate_limited[method] += 1
            retry = retry_after_header(exc.retry_after, exc.wait)
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": retry}

    def _authenticate(self, params: JSONDict, headers: Mapping[str, str]) -> None:
        auth = headers.get("authorization", "")
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else ""
        token = token or str(params.get("token") or "")
        if not token:
            raise SlackError("not_authed")
        if token not in self.valid_tokens:
            raise SlackError("invalid_auth")
        if self.token_state is not None:
            raise SlackError(self.token_state)

    def _apps_connections_open(self, params: JSONDict, headers: Mapping[str, str]) -> JSONDict:
        """Slack's docs: an app-level token, in the Authorization header only (as a POST
        parameter it is an error); answers ``{"ok": true, "url": "wss://…"}``."""
        auth = headers.get("authorization", "")
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else ""
        if not token:
            raise SlackError("not_authed")
        if token in self.valid_tokens:
            raise SlackError("not_allowed_token_type")
        if token not in self.app_tokens:
            raise SlackError("invalid_auth")
        if self.socket_url is None:
            raise SlackError("internal_error")
        return {"ok": True, "url": self.socket_url}

    def _persistent_error(self, method: str) -> JSONDict:
        payload: JSONDict = {"ok": False, **self._errors[method]}
        if payload["error"] == "missing_scope":
            payload.setdefault("needed", ",".join(METHOD_SCOPES.get(method, ())))
            payload.setdefault("provided", ",".join(sorted(self.scopes)))
        return payload

    def _check_scopes(self, method: str) -> None:
        if method not in METHOD_SCOPES and method not in NO_SCOPE_METHODS:
            # Unlisted means unverified: add it from Slack's method page before use.
            raise SlackError("unknown_method", detail=f"fake knows no scopes for {method}")
        needed = METHOD_SCOPES.get(method)
        if needed and not self.scopes.intersection(needed):
            raise SlackError(
                "missing_scope", needed=needed[0], provided=",".join(sorted(self.scopes))
            )

    # ------------------------------------------------------------------ helpers
    def _next_ts(self) -> str:
        self._seq += 1
        micros = _TS_BASE_MICROS + self._seq * 100
        if self.ts_clock is not None:
            micros = max(int(self.ts_clock() * 1_000_000), self._last_ts + 100)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _find_message(self, channel: str, ts: str) -> JSONDict | None:
        for message in self.messages.get(channel, []):
            if message.get("ts") == ts:
                return message
        return None

    def _require(self, params: JSONDict, name: str) -> str:
        value = params.get(name)
        if value is None or value == "":
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": [f"[ERROR] missing required field: {name}"]},
            )
        return str(value)

    def _channel(self, params: JSONDict) -> str:
        channel = params.get("channel")
        if not channel:
            raise SlackError("channel_not_found")
        channel = str(channel)
        if channel.startswith(_DM_PREFIXES):
            return channel
        known = set(self.channels) | set(self.channel_members)
        if known and channel not in known:
            raise SlackError("channel_not_found")
        return channel

    def _check_in_channel(self, channel: str) -> None:
        if channel.startswith(_DM_PREFIXES):
            return
        if channel in self.archived_channels:
            raise SlackError("is_archived")
        if self.bot_channels is not None and channel not in self.bot_channels:
            raise SlackError("not_in_channel")

    def _check_message(
        self, params: JSONDict, *, require_content: bool, total_text: bool = True
    ) -> None:
        text = params.get("text")
        if text is not None and not isinstance(text, str):
            text = str(text)
        if text is not None and len(text) > MAX_MESSAGE_TEXT:
            raise SlackError("msg_too_long")
        markdown = params.get("markdown_text")
        if isinstance(markdown, str) and len(markdown) > MAX_MARKDOWN_TEXT:
            raise SlackError("markdown_text_too_long")
        blocks = params.get("blocks")
        if blocks is not None:
            if isinstance(blocks, str):
                if blocks.strip():
                    raise SlackError("invalid_blocks_format")
            else:
                errors = check_message_blocks(blocks)
                if errors:
                    raise SlackError(
                        "invalid_blocks",
                        errors=errors,
                        response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
                    )
                if total_text and blocks_text_size(blocks) > MAX_BLOCKS_TOTAL_TEXT:
                    raise SlackError("msg_blocks_too_long")
        if require_content and not (text or markdown or blocks or params.get("attachments")):
            raise SlackError("no_text")

    def _throttle_channel(self, channel: str) -> None:
        if self._channel_limit is None:
            return
        rate, burst = self._channel_limit
        bucket = self._channel_buckets.get(channel)
        if bucket is None:
            bucket = TokenBucket(rate, burst, self.clock)
            self._channel_buckets[channel] = bucket
        wait = bucket.take()
        if wait > 0:
            raise _Throttled(wait)

    def _user_object(self, user_id: str) -> JSONDict:
        raw = self.users[user_id]
        profile = dict(raw.get("profile") or {})
        profile.setdefault("real_name", raw.get("real_name", raw.get("name", "")))
        profile.setdefault("display_name", raw.get("name", ""))
        if "users:read.email" not in self.scopes:
            profile.pop("email", None)
        user: JSONDict = {
            "id": user_id,
            "team_id": self.team_id,
            "name": raw.get("name", user_id.lower()),
            "real_name": raw.get("real_name", raw.get("name", "")),
            "deleted": bool(raw.get("deleted", False)),
            "is_bot": bool(raw.get("is_bot", False)),
            "is_app_user": False,
            "tz": raw.get("tz", "Asia/Tokyo"),
            "profile": profile,
        }
        for key, value in raw.items():
            if key not in user:
                user[key] = value
        return user

    # ------------------------------------------------------------------ methods
    def _auth_test(self, params: JSONDict) -> JSONDict:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _dm_channel(self, channel: str) -> str:
        """A user id (U…/W…) as ``channel`` posts to the DM with that user: Slack answers
        with, and stores under, the ``D…`` conversation id (as conversations.open gives)."""
        if channel.startswith(("U", "W")):
            if channel not in self.users:
                raise SlackError("channel_not_found")
            return "D" + channel[1:]
        return channel

    def _chat_post_message(self, params: JSONDict) -> JSONDict:
        channel = self._dm_channel(self._channel(params))
        self._check_in_channel(channel)
        self._check_message(params, require_content=True)
        self._throttle_channel(channel)
        message: JSONDict = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": str(params.get("text") or ""),
            "ts": self._next_ts(),
        }
        for key in ("blocks", "attachments", "metadata", "thread_ts", "markdown_text"):
            if params.get(key) not in (None, ""):
                message[key] = params[key]
        warning = _drop_bad_metadata(message)
        self.messages.setdefault(channel, []).append(message)
        reply = {"ok": True, "channel": channel, "ts": message["ts"], "message": dict(message)}
        return {**reply, "warning": warning} if warning else reply

    def _chat_update(self, params: JSONDict) -> JSONDict:
        channel = self._channel(params)
        ts = self._require(params, "ts")
        message = self._find_message(channel, ts)
        if message is None:
            raise SlackError("message_not_found")
        if message.get("user") != self.bot_user_id:
            raise SlackError("cant_update_message")
        self._check_message(params, require_content=False)
        if "text" in params:
            message["text"] = str(params.get("text") or "")
        for key in ("blocks", "attachments", "metadata"):
            if key in params:
                if params[key] in (None, "", []):
                    message.pop(key, None)
                else:
                    message[key] = params[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": message["text"],
            "message": dict(message),
        }

    def _chat_delete(self, params: JSONDict) -> JSONDict:
        channel = self._channel(params)
        ts = self._require(params, "ts")
        message = self._find_message(channel, ts)
        if message is None:
            raise SlackError("message_not_found")
        if message.get("user") != self.bot_user_id:
            raise SlackError("cant_delete_message")
        self.messages[channel].remove(message)
        return {"ok": True, "channel": channel, "ts": ts}

    def _chat_post_ephemeral(self, params: JSONDict) -> JSONDict:
        channel = self._channel(params)
        user = self._require(params, "user")
        self._check_in_channel(channel)
        members = self.channel_members.get(channel)
        if members is not None and user not in members:
            raise SlackError("user_not_in_channel")
        self._check_message(params, require_content=True)
        ts = self._next_ts()
        record: JSONDict = {
            "channel": channel,
            "user": user,
            "text": str(params.get("text") or ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts"):
            if params.get(key) not in (None, ""):
                record[key] = params[key]
        self.ephemerals.append(record)
        return {"ok": True, "message_ts": ts}

    def _chat_get_permalink(self, params: JSONDict) -> JSONDict:
        channel = self._channel(params)
        ts = self._require(params, "message_ts")
        message = self._find_message(channel, ts)
        if message is None:
            raise SlackError("message_not_found")
        link = f"https://{self.team_domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": link}

    # views
    def _check_view(self, view: Any, *, home: bool = False) -> JSONDict:
        if isinstance(view, str) or not isinstance(view, dict):
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": ["[ERROR] must be an object [json-pointer:/view]"]},
            )
        checker = BlockChecker()
        kind = view.get("type")
        expected = {"home"} if home else {"modal"}
        if kind not in expected:
            checker.errors.append(_ptr_error("must be a valid enum value", "/view/type"))
        if kind == "modal":
            if "title" not in view:
                checker.errors.append(_ptr_error("missing required field: title", "/view"))
            else:
                checker.text(view["title"], "/view/title", limit=MAX_VIEW_TITLE, plain_only=True)
            for key in ("submit", "close"):
                if key in view:
                    checker.text(view[key], f"/view/{key}", limit=MAX_VIEW_TITLE, plain_only=True)
        metadata = view.get("private_metadata")
        if isinstance(metadata, str) and len(metadata) > MAX_PRIVATE_METADATA:
            checker.errors.append(
                _ptr_error(
                    f"must be less than {MAX_PRIVATE_METADATA + 1} characters",
                    "/view/private_metadata",
                )
            )
        checker.blocks(view.get("blocks"), "/view/blocks", MAX_VIEW_BLOCKS)
        if checker.errors:
            raise SlackError(
                "invalid_arguments",
                response_metadata={"messages": [f"[ERROR] {e}" for e in checker.errors]},
            )
        return view

    def _store_view(self, view: JSONDict, *, previous: str | None, root: str | None) -> JSONDict:
        self._view_seq += 1
        view_id = f"V{self._view_seq:09d}"
        stored: JSONDict = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view.get("type"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self.clock() * 1000)}.{self._view_seq:08x}",
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": previous,
            "root_view_id": root or view_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        self.views[view_id] = stored
        return stored

    def _trigger(self, params: JSONDict) -> str:
        trigger = self._require(params, "trigger_id")
        if trigger in self.expired_trigger_ids:
            raise SlackError("expired_trigger_id")
        issued = self._triggers.get(trigger)
        if issued is not None and self.clock() - issued > TRIGGER_LIFETIME:
            raise SlackError("expired_trigger_id")
        return trigger

    def _views_open(self, params: JSONDict) -> JSONDict:
        self._trigger(params)
        view = self._check_view(params.get("view"))
        return {"ok": True, "view": self._store_view(view, previous=None, root=None)}

    def _views_publish(self, params: JSONDict) -> JSONDict:
        user_id = self._require(params, "user_id")
        view = self._check_view(params.get("view"), home=True)
        stored = self._store_view(view, previous=None, root=None)
        self.home_views[user_id] = stored
        return {"ok": True, "view": stored}

    # reactions
    def _reactions_get(self, params: JSONDict) -> JSONDict:
        channel = self._channel(params)
        ts = self._require(params, "timestamp")
        message = self._find_message(channel, ts)
        reactions = self._reactions.get((channel, ts))
        if message is None and reactions is None:
            raise SlackError("message_not_found")
        out: JSONDict = dict(message) if message else {"type": "message", "ts": ts, "text": ""}
        full = _truthy(params.get("full"))
        listed: list[JSONDict] = []
        for name, users in (reactions or {}).items():
            shown = list(users)
            if not full and self.reaction_users_limit is not None:
                shown = shown[: self.reaction_users_limit]
            listed.append({"name": name, "users": shown, "count": len(users)})
        if listed:
            out["reactions"] = listed
        out["permalink"] = (
            f"https://{self.team_domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        )
        return {"ok": True, "type": "message", "channel": channel, "message": out}

    def _conversations_members(self, params: JSONDict) -> JSONDict:
        channel = self._channel(params)
        members = self.channel_members.get(channel)
        if members is None:
            if channel not in self.channels:
                raise SlackError("channel_not_found")
            members = []
        page, next_cursor = _paginate(list(members), list(members), params)
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_history(self, params: JSONDict) -> JSONDict:
        """Like Slack: newest first; only messages strictly after ``oldest`` and before
        ``latest`` (both ends kept with ``inclusive``); ``limit`` defaults to 100 and is
        at most 999; cursor pages; thread replies are not listed; metadata only with
        include_all_metadata."""
        channel = self._channel(params)
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or "inf")
        inclusive = _truthy(params.get("inclusive"))
        with_metadata = _truthy(params.get("include_all_metadata"))
        found = []
        for message in reversed(self.messages.get(channel, [])):
            ts = float(message["ts"])
            after = ts >= oldest if inclusive else ts > oldest
            before = ts <= latest if inclusive else ts < latest
            reply = message.get("thread_ts") not in (None, message["ts"])
            if not (after and before) or reply:
                continue
            item = dict(message)
            if not with_metadata:
                item.pop("metadata", None)
            found.append(item)
        paging = dict(params)
        limit = _int_param(params, "limit", 100)
        paging["limit"] = 100 if limit <= 0 else min(limit, 999)
        page, next_cursor = _paginate(found, [m["ts"] for m in found], paging)
        return {
            "ok": True,
            "messages": page,
            "has_more": bool(next_cursor),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _conversations_info(self, params: JSONDict) -> JSONDict:
        channel = self._channel(params)
        if channel not in self.channels and channel not in self.channel_members:
            raise SlackError("channel_not_found")
        info = self.channels.get(channel, {})
        is_private = bool(info.get("is_private", False))
        out: JSONDict = {
            "id": channel,
            "name": info.get("name", channel.lower()),
            "is_channel": not is_private,
            "is_group": is_private,
            "is_im": False,
            "is_private": is_private,
            "is_archived": bool(info.get("is_archived", False)),
            "is_member": self.bot_channels is None or channel in self.bot_channels,
            "created": 1_600_000_000,
        }
        if channel in self.channel_members:
            out["num_members"] = len(self.channel_members[channel])
        for key, value in info.items():
            out.setdefault(key, value)
        return {"ok": True, "channel": out}

    def _users_info(self, params: JSONDict) -> JSONDict:
        user_id = self._require(params, "user")
        if user_id not in self.users:
            raise SlackError("user_not_found")
        return {"ok": True, "user": self._user_object(user_id)}

    def _usergroups_list(self, params: JSONDict) -> JSONDict:
        return {"ok": True, "usergroups": [dict(g) for g in self.usergroups.values()]}

    def _response_post(self, request: HttpRequest, kind: str, rid: str) -> HttpReply:
        url = f"{self.url}/{kind}/response/{rid}"
        with self._lock:
            entry = self._response_urls.get(rid)
            try:
                body: Any = json.loads(request.body.decode("utf-8") or "null")
            except (json.JSONDecodeError, UnicodeDecodeError):
                body = request.body.decode("utf-8", "replace")
            status = 200
            payload: JSONDict = {"ok": True}
            if entry is None or entry.kind != kind:
                status, payload = 404, {"ok": False, "error": "no_service"}
            elif self.clock() - entry.created > RESPONSE_URL_LIFETIME:
                status, payload = 404, {"ok": False, "error": "expired_url"}
            elif entry.uses >= RESPONSE_URL_MAX_USES:
                status, payload = 404, {"ok": False, "error": "used_url"}
            elif not isinstance(body, dict):
                status, payload = 400, {"ok": False, "error": "invalid_payload"}
            else:
                try:
                    self._check_message(body, require_content=False, total_text=False)
                except SlackError as exc:
                    status, payload = 400, {"ok": False, "error": exc.error, **exc.extra}
                entry.uses += 1
            self.responses.append(ResponsePost(rid, url, body, status))
        return HttpReply.json(payload, status=status)
