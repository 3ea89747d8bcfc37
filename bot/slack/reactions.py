"""Reaction events to votes, Slack's reactions.get for reconciliation, coalesced card updates."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.votes import Reaction, VoteService

log = logging.getLogger(__name__)


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
    """Refresh a card at most once per ``interval`` seconds, however many votes arrive."""

    def __init__(self, refresh: Callable[[int], None], interval: float = 2.0) -> None:
        self.refresh = refresh
        self.interval = interval
        self._lock = threading.Lock()
        self._timers: dict[int, threading.Timer] = {}
        self._closed = False

    def request(self, topic_id: int) -> None:
        with self._lock:
            if self._closed or topic_id in self._timers:
                return
            timer = threading.Timer(self.interval, self._fire, args=(topic_id,))
            timer.daemon = True
            self._timers[topic_id] = timer
            timer.start()

    def _fire(self, topic_id: int) -> None:
        with self._lock:
            self._timers.pop(topic_id, None)
        try:
            self.refresh(topic_id)
        except Exception:
            log.warning("card_refresh_failed", exc_info=True, extra={"topic_id": topic_id})

    def flush(self) -> None:
        """Run every pending refresh now (on shutdown)."""
        with self._lock:
            pending = list(self._timers.items())
            self._timers.clear()
            self._closed = True
        for topic_id, timer in pending:
            timer.cancel()
            self._fire(topic_id)


def register(app: App, *, votes: VoteService) -> None:
    def on_reaction(body: dict[str, Any], event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        if item.get("type") != "message":
            return
        reaction = Reaction(
            event_id=str(body.get("event_id") or ""),
            channel=str(item.get("channel", "")),
            ts=str(item.get("ts", "")),
            user=str(event.get("user", "")),
            emoji=str(event.get("reaction", "")),
            added=event.get("type") == "reaction_added",
            event_ts=str(event.get("event_ts") or "") or None,
        )
        if reaction.event_id:
            votes.apply(reaction)

    app.event("reaction_added")(on_reaction)
    app.event("reaction_removed")(on_reaction)
