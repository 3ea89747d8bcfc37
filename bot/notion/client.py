"""Every Notion request: paced, retried with back-off and Retry-After, errors classified."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import notion_client
from notion_client.errors import HTTPResponseError, RequestTimeoutError

from bot.core.i18n import Language, t
from bot.notion import NOTION_VERSION
from bot.notion.errors import NotionRejected, NotionUnavailable, Where, _code, rejection
from bot.notion.users import NotionRequests

log = logging.getLogger("bot.notion.publisher")

PAGE_SIZE = 100
BASE_BACKOFF = 0.5  # seconds before the first retry of a failed request
MAX_BACKOFF = 30.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After gives up and lets the scheduler come back


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


class NotionApi:
    """Every Notion call: paced to ``max_rate`` a second, retried, errors classified.

    It also offers ``request(path, method, query, body)`` like ``notion_client.Client``,
    so helpers written against the client (``notion_user_ids``) get the same pacing.
    """

    def __init__(
        self,
        client: NotionRequests,
        *,
        lang: Language,
        ids: Mapping[Where, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        max_rate: float = 3.0,
        max_attempts: int = 6,
    ) -> None:
        self._client = client
        self._lang = lang
        self._ids: Mapping[Where, str] = ids or {}
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
                        hint = t(self._lang, "notion_publish_unavailable", detail=failure)
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
        raise NotionUnavailable(t(self._lang, "notion_publish_unavailable", detail=failure))

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
        return rejection(exc, self._lang, where, self._ids, subject)


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


def list_children(api: NotionApi, block_id: str, where: Where) -> list[dict[str, Any]]:
    """Every child of a block or page not in the trash, page after page."""
    out: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query: dict[str, Any] = {"page_size": PAGE_SIZE}
        if cursor:
            query["start_cursor"] = cursor
        page = api.call(
            "GET", f"blocks/{block_id}/children", where=where, subject=block_id, query=query
        )
        out += [b for b in page.get("results", []) if not b.get("in_trash")]
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            return out
