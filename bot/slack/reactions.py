"""Reaction events to votes, Slack's reactions.get for reconciliation, coalesced card updates."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.votes import Reaction, VoteService

log = logging.getLogger(__name__)
REACTION_EVENTS = ("reaction_added", "reaction_removed")


class SlackReactions:
    """``reactions.get`` as a ReactionReader."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def reactions(self, channel: str, ts: str) -> Mapping[str, Iterable[str]]:
        try:
            response = self.client.reactions_get(channel=channel, timestamp=ts, full=True)
        except SlackApiError as error:
            if error.response.get("error") == "message_not_found":
                return {}
            raise
        message = response.get("message") or {}
        return {r["name"]: list(r.get("users", [])) for r in message.get("reactions", []) or []}


class CoalescingRefresher:
    """Refresh a card at most once per ``interval`` seconds, however many votes arrive.

    One worker thread serves every card (a thread per card cost memory under load),
    and refreshing one card at a time keeps chat.update well under Slack's rate limit.
    """

    def __init__(self, refresh: Callable[[int], None], interval: float = 2.0) -> None:
        self.refresh = refresh
        self.interval = interval
        self._due: dict[int, float] = {}
        self._wake = threading.Condition()
        self._closed = False
        self._worker: threading.Thread | None = None

    def request(self, topic_id: int) -> None:
        with self._wake:
            if self._closed or topic_id in self._due:
                return
            self._due[topic_id] = time.monotonic() + self.interval
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="card-refresh", daemon=True)
                self._worker.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._closed and not self._ready():
                    wait = min(self._due.values(), default=time.monotonic() + 60) - time.monotonic()
                    self._wake.wait(timeout=max(wait, 0.01))
                if self._closed:
                    return
                topic_id = min(self._due, key=self._due.__getitem__)
                del self._due[topic_id]
            self._fire(topic_id)

    def _ready(self) -> bool:
        now = time.monotonic()
        return any(due <= now for due in self._due.values())

    def _fire(self, topic_id: int) -> None:
        try:
            self.refresh(topic_id)
        except Exception:
            log.warning("card_refresh_failed", exc_info=True, extra={"topic_id": topic_id})

    def flush(self) -> None:
        """Run every pending refresh now and stop (on shutdown)."""
        with self._wake:
            pending = list(self._due)
            self._due.clear()
            self._closed = True
            self._wake.notify_all()
            worker = self._worker
        if worker is not None:
            worker.join(timeout=10)
        for topic_id in pending:
            self._fire(topic_id)


def register(app: App, *, votes: VoteService) -> None:
    """Votes are applied before Slack gets its 200, not after.

    Applying first gives backpressure (a burst cannot pile up acknowledged events in
    memory) and makes a failure visible to Slack, which then retries: an event it saw
    acknowledged is always in the database. Re-deliveries are no-ops (event ids).
    """

    def apply_before_ack(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        event = body.get("event") or {}
        if body.get("type") != "event_callback" or event.get("type") not in REACTION_EVENTS:
            next()
            return None
        item = event.get("item") or {}
        if item.get("type") == "message" and body.get("event_id"):
            votes.apply(
                Reaction(
                    event_id=str(body["event_id"]),
                    channel=str(item.get("channel", "")),
                    ts=str(item.get("ts", "")),
                    user=str(event.get("user", "")),
                    emoji=str(event.get("reaction", "")),
                    added=event.get("type") == "reaction_added",
                    event_ts=str(event.get("event_ts") or "") or None,
                )
            )
        return BoltResponse(status=200, body="")

    app.middleware(apply_before_ack)
