"""Posting and refreshing topic cards in the study channel."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.i18n import Language, t
from bot.core.model import Topic
from bot.services.ports import CardStore
from bot.slack.views import confirmation, topic_card

log = logging.getLogger(__name__)

# Names the topic inside the card itself, so a card posted just before a crash (its ts
# never recorded) is found again in the channel instead of being posted twice.
CARD_EVENT = "studybot_topic_card"
# How far before a topic's submission its card may be looked for (clock skew).
LOOKBACK = dt.timedelta(minutes=5)
HISTORY_PAGES = 20


@dataclass
class Cards:
    """The channel's topic cards: post once, record the ts, update in place."""

    client: WebClient
    repo: CardStore
    channel: str
    lang: Language
    vote_emoji: str = "+1"
    _identity: tuple[str, str] | None = field(default=None, init=False, repr=False)
    # Set by the wiring (bot/metrics.py): each card post, ok or not.
    on_post: Callable[[bool], None] | None = field(default=None, init=False, repr=False)

    def post(self, topic: Topic) -> Topic:
        """Post the card and record it; if Slack refuses, the topic stays stored as it was."""
        where = self.send(topic)
        return topic if where is None else self.repo.set_card(topic.id, *where)

    def send(self, topic: Topic) -> tuple[str, str] | None:
        """Post the card: its (channel, ts), or None when Slack refused (logged; the
        topic is stored and its card is posted again at publish)."""
        text, blocks = topic_card(topic, self.lang, self.vote_emoji)
        try:
            response = self.client.chat_postMessage(
                channel=self.channel,
                text=text,
                blocks=blocks,
                metadata=card_metadata(topic),
                unfurl_links=False,
            )
        except Exception as error:  # the topic is stored; the card is posted again at publish
            log.error(
                "card_post_failed",
                extra={"topic_id": topic.id, "error": _error_code(error)},
            )
            if self.on_post is not None:
                self.on_post(False)
            return None
        if self.on_post is not None:
            self.on_post(True)
        ts = str(response["ts"])
        channel = str(response.get("channel") or self.channel)
        log.info("card_posted", extra={"topic_id": topic.id, "ts": ts})
        return channel, ts

    def ensure(self, topic: Topic) -> Topic:
        """The topic's card: the recorded one, ours found in the channel, or a new one."""
        if topic.card_ts is not None:
            return topic
        return self.recover([topic], post_when_unsure=True)[0]

    def recover(self, topics: Iterable[Topic], *, post_when_unsure: bool = False) -> list[Topic]:
        """Give every topic without a recorded card one: adopt the card this bot already
        posted for it (a crash came between posting and recording), else post it now.
        When the channel cannot be read, nothing is posted unless ``post_when_unsure``
        (the publish must have a card to vote on; a start can leave it to the publish)."""
        missing = [topic for topic in topics if topic.card_ts is None]
        if not missing:
            return []
        since = min(topic.submitted_at for topic in missing) - LOOKBACK
        found = self.find(since)
        if found is None:
            if not post_when_unsure:
                return []
            found = {}
        done = []
        for topic in missing:
            where = found.get(topic.id)
            if where is None:
                done.append(self.post(topic))
                continue
            log.info("card_adopted", extra={"topic_id": topic.id, "ts": where[1]})
            done.append(self.repo.set_card(topic.id, *where))
        return done

    def find(self, since: dt.datetime) -> dict[int, tuple[str, str]] | None:
        """Our own cards in the channel since ``since``: topic id -> (channel, ts), the
        earliest card of a topic first; None when Slack cannot tell."""
        try:
            bot_user, bot_id = self._me()
            found: dict[int, tuple[str, str]] = {}
            cursor: str | None = None
            for _ in range(HISTORY_PAGES):
                response = self.client.conversations_history(
                    channel=self.channel,
                    oldest=f"{since.timestamp():.6f}",
                    limit=200,
                    include_all_metadata=True,
                    cursor=cursor,
                )
                messages: list[dict[str, Any]] = response.get("messages", []) or []
                for message in messages:  # newest first: an earlier card overwrites
                    topic_id = _card_topic(message, bot_user, bot_id)
                    if topic_id is not None:
                        found[topic_id] = (self.channel, str(message["ts"]))
                meta = response.get("response_metadata") or {}
                cursor = meta.get("next_cursor") or None
                if not cursor:
                    break
        except SlackApiError as error:
            log.warning("card_lookup_failed", extra={"error": _error_code(error)})
            return None
        return found

    def _me(self) -> tuple[str, str]:
        """This bot's user id and bot id: only its own messages are adopted."""
        if self._identity is None:
            response = self.client.auth_test()
            self._identity = (str(response.get("user_id") or ""), str(response.get("bot_id") or ""))
        return self._identity

    def receipt(self, topic: Topic) -> None:
        """The member's receipt for a topic whose card was recovered after a restart."""
        text, blocks = confirmation(topic, self.lang, (), None)
        try:
            self.client.chat_postEphemeral(
                channel=self.channel, user=topic.presenter.user_id, text=text, blocks=blocks
            )
        except SlackApiError as error:
            log.warning("receipt_failed", extra={"topic_id": topic.id, "error": _error_code(error)})

    def permalink_note(self, topic: Topic) -> str:
        """ "The existing card: <link>" for a refused duplicate, or "" if there is none."""
        if topic.card_channel is None or topic.card_ts is None:
            return ""
        try:
            response = self.client.chat_getPermalink(
                channel=topic.card_channel, message_ts=topic.card_ts
            )
        except SlackApiError:
            return ""
        return t(self.lang, "existing_card", link=str(response.get("permalink", "")))

    def refresh(self, topic_id: int) -> None:
        topic = self.repo.get_topic(topic_id)
        if topic.card_channel is None or topic.card_ts is None:
            return
        text, blocks = topic_card(topic, self.lang, self.vote_emoji)
        self.client.chat_update(
            channel=topic.card_channel, ts=topic.card_ts, text=text, blocks=blocks
        )

    def delete(self, topic: Topic) -> None:
        if topic.card_channel is None or topic.card_ts is None:
            return
        try:
            self.client.chat_delete(channel=topic.card_channel, ts=topic.card_ts)
        except SlackApiError:
            log.warning("card_delete_failed", extra={"topic_id": topic.id})


def card_metadata(topic: Topic) -> dict[str, Any]:
    """Slack message metadata naming the card's topic (read back with include_all_metadata)."""
    return {
        "event_type": CARD_EVENT,
        "event_payload": {"topic_id": str(topic.id), "meeting": topic.meeting.isoformat()},
    }


def _card_topic(message: dict[str, Any], bot_user: str, bot_id: str) -> int | None:
    """The topic id a message is the card of, if this bot posted it as a card."""
    if not (bot_id and message.get("bot_id") == bot_id) and not (
        bot_user and message.get("user") == bot_user
    ):
        return None
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != CARD_EVENT:
        return None
    topic_id = str((metadata.get("event_payload") or {}).get("topic_id", ""))
    return int(topic_id) if topic_id.isdigit() else None


def _error_code(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))
    return type(error).__name__
