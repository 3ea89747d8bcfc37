"""Topic cards survive a crash between posting and recording: adopted, never posted twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.slack.cards import CARD_EVENT
from tests.fakes import FakeSlack
from tests.slack.harness import CHANNEL, TOKEN, Bot, running_bot, wait_for

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
