"""Topic cards survive a crash between posting and recording: adopted, never posted twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.slack.cards import CARD_EVENT
from tests.fakes import FakeSlack
from tests.slack.harness import (
    CHANNEL,
    SECRET,
    TOKEN,
    Bot,
    free_port,
    running_bot,
    start_bot_process,
    wait_for,
)

CONVNEXT = "[論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808"


class Crash(BaseException):
    """Stands for the process dying: no handler of ours runs after it."""


def _cards(slack: FakeSlack) -> list[dict[str, object]]:
    return [
        m
        for m in slack.messages.get(CHANNEL, [])
        if (m.get("metadata") or {}).get("event_type") == CARD_EVENT
    ]


def _vote(bot: Bot, ts: str, user: str) -> None:
    event = {
        "type": "reaction_added",
        "user": user,
        "reaction": "+1",
        "item_user": "U04SHUN",
        "item": {"type": "message", "channel": CHANNEL, "ts": ts},
        "event_ts": "1700000100.000100",
    }
    assert bot.event(event).status_code == 200


def _crash_after_posting(tmp_path: Path, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> str:
    """Submit a topic and die between chat.postMessage and recording its ts."""
    with running_bot(tmp_path, slack=slack) as bot:

        def die(*_args: object) -> None:
            raise Crash

        monkeypatch.setattr(bot.runtime.repo, "set_card", die)
        _, url = bot.command(CONVNEXT)
        wait_for(lambda: _cards(slack))
        bot.runtime.deps.background.shutdown(wait=True)
        assert slack.responses_to(url) == []  # the member never got a receipt
        (topic,) = bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting())
        assert topic.card_ts is None
    return str(_cards(slack)[0]["ts"])


@pytest.mark.slow
def test_card_posted_before_a_crash_is_adopted_and_its_votes_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack = FakeSlack(TOKEN, wall_ts=True)
    posted = _crash_after_posting(tmp_path, slack, monkeypatch)
    monkeypatch.undo()
    with running_bot(tmp_path, slack=slack) as bot:
        meeting = bot.runtime.topics.coming_meeting()
        (topic,) = bot.runtime.repo.topics_for_meeting(meeting)
        assert (topic.card_channel, topic.card_ts) == (CHANNEL, posted)
        receipt = slack.calls_to("chat.postEphemeral")[0]
        assert receipt.params["user"] == "U04SHUN"
        assert "ConvNeXt V2" in json.dumps(receipt.params["blocks"], ensure_ascii=False)
        _vote(bot, posted, "U01NAOTO")
        wait_for(lambda: bot.runtime.repo.vote_count(topic.id) == 1)
        slack.set_reactions(CHANNEL, posted, {"+1": ["U01NAOTO"]})
        bot.runtime.cycle.publish(meeting)
        assert [c["ts"] for c in _cards(slack)] == [posted]  # publish did not post it again
        assert bot.runtime.repo.vote_count(topic.id) == 1


@pytest.mark.slow
def test_publish_adopts_the_card_when_the_start_could_not_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slack = FakeSlack(TOKEN, wall_ts=True)
    posted = _crash_after_posting(tmp_path, slack, monkeypatch)
    monkeypatch.undo()
    slack.fail_next("conversations.history", 1, error="internal_error")
    with running_bot(tmp_path, slack=slack) as bot:
        meeting = bot.runtime.topics.coming_meeting()
        (topic,) = bot.runtime.repo.topics_for_meeting(meeting)
        assert topic.card_ts is None and len(_cards(slack)) == 1  # unsure: nothing posted
        bot.runtime.cycle.publish(meeting)
        assert bot.runtime.repo.get_topic(topic.id).card_ts == posted
        assert [c["ts"] for c in _cards(slack)] == [posted]


@pytest.mark.slow
def test_only_the_bots_own_card_is_adopted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slack = FakeSlack(TOKEN, wall_ts=True)
    _crash_after_posting(tmp_path, slack, monkeypatch)
    monkeypatch.undo()
    ours = _cards(slack)[0]
    # Another app copies the card's metadata onto a newer message of its own.
    with slack:
        slack.add_user("UOTHERAPP1", "otherapp", is_bot=True)
        forged = slack.add_message(CHANNEL, "copy", user="UOTHERAPP1")
        slack.message(CHANNEL, forged)["metadata"] = ours["metadata"]  # type: ignore[index]
    with running_bot(tmp_path, slack=slack) as bot:
        (topic,) = bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting())
        assert topic.card_ts == ours["ts"]


def test_fake_drops_metadata_slack_would_ignore() -> None:
    with FakeSlack(TOKEN) as slack:
        web = WebClient(token=TOKEN, base_url=f"{slack.url}/api/")
        bad = web.chat_postMessage(
            channel=CHANNEL, text="x", metadata={"event_type": "a.b", "event_payload": {}}
        )
        good = web.chat_postMessage(
            channel=CHANNEL, text="y", metadata={"event_type": "a_b-1", "event_payload": {"k": 1}}
        )
        assert bad["warning"] == "invalid_metadata_schema"
        history = web.conversations_history(channel=CHANNEL, include_all_metadata=True)
        by_ts = {m["ts"]: m.get("metadata") for m in history["messages"]}
        assert by_ts[bad["ts"]] is None
        assert by_ts[good["ts"]] == {"event_type": "a_b-1", "event_payload": {"k": 1}}


class KillOnCard(FakeSlack):
    """Slack that takes the card and then SIGKILLs the bot before it can record the ts."""

    victim: subprocess.Popen[bytes] | None = None

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        reply = super()._chat_post_message(params)
        victim = self.victim
        if victim is not None and (params.get("metadata") or {}).get("event_type") == CARD_EVENT:
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(10)
            self.victim = None
        return reply


def _signed(url: str, body: str, content_type: str) -> httpx.Response:
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }
    return httpx.post(f"{url}/slack/events", content=body.encode(), headers=headers, timeout=10)


def _start(env: dict[str, str], tmp_path: Path, port: int) -> subprocess.Popen[str]:
    return start_bot_process(env, tmp_path, port)


@pytest.mark.slow
def test_sigkill_between_posting_and_recording_leaves_one_card_that_counts_votes(
    tmp_path: Path,
) -> None:
    from bot.store import Repository, open_database

    slack = KillOnCard(TOKEN, wall_ts=True)
    with slack:
        slack.add_user("U04SHUN", "Shun Ito")
        slack.add_user("U01NAOTO", "Naoto Shimakoshi")
        port = free_port()
        database_url = f"sqlite:///{tmp_path}/bot.db"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NOTION_"))},
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"{slack.url}/api/",
            "STUDY_CHANNEL": CHANNEL,
            "DATABASE_URL": database_url,
            "SKIP_JP_HOLIDAYS": "false",
            "PORT": str(port),
        }
        url = f"http://127.0.0.1:{port}"
        first = _start(env, tmp_path, port)
        try:
            slack.victim = first
            form = {
                "team_id": slack.team_id,
                "channel_id": CHANNEL,
                "user_id": "U04SHUN",
                "user_name": "shun",
                "command": "/topic",
                "text": CONVNEXT,
                "api_app_id": slack.app_id,
                "response_url": slack.response_url(),
                "trigger_id": "trigger.kill",
            }
            _signed(url, urlencode(form), "application/x-www-form-urlencoded")
            wait_for(lambda: first.poll() is not None, timeout=30)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(10)
        (card,) = _cards(slack)
        second = _start(env, tmp_path, port)
        try:
            with open_database(database_url) as database:
                repo = Repository(database)
                (topic,) = repo.all_topics()
                assert topic.card_ts == card["ts"]
                event = {
                    "token": "legacy",
                    "team_id": slack.team_id,
                    "api_app_id": slack.app_id,
                    "type": "event_callback",
                    "event_id": "EvAfterKill1",
                    "event_time": int(time.time()),
                    "event": {
                        "type": "reaction_added",
                        "user": "U01NAOTO",
                        "reaction": "+1",
                        "item_user": "U04SHUN",
                        "item": {"type": "message", "channel": CHANNEL, "ts": card["ts"]},
                        "event_ts": f"{time.time():.6f}",
                    },
                }
                assert _signed(url, json.dumps(event), "application/json").status_code == 200
                wait_for(lambda: repo.vote_count(topic.id) == 1)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
        assert len(_cards(slack)) == 1
