"""Prometheus metrics (/metrics): what the bot did, by kind and outcome, never by user."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

# Slack's request kinds; anything else is "other" so a label can never carry free text.
_KINDS = frozenset(
    {
        "command",
        "event_callback",
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "url_verification",
    }
)
# Seconds from receipt to Bolt's answer; Slack gives up after 3 s.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
_NOTION_ID = re.compile(r"[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}")
_SLACK_CODE = re.compile(r"[a-z0-9_]{1,60}")


def request_kind(body: Any) -> str:
    """The label for a Slack request: its type (or ``command``), from a fixed set."""
    if not isinstance(body, dict):
        return "other"
    if body.get("command"):
        return "command"
    kind = body.get("type")
    return kind if isinstance(kind, str) and kind in _KINDS else "other"


def notion_endpoint(request: httpx.Request) -> str:
    """``PATCH /v1/blocks/{id}/children``: the method and path, ids replaced."""
    path = _NOTION_ID.sub("{id}", request.url.path)
    return f"{request.method} {path}"


class Metrics:
    """Every metric of #18 in its own registry (no module-global state); when disabled
    (METRICS=false) each recording method returns at once and /metrics is not served."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.submissions = Counter(
            "studybot_submissions",
            "Topic submissions by outcome (accepted or rejected).",
            ["outcome"],
            registry=r,
        )
        self.rejections = Counter(
            "studybot_submission_rejections",
            "Rules failed by rejected submissions (one submission may fail several).",
            ["rule"],
            registry=r,
        )
        self.votes = Counter("studybot_votes_applied", "Vote reaction events applied.", registry=r)
        self.duplicates = Counter(
            "studybot_events_deduplicated",
            "Vote reaction events already seen (Slack re-deliveries), ignored.",
            registry=r,
        )
        self.ack = Histogram(
            "studybot_ack_seconds",
            "Time from receiving a Slack request to acknowledging it, per request kind.",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=r,
        )
        self.cards = Counter(
            "studybot_card_posts", "Topic cards posted, by outcome.", ["outcome"], registry=r
        )
        self.publishes = Counter(
            "studybot_publish_runs",
            "Agenda publish runs by target (slack, notion) and outcome.",
            ["target", "outcome"],
            registry=r,
        )
        self.last_publish = Gauge(
            "studybot_last_complete_publish_timestamp_seconds",
            "Unix time of the last publish that completed, per target.",
            ["target"],
            registry=r,
        )
        self.api_calls = Counter(
            "studybot_api_calls",
            "Slack and Notion API calls by service, method and status.",
            ["service", "method", "status"],
            registry=r,
        )
        self.api_retries = Counter(
            "studybot_api_retries",
            "Slack API calls retried, by method and reason (429, 5xx, connection).",
            ["service", "method", "reason"],
            registry=r,
        )
        self.jobs = Counter(
            "studybot_job_runs", "Scheduled job runs by job and outcome.", ["job", "outcome"],
            registry=r,
        )  # fmt: skip

    # -- recording ------------------------------------------------------------------
    def submission(self, accepted: bool, rules: Iterable[str] = ()) -> None:
        if not self.enabled:
            return
        self.submissions.labels("accepted" if accepted else "rejected").inc()
        for rule in rules:
            self.rejections.labels(rule).inc()

    def vote(self, applied: bool) -> None:
        if self.enabled:
            (self.votes if applied else self.duplicates).inc()

    def card_post(self, ok: bool) -> None:
        if self.enabled:
            self.cards.labels("ok" if ok else "failed").inc()

    def publish(self, target: str, error: str | None, *, at: float | None = None) -> None:
        if not self.enabled:
            return
        self.publishes.labels(target, "failed" if error else "ok").inc()
        if error is None:
            self.last_publish.labels(target).set(time.time() if at is None else at)

    def job_run(self, job: str, ok: bool) -> None:
        if self.enabled:
            self.jobs.labels(job, "ok" if ok else "failed").inc()

    def dispatched(self, request: BoltRequest, _response: BoltResponse, seconds: float) -> None:
        """HttpServer/Socket Mode: one Slack request acknowledged after ``seconds``."""
        if self.enabled:
            self.ack.labels(request_kind(request.body)).observe(seconds)

    def api_call(self, service: str, method: str, status: str) -> None:
        if self.enabled:
            self.api_calls.labels(service, method, status).inc()

    # -- wiring ---------------------------------------------------------------------
    def watch_slack(self, client: WebClient) -> None:
        """Count every Web API call of ``client`` by method and result, and its retries."""
        if not self.enabled:
            return
        call = client.api_call

        def counted(api_method: str, *args: Any, **kwargs: Any) -> Any:
            try:
                response = call(api_method, *args, **kwargs)
            except SlackApiError as error:
                code = str(error.response.get("error") or "error")
                self.api_call("slack", api_method, code if _SLACK_CODE.fullmatch(code) else "error")
                raise
            except Exception:
                self.api_call("slack", api_method, "connection_error")
                raise
            self.api_call("slack", api_method, "ok")
            return response

        # WebClient has no hook for this: every method funnels through api_call.
        setattr(client, "api_call", counted)  # noqa: B010
        client.retry_handlers = [_CountingRetry(h, self) for h in client.retry_handlers]

    def watch_httpx(self, client: httpx.Client, service: str) -> None:
        """Count every response of an httpx client (Notion's) by endpoint and status."""
        if not self.enabled:
            return

        def on_response(response: httpx.Response) -> None:
            self.api_call(service, notion_endpoint(response.request), str(response.status_code))

        client.event_hooks["response"] = [*client.event_hooks["response"], on_response]

    def route(self) -> tuple[int, bytes, str]:
        """The /metrics answer in the Prometheus text format."""
        return 200, generate_latest(self.registry), CONTENT_TYPE_LATEST


class _CountingRetry(RetryHandler):
    """Delegates to a retry handler of the client and counts the retries it grants."""

    def __init__(self, inner: RetryHandler, metrics: Metrics) -> None:
        super().__init__(max_retry_count=inner.max_retry_count)
        self.inner = inner
        self.metrics = metrics

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        granted = bool(
            self.inner.can_retry(state=state, request=request, response=response, error=error)
        )
        if granted:
            method = request.url.rstrip("/").rsplit("/", 1)[-1]
            reason = str(response.status_code) if response is not None else "connection"
            self.metrics.api_retries.labels("slack", method, reason).inc()
        return granted

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        self.inner.prepare_for_next_attempt(
            state=state, request=request, response=response, error=error
        )
