"""App Home: the next meeting, your topics, and the coming meeting's topics with votes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack.deps import SlackDeps
from bot.slack.views import home_view


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
            deps.topics.cycle.meeting_start(meeting),
            deps.topics.topics_of(user_id),
            deps.topics.meeting_topics(meeting),
        )
        client.views_publish(user_id=user_id, view=view)

    return handle
