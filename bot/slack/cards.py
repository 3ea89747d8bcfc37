"""Posting and refreshing topic cards in the study channel."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.i18n import Language, t
from bot.core.model import Topic
from bot.slack.views import topic_card
from bot.store import Repository

log = logging.getLogger(__name__)


@dataclass
class Cards:
    """The channel's topic cards: post once, record the ts, update in place."""

    client: WebClient
    repo: Repository
    channel: str
    lang: Language
    vote_emoji: str = "+1"

    def post(self, topic: Topic) -> Topic:
        """Post the card; if Slack refuses, the topic stays stored and the caller says so."""
        text, blocks = topic_card(topic, self.lang, self.vote_emoji)
        try:
            response = self.client.chat_postMessage(
                channel=self.channel, text=text, blocks=blocks, unfurl_links=False
            )
        except Exception as error:  # the topic is stored; the card is posted again at publish
            log.error(
                "card_post_failed",
                extra={"topic_id": topic.id, "error": _error_code(error)},
            )
            return topic
        ts = str(response["ts"])
        channel = str(response.get("channel") or self.channel)
        log.info("card_posted", extra={"topic_id": topic.id, "ts": ts})
        return self.repo.set_card(topic.id, channel, ts)

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


def _error_code(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))
    return type(error).__name__
