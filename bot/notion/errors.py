"""What a publish returns, the errors it raises, and the hints they carry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from notion_client.errors import HTTPResponseError

from bot.core.i18n import Language, t

# What a request was about, so a refusal can name the thing to fix.
Where = Literal["database", "parent", "page", "block", "users"]


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


def page_url(page_id: str) -> str:
    """The stable address of a page (Notion redirects it to the titled one)."""
    return f"https://www.notion.so/{page_id.replace('-', '')}"


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


def rejection(
    exc: HTTPResponseError, lang: Language, where: Where, ids: Mapping[Where, str], subject: str
) -> NotionRejected:
    """The 4xx ``exc`` as a NotionRejected whose hint tells the organisers what to fix."""
    status, code, detail = exc.status, _code(exc), str(exc)
    if _block_limit(code, detail):
        hint = t(lang, "notion_publish_block_limit", detail=detail)
    elif status == 401:
        hint = t(lang, "notion_publish_unauthorized")
    elif status == 403:
        hint = t(lang, "notion_publish_restricted", detail=detail)
    elif status == 404 and where in ("database", "parent"):
        key = (
            "notion_publish_database_missing"
            if where == "database"
            else "notion_publish_parent_missing"
        )
        hint = t(lang, key, id=ids.get(where, ""))
    elif status == 404 and where == "page":
        hint = t(lang, "notion_publish_page_missing", id=subject)
    else:
        hint = t(lang, "notion_publish_invalid", detail=detail)
    return NotionRejected(hint, status=status, code=code, detail=detail)
