"""App Home: next meeting, your topics, the meeting's votes; for organisers the week's status."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.core.i18n import t
from bot.slack.blocks import clip_mrkdwn, escape, section
from bot.slack.deps import SlackDeps
from bot.slack.views import home_view

log = logging.getLogger(__name__)


def register(app: App, *, deps: SlackDeps) -> None:
    app.event("app_home_opened")(_home(deps))


def _home(deps: SlackDeps) -> Callable[..., None]:
    def handle(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = str(event["user"])
        meeting = deps.topics.coming_meeting()
        view = home_view(
            deps.lang,
            deps.topics.meeting_start(meeting),
            deps.topics.topics_of(user_id),
            deps.topics.meeting_topics(meeting),
        )
        try:
            summary = _summary(deps, user_id)
        except Exception:  # the member's own view still goes out
            log.exception("home_status_failed")
            summary = []
        if summary:
            view["blocks"] = [*view["blocks"], {"type": "divider"}, *summary][:100]
        client.views_publish(user_id=user_id, view=view)

    return handle


def _summary(deps: SlackDeps, user_id: str) -> list[dict[str, Any]]:
    """`studybot status` for organisers (anyone when ORGANIZERS is unset), as blocks."""
    organizers = deps.cycle.organizers
    if deps.status is None or (organizers and user_id not in organizers):
        return []
    lines = deps.status().lines(deps.lang, mention=True, escape=escape)
    heading = f"*{escape(t(deps.lang, 'status_home_heading'))}*"
    return [section(heading), section(clip_mrkdwn("\n".join(lines), 3000))]
