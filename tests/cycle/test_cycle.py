"""The weekly cycle end to end: exactly-once publishing, catch-up, reminders, skips, carry-over."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.core.agenda import Agenda
from bot.core.model import Presenter
from bot.slack import ids
from bot.wiring import build_runtime
from tests.fakes import FakeSlack
from tests.slack.harness import CHANNEL, TOKEN, Bot, Clock, running_bot, settings_for, wait_for

JST = dt.timezone(dt.timedelta(hours=9))
MEETING = dt.date(2026, 12, 3)  # a Thursday


@dataclass
class Page:
    page_id: str
    url: str


class FlakyNotion:
    """A NotionTarget that fails while ``down`` and records what it published."""

    def __init__(self) -> None:
        self.down = False
        self.pages: dict[dt.date, Agenda] = {}
        self.calls = 0

    def publish(self, agenda: Agenda, owner: str) -> Page:
        self.calls += 1
        if self.down:
            raise RuntimeError("Notion answered 503 Service Unavailable")
        self.pages[agenda.meeting] = agenda
        return Page("page-1", f"https://notion.so/{agenda.meeting}")


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 12, 1, 9, 0, tzinfo=JST))


@pytest.fixture
def bot(tmp_path: Path, clock: Clock) -> Iterator[Bot]:
    with running_bot(tmp_path, clock=clock, ORGANIZERS="U01NAOTO") as running:
        running.slack.ts_clock = lambda: clock().timestamp()  # Slack's ts follow the same time
        yield running


def submit(bot: Bot, user: str, name: str, title: str, n: int) -> None:
    outcome = bot.runtime.topics.submit_text(
        Presenter(user, name), f"[blog] {title} https://example.com/{n}"
    )
    assert outcome.topic is not None, outcome.problems
    bot.runtime.deps.cards.post(outcome.topic)


def agenda_messages(slack: FakeSlack) -> list[dict[str, Any]]:
    return [
        m
        for m in slack.messages.get(CHANNEL, [])
        if (m.get("metadata") or {}).get("event_type") == "studybot_agenda"
    ]


def test_publish_twice_is_one_message_updated_in_place(bot: Bot, clock: Clock) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T10:00:00+09:00")
    first = bot.runtime.cycle.publish()
    submit_late = bot.runtime.topics.submit_text(
        Presenter("U01NAOTO", "Naoto"), "[論文] Late one https://arxiv.org/abs/2301.00808"
    )
    assert submit_late.topic is not None and submit_late.topic.late
    second = bot.runtime.cycle.publish()
    assert first.slack == second.slack
    messages = agenda_messages(bot.slack)
    assert len(messages) == 1
    assert "Late one" in json.dumps(messages[0]["blocks"], ensure_ascii=False)
    assert len(bot.slack.calls_to("chat.update")) >= 1


def test_crash_after_posting_is_adopted_not_reposted(
    bot: Bot, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T10:00:00+09:00")
    repo = bot.runtime.repo
    real = repo.update_publication

    def crash(meeting: dt.date, target: str, **kw: Any) -> Any:
        if target == "slack" and "external_id" in kw:
            raise KeyboardInterrupt("killed right after chat.postMessage")
        return real(meeting, target, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(repo, "update_publication", crash)
    with pytest.raises(KeyboardInterrupt):
        bot.runtime.cycle.publish()
    monkeypatch.setattr(repo, "update_publication", real)
    bot.runtime.cycle.publish()
    assert len(agenda_messages(bot.slack)) == 1
    record = repo.get_publication(MEETING, "slack")
    assert record is not None and record.external_id == agenda_messages(bot.slack)[0]["ts"]


def test_two_replicas_on_postgresql_publish_once(
    tmp_path: Path, clock: Clock, pg_schema_url: str
) -> None:
    clock.set("2026-12-03T10:00:00+09:00")
    with FakeSlack(TOKEN) as slack:
        settings = settings_for(slack, tmp_path, DATABASE_URL=pg_schema_url)
        notion = FlakyNotion()
        replicas = [
            build_runtime(settings, clock=clock, owner=f"replica-{n}", notion=lambda _r: notion)
            for n in range(2)
        ]
        try:
            outcome = replicas[0].topics.submit_text(
                Presenter("U04SHUN", "Shun"), "[blog] One https://example.com/1"
            )
            assert outcome.topic is not None
            barrier = threading.Barrier(2)
            results: list[Any] = []

            def fire(runtime: Any) -> None:
                barrier.wait()
                try:
                    results.append(runtime.cycle.scheduled_publish())
                except Exception as error:  # surfaced by the assertion below
                    results.append(error)

            threads = [threading.Thread(target=fire, args=(r,)) for r in replicas]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert len(results) == 2, results
            assert not [r for r in results if isinstance(r, Exception)], results
            assert len(agenda_messages(slack)) == 1
            assert notion.calls == 1
        finally:
            for runtime in replicas:
                runtime.close()


def test_catch_up_after_downtime(bot: Bot, clock: Clock) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T10:20:00+09:00")  # the bot was down at 10:00
    assert bot.runtime.cycle.catch_up(None, dt.timedelta(hours=2)) == ["publish"]
    assert bot.runtime.cycle.catch_up(None, dt.timedelta(hours=2)) == []
    assert len(agenda_messages(bot.slack)) == 1


def test_no_catch_up_after_the_meeting(bot: Bot, clock: Clock) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T17:05:00+09:00")
    assert "publish" not in bot.runtime.cycle.catch_up(None, dt.timedelta(hours=2))
    assert agenda_messages(bot.slack) == []


def test_missed_reminder_respects_grace(bot: Bot, clock: Clock) -> None:
    bot.slack.channel_members[CHANNEL] = ["U04SHUN", "U01NAOTO"]
    clock.set("2026-12-02T15:00:00+09:00")  # reminder was due at 12:00, grace 2h
    last = dt.datetime(2026, 12, 2, 12, 0, tzinfo=JST)
    assert bot.runtime.cycle.catch_up(last, dt.timedelta(hours=2)) == []
    clock.set("2026-12-02T13:30:00+09:00")
    assert bot.runtime.cycle.catch_up(last, dt.timedelta(hours=2)) == ["remind"]


def test_notion_down_slack_still_goes_out_and_organizers_hear_once(
    bot: Bot, clock: Clock, tmp_path: Path
) -> None:
    notion = FlakyNotion()
    bot.runtime.cycle.notion = notion
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    notion.down = True
    clock.set("2026-12-03T10:00:00+09:00")
    report = bot.runtime.cycle.scheduled_publish()
    assert report is not None and report.notion_error
    (message,) = agenda_messages(bot.slack)
    assert "Notion への書き込みに失敗しました" in json.dumps(message["blocks"], ensure_ascii=False)
    for minute in range(1, 4):
        clock.set(f"2026-12-03T10:{minute * 5:02d}:00+09:00")
        bot.runtime.cycle.retry_pending()
    dms = [c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == "U01NAOTO"]
    assert len(dms) == 1 and "503" in dms[0].params["text"]
    notion.down = False
    bot.runtime.cycle.retry_pending()
    assert MEETING in notion.pages
    record = bot.runtime.repo.get_publication(MEETING, "notion")
    assert record is not None and record.state == "complete"
    (message,) = agenda_messages(bot.slack)
    dumped = json.dumps(message["blocks"], ensure_ascii=False)
    assert "Notion への書き込みに失敗しました" not in dumped and "notion.so" in dumped
    bot.runtime.cycle.retry_pending()
    dms = [c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == "U01NAOTO"]
    assert len(dms) == 2  # the incident, then the recovery; nothing per retry


def test_reminder_mentions_exactly_the_missing(bot: Bot, clock: Clock) -> None:
    bot.slack.add_user("U05YOSUKE", "Yosuke")
    bot.slack.add_user("UOTHERBOT1", "otherbot", is_bot=True)
    bot.slack.channel_members[CHANNEL] = [
        "U04SHUN",
        "U01NAOTO",
        "U05YOSUKE",
        "UOTHERBOT1",
        "UBOT000001",
    ]
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-02T12:00:00+09:00")
    assert bot.runtime.cycle.remind() is True
    (call,) = [
        c for c in bot.slack.calls_to("chat.postMessage") if "<@" in c.params.get("text", "")
    ]
    mentioned = sorted(part[2:-1] for part in call.params["text"].split() if part.startswith("<@"))
    assert mentioned == ["U01NAOTO", "U05YOSUKE"]
    assert bot.runtime.cycle.remind() is False  # never twice for one meeting


def test_no_reminder_when_everyone_submitted(bot: Bot, clock: Clock) -> None:
    bot.slack.channel_members[CHANNEL] = ["U04SHUN"]
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-02T12:00:00+09:00")
    before = len(bot.slack.calls_to("chat.postMessage"))
    assert bot.runtime.cycle.remind() is False
    assert len(bot.slack.calls_to("chat.postMessage")) == before


def test_skipped_week_publishes_nothing_and_announces(bot: Bot, clock: Clock) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    _, url = bot.command("skip 2026-12-03", user="U01NAOTO")
    assert "お休み" in json.dumps(bot.replies(url), ensure_ascii=False)
    announce = [
        c for c in bot.slack.calls_to("chat.postMessage") if "お休み" in c.params.get("text", "")
    ]
    assert len(announce) == 1 and "2026-12-10" in announce[0].params["text"]
    assert bot.runtime.repo.topics_for_meeting(MEETING) == []
    assert len(bot.runtime.repo.topics_for_meeting(dt.date(2026, 12, 10))) == 1
    clock.set("2026-12-03T10:00:00+09:00")
    report = bot.runtime.cycle.scheduled_publish()
    assert report is not None and report.skipped == "skipped"
    assert agenda_messages(bot.slack) == []
    _, denied = bot.command("skip 2026-12-10", user="U04SHUN")
    assert "幹事" in json.dumps(bot.replies(denied), ensure_ascii=False)


def test_late_topic_is_added_and_announced_in_thread(bot: Bot, clock: Clock) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T10:00:00+09:00")
    bot.runtime.cycle.publish()
    bot.command("[blog] Late addition https://example.com/late", user="U01NAOTO")
    thread = wait_for(
        lambda: [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("thread_ts")]
    )
    assert "Late addition" in thread[0].params["text"]
    (message,) = agenda_messages(bot.slack)
    assert "Late addition" in json.dumps(message["blocks"], ensure_ascii=False)


def test_carry_over_moves_chosen_topics_with_votes(bot: Bot, clock: Clock) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "Presented", 1)
    submit(bot, "U01NAOTO", "Naoto", "Not reached", 2)
    topics = bot.runtime.repo.topics_for_meeting(MEETING)
    rest = next(t for t in topics if t.title == "Not reached")
    bot.runtime.repo.apply_reaction("Ev1", rest.id, "U04SHUN", "+1", True)
    clock.set("2026-12-03T18:00:00+09:00")
    payload = {
        "type": "block_actions",
        "team": {"id": "T0FAKE0001"},
        "user": {"id": "U01NAOTO", "name": "naoto"},
        "api_app_id": "A0FAKE0001",
        "trigger_id": "trigger.carry",
        "channel": {"id": CHANNEL},
        "actions": [
            {
                "action_id": ids.ACTION_CARRY_OVER,
                "block_id": "b",
                "value": MEETING.isoformat(),
                "type": "button",
            }
        ],
    }
    assert bot.interactive(payload).status_code == 200
    view = wait_for(lambda: bot.slack.calls_to("views.open"))[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    submission = {
        "type": "view_submission",
        "team": {"id": "T0FAKE0001"},
        "user": {"id": "U01NAOTO", "name": "naoto"},
        "api_app_id": "A0FAKE0001",
        "view": {
            **view,
            "id": "V2",
            "state": {
                "values": {
                    ids.BLOCK_CARRY: {
                        ids.INPUT_CARRY: {
                            "type": "multi_static_select",
                            "selected_options": [{"value": str(rest.id)}],
                        }
                    }
                }
            },
        },
    }
    assert bot.interactive(submission).status_code == 200
    moved = wait_for(lambda: bot.runtime.repo.topics_for_meeting(dt.date(2026, 12, 10)))
    assert [(t.title, t.votes) for t in moved] == [("Not reached", 1)]
    done = bot.runtime.repo.topics_for_meeting(MEETING)
    assert [t.status.value for t in done] == ["presented"]


def test_skip_refuses_a_date_that_is_not_a_coming_meeting(bot: Bot) -> None:
    for typed in ("2026-12-02", "2026-11-26", "next thursday"):  # a Wednesday, past, junk
        _, url = bot.command(f"skip {typed}", user="U01NAOTO")
        reply = json.dumps(bot.replies(url), ensure_ascii=False)
        assert "YYYY-MM-DD" in reply and typed in reply
    assert bot.runtime.repo.skipped_dates() == set()
