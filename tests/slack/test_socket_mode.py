"""Socket Mode: the same listeners receive socket-mode requests (no HTTP, no signature)."""

from __future__ import annotations

import json
from pathlib import Path

from slack_bolt.request import BoltRequest

from tests.slack.harness import CHANNEL, running_bot, wait_for


def test_socket_mode_slash_command_reaches_the_same_listener(tmp_path: Path) -> None:
    with running_bot(tmp_path) as bot:
        response_url = bot.slack.response_url()
        body = {
            "token": "legacy",
            "team_id": bot.slack.team_id,
            "channel_id": CHANNEL,
            "user_id": "U04SHUN",
            "user_name": "shun",
            "command": "/topic",
            "text": "[論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808",
            "api_app_id": bot.slack.app_id,
            "response_url": response_url,
            "trigger_id": "trigger.socket",
        }
        # The SocketModeHandler hands Bolt exactly this: the payload, mode="socket_mode".
        response = bot.runtime.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        assert response.status == 200
        card = wait_for(lambda: bot.slack.calls_to("chat.postMessage"))[0]
        assert "ConvNeXt V2" in json.dumps(card.params["blocks"], ensure_ascii=False)
        assert bot.replies(response_url)[0]["response_type"] == "ephemeral"


def test_socket_mode_reaction_event_counts_a_vote(tmp_path: Path) -> None:
    with running_bot(tmp_path) as bot:
        from bot.core.model import Presenter

        outcome = bot.runtime.topics.submit_text(
            Presenter("U04SHUN", "Shun"), "[blog] X https://example.com/x"
        )
        assert outcome.topic is not None
        topic = bot.runtime.deps.cards.post(outcome.topic)
        body = {
            "type": "event_callback",
            "team_id": bot.slack.team_id,
            "api_app_id": bot.slack.app_id,
            "event_id": "EvSocket1",
            "event_time": 1,
            "event": {
                "type": "reaction_added",
                "user": "U01NAOTO",
                "reaction": "+1",
                "item": {"type": "message", "channel": CHANNEL, "ts": topic.card_ts},
                "event_ts": "1700000001.000001",
            },
        }
        assert bot.runtime.app.dispatch(BoltRequest(body=body, mode="socket_mode")).status == 200
        wait_for(lambda: bot.runtime.repo.vote_count(topic.id) == 1)
