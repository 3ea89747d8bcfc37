"""Publishing integrity: the agenda reaches Slack and Notion once, whole, and up to date."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cycle.test_cycle import MEETING, Clock, agenda_messages, submit
from tests.fakes import FakeSlack
from tests.slack.harness import CHANNEL, TOKEN, Bot, running_bot

JST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 12, 1, 9, 0, tzinfo=JST))


@pytest.fixture
def bot(tmp_path: Path, clock: Clock) -> Iterator[Bot]:
    with running_bot(tmp_path, clock=clock, ORGANIZERS="U01NAOTO") as running:
        running.slack.ts_clock = lambda: clock().timestamp()
        yield running


def blocks_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks"), ensure_ascii=False)


def crash_after_post(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Publish, and die between chat.postMessage and recording its ts."""
    repo = bot.runtime.repo
    real = repo.update_publication

    def crash(meeting: dt.date, target: str, **kw: Any) -> Any:
        if target == "slack" and "external_id" in kw:
            raise KeyboardInterrupt("killed right after chat.postMessage")
        return real(meeting, target, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(repo, "update_publication", crash)
    with pytest.raises(KeyboardInterrupt):
        bot.runtime.cycle.publish(MEETING)
    monkeypatch.setattr(repo, "update_publication", real)


# -- #13.4: adopt only our own agenda message ---------------------------------------


def test_another_apps_look_alike_is_not_adopted(bot: Bot, clock: Clock) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T10:00:00+09:00")
    ts = bot.slack.add_message(CHANNEL, "Agenda (copy)", user="UOTHERAPP1")
    look_alike = bot.slack.message(CHANNEL, ts)
    assert look_alike is not None
    look_alike["bot_id"] = "BOTHERAPP1"
    look_alike["metadata"] = {
        "event_type": "studybot_agenda",
        "event_payload": {"meeting": MEETING.isoformat()},
    }
    report = bot.runtime.cycle.publish(MEETING)
    assert report.slack is not None and report.slack != ts
    ours = [m for m in agenda_messages(bot.slack) if m.get("bot_id") == bot.slack.bot_id]
    assert len(ours) == 1 and "First" in blocks_text(ours[0])
    assert look_alike.get("text") == "Agenda (copy)" and "edited" not in look_alike
    bot.runtime.cycle.publish(MEETING)
    assert len(bot.slack.calls_to("auth.test")) == 1  # asked once, then cached


# -- #14.12: the crash-recovery lookup reads every page since the claim --------------


def test_adoption_finds_the_agenda_below_a_busy_page(
    bot: Bot, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T10:00:00+09:00")
    crash_after_post(bot, monkeypatch)
    for n in range(250):  # the channel keeps talking before the restart
        bot.slack.add_message(CHANNEL, f"chat {n}")
    bot.runtime.cycle.publish(MEETING)
    assert len(agenda_messages(bot.slack)) == 1
    history = bot.slack.calls_to("conversations.history")
    assert len(history) >= 2 and all(call.params.get("oldest") for call in history)


def test_fake_history_pages_like_slack() -> None:
    from slack_sdk import WebClient

    with FakeSlack(TOKEN) as slack:
        stamps = [slack.add_message(CHANNEL, f"m{n}") for n in range(5)]
        slack.add_message(CHANNEL, "reply", thread_ts=stamps[0])
        client = WebClient(token=TOKEN, base_url=f"{slack.url}/api/")
        after = client.conversations_history(channel=CHANNEL, oldest=stamps[1])
        assert [m["ts"] for m in after["messages"]] == stamps[:1:-1]  # oldest is exclusive
        kept = client.conversations_history(channel=CHANNEL, oldest=stamps[1], inclusive=True)
        assert kept["messages"][-1]["ts"] == stamps[1]
        seen: list[str] = []
        cursor = None
        while True:
            page = client.conversations_history(channel=CHANNEL, limit=2, cursor=cursor)
            assert len(page["messages"]) <= 2
            seen += [m["ts"] for m in page["messages"]]
            cursor = page["response_metadata"]["next_cursor"]
            assert page["has_more"] == bool(cursor)
            if not cursor:
                break
        assert seen == stamps[::-1]
