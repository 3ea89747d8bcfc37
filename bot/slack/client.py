"""Slack Web API clients that honour SLACK_API_URL and survive 429s and dropped connections."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.core.model import Presenter

log = logging.getLogger(__name__)


# Posting twice is visible to everyone; these are retried only when Slack cannot have
# acted on the first attempt (429, or the connection was refused before sending).
NOT_IDEMPOTENT = ("chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage")


def _posts(request: HttpRequest) -> bool:
    return request.url.rstrip("/").endswith(NOT_IDEMPOTENT)


def _never_sent(error: Exception | None) -> bool:
    reason = getattr(error, "reason", error)
    return isinstance(reason, ConnectionRefusedError)


class SafeConnectionRetry(ConnectionErrorRetryHandler):
    """Connection errors are retried, except a post that may already have landed."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if _posts(request) and not _never_sent(error):
            return False
        return bool(
            super()._can_retry(state=state, request=request, response=response, error=error)
        )


class SafeServerErrorRetry(ServerErrorRetryHandler):
    """5xx answers are retried for reads and updates, never for a post."""

    # The same override as SafeConnectionRetry's on another base: the SDK's handlers
    # share no hook where the "never post twice" rule could be written once.

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if _posts(request):
            return False
        return bool(
            super()._can_retry(state=state, request=request, response=response, error=error)
        )


def make_client(token: str | None, base_url: str, *, timeout: int = 15) -> WebClient:
    """A WebClient with retries: 429 after Retry-After, connection errors, 5xx."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return WebClient(
        token=token,
        base_url=base,
        timeout=timeout,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=5),
            SafeConnectionRetry(max_retry_count=3),
            SafeServerErrorRetry(max_retry_count=2),
        ],
    )


@dataclass
class Directory:
    """Slack users as presenters (name and e-mail), cached per process instance."""

    client: WebClient
    _cache: dict[str, Presenter] = field(default_factory=dict)
    _bots: dict[str, bool] = field(default_factory=dict)

    def presenter(self, user_id: str, fallback_name: str | None = None) -> Presenter:
        cached = self._cache.get(user_id)
        if cached is not None:
            return cached
        try:
            user = self.client.users_info(user=user_id)["user"]
        except (SlackApiError, KeyError, TypeError):
            log.warning("users_info_failed", extra={"user": user_id})
            return Presenter(user_id=user_id, name=fallback_name or user_id)
        profile = user.get("profile", {}) or {}
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or user.get("real_name")
            or user.get("name")
            or fallback_name
            or user_id
        )
        presenter = Presenter(user_id=user_id, name=str(name), email=profile.get("email"))
        self._cache[user_id] = presenter
        return presenter

    def is_bot(self, user_id: str) -> bool:
        """Bots and apps never vote; the answer is cached per user."""
        if user_id in self._bots:
            return self._bots[user_id]
        try:
            user = self.client.users_info(user=user_id)["user"]
        except (SlackApiError, KeyError, TypeError):
            return False  # not cached: ask again next time
        answer = bool(user.get("is_bot")) or bool(user.get("is_app_user")) or user_id == "USLACKBOT"
        self._bots[user_id] = answer
        return answer
