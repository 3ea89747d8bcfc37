"""The Slack side of the cycle: the agenda message, announcements, organiser notices."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.agenda import Agenda
from bot.core.i18n import Language
from bot.services.cycle import ChannelError
from bot.slack.blocks import agenda_blocks, agenda_fallback_text, escape
from bot.slack.client import Directory

log = logging.getLogger(__name__)

EVENT_TYPE = "studybot_agenda"
MENTIONS = "{mentions}"
HISTORY_PAGE = 200  # conversations.history allows up to 999; we follow the cursor anyway


class SlackAgenda:
    """Implements the cycle's AgendaChannel port with the Slack Web API."""

    def __init__(
        self, client: WebClient, channel: str, lang: Language, directory: Directory
    ) -> None:
        self.client = client
        self.channel = channel
        self.lang: Language = lang
        self.directory = directory
        self._me: tuple[str, str] | None = None

    def _identity(self) -> tuple[str, str]:
        """Our bot user id and bot id, from auth.test once per process."""
        if self._me is None:
            response = self.client.auth_test()
            self._me = (str(response.get("user_id") or ""), str(response.get("bot_id") or ""))
        return self._me

    def _is_ours(self, message: dict[str, Any]) -> bool:
        user_id, bot_id = self._identity()
        return bool(
            (user_id and message.get("user") == user_id)
            or (bot_id and message.get("bot_id") == bot_id)
        )

    def _blocks(self, agenda: Agenda, notion_url: str | None, note: str | None) -> list[Any]:
        return agenda_blocks(agenda, self.lang, notion_url=notion_url, note=note, carry_over=True)

    def post_agenda(
        self, agenda: Agenda, notion_url: str | None, note: str | None
    ) -> tuple[str, str]:
        try:
            response = self.client.chat_postMessage(
                channel=self.channel,
                text=agenda_fallback_text(agenda, self.lang),
                blocks=self._blocks(agenda, notion_url, note),
                metadata={
                    "event_type": EVENT_TYPE,
                    "event_payload": {"meeting": agenda.meeting.isoformat()},
                },
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as error:  # not_in_channel, channel_not_found, is_archived…
            raise ChannelError(_code(error)) from error
        return str(response.get("channel") or self.channel), str(response["ts"])

    def update_agenda(
        self, channel: str, ts: str, agenda: Agenda, notion_url: str | None, note: str | None
    ) -> None:
        try:
            self.client.chat_update(
                channel=channel,
                ts=ts,
                text=agenda_fallback_text(agenda, self.lang),
                blocks=self._blocks(agenda, notion_url, note),
            )
        except SlackApiError as error:
            raise ChannelError(_code(error)) from error

    def find_agenda(self, meeting: dt.date, since: dt.datetime) -> tuple[str, str] | None:
        """Our agenda message for ``meeting`` posted after ``since``, if any.

        Every page after ``since`` is read: in a busy channel the agenda can be far down.
        Only a message the bot itself posted counts; another app's look-alike carrying
        the same metadata could never be updated (``cant_update_message``)."""
        cursor: str | None = None
        try:
            while True:
                response = self.client.conversations_history(
                    channel=self.channel,
                    oldest=f"{since.timestamp():.6f}",
                    limit=HISTORY_PAGE,
                    cursor=cursor,
                    include_all_metadata=True,
                )
                messages: list[dict[str, Any]] = response.get("messages", []) or []
                for message in messages:
                    if _is_agenda_of(message, meeting) and self._is_ours(message):
                        return self.channel, str(message["ts"])
                metadata = response.get("response_metadata") or {}
                cursor = metadata.get("next_cursor") or None
                if not cursor:
                    return None
        except SlackApiError as error:
            log.warning("agenda_lookup_failed", extra={"error": error.response.get("error")})
            return None

    def announce(self, text: str, mentions: Sequence[str] = ()) -> None:
        self.client.chat_postMessage(channel=self.channel, text=_render(text, mentions))

    def reply_in_thread(
        self, channel: str, ts: str, text: str, mentions: Sequence[str] = ()
    ) -> None:
        self.client.chat_postMessage(channel=channel, thread_ts=ts, text=_render(text, mentions))

    def tell_organizers(self, organizers: Sequence[str], text: str) -> None:
        if not organizers:
            self.announce(text)
            return
        for user in organizers:
            try:
                self.client.chat_postMessage(channel=user, text=_render(text, ()))
            except SlackApiError:
                log.warning("organizer_notice_failed", extra={"user": user})

    def members(self) -> list[str]:
        members: list[str] = []
        cursor: str | None = None
        while True:
            response = self.client.conversations_members(
                channel=self.channel, limit=200, cursor=cursor
            )
            page: list[str] = response.get("members", []) or []
            members += [str(m) for m in page]
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return members

    def is_bot(self, user_id: str) -> bool:
        return self.directory.is_bot(user_id)


def _code(error: SlackApiError) -> str:
    return str(error.response.get("error") or "slack_error")


def _is_agenda_of(message: dict[str, Any], meeting: dt.date) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return bool(
        metadata.get("event_type") == EVENT_TYPE and payload.get("meeting") == meeting.isoformat()
    )


def _render(text: str, mentions: Sequence[str]) -> str:
    """Escape everything we did not write ourselves; mentions are the only markup let in."""
    rendered = escape(text)
    if MENTIONS in rendered:
        rendered = rendered.replace(MENTIONS, " ".join(f"<@{m}>" for m in mentions))
    return rendered
