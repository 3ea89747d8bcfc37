"""Publishing integrity: the agenda reaches Slack and Notion once, whole, and up to date."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.agenda import Agenda
from bot.core.model import Presenter
from bot.core.submission import parse_submission
from bot.core.tags import TagSet
from bot.services import publishing as cycle_module
from bot.services.cycle import LEASE_TTL
from bot.wiring import build_runtime
from tests.cycle.test_cycle import MEETING, Clock, Page, agenda_messages, submit
from tests.fakes import FakeSlack
from tests.slack.harness import (
    CHANNEL,
    TOKEN,
    Bot,
    running_bot,
    settings_for,
    wait_for,
)

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


class HeldNotion:
    """A NotionTarget whose first ``hold`` publishes wait for ``release`` (a held append)."""

    def __init__(self, hold: int = 0) -> None:
        self.hold = hold
        self.entered = threading.Event()
        self.release = threading.Event()
        self.pages: dict[dt.date, Agenda] = {}
        self.calls = 0

    def publish(self, agenda: Agenda, owner: str) -> Page:
        self.calls += 1
        if self.calls <= self.hold:
            self.entered.set()
            assert self.release.wait(120), "never released"
        self.pages[agenda.meeting] = agenda
        return Page("page-1", f"https://notion.so/{agenda.meeting}")


def titles(agenda: Agenda) -> list[str]:
    return [topic.title for topic in agenda.ranked]


def published_now(bot: Bot, clock: Clock, notion: HeldNotion) -> None:
    bot.runtime.cycle.notion = notion
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    submit(bot, "U01NAOTO", "Naoto", "Second", 2)
    clock.set("2026-12-03T10:00:00+09:00")
    report = bot.runtime.cycle.publish(MEETING)
    assert report.slack is not None and not report.skipped


# -- #13.5: work that arrives mid-publish is published before the lease is let go ----


def test_two_late_topics_a_second_apart_both_reach_slack_and_notion(bot: Bot, clock: Clock) -> None:
    notion = HeldNotion()
    published_now(bot, clock, notion)
    notion.hold = notion.calls + 1  # the next publish is held inside Notion
    cycle, topics = bot.runtime.cycle, bot.runtime.topics

    def late(user: str, title: str, n: int) -> None:
        outcome = topics.submit_text(Presenter(user, user), f"[blog] {title} https://e.com/{n}")
        assert outcome.topic is not None and outcome.topic.late
        cycle.add_late_topic(outcome.topic)

    clock.set("2026-12-03T10:30:00+09:00")
    first = threading.Thread(target=late, args=("U05A", "Late A", 10))
    first.start()
    assert notion.entered.wait(120)
    clock.set("2026-12-03T10:30:01+09:00")
    late("U06B", "Late B", 11)  # finds the lease held: marks the meeting dirty
    notion.release.set()
    first.join(120)
    assert not first.is_alive()
    (message,) = agenda_messages(bot.slack)
    assert "Late A" in blocks_text(message) and "Late B" in blocks_text(message)
    assert {"Late A", "Late B"} <= set(titles(notion.pages[MEETING]))
    assert bot.runtime.repo.dirty_marks() == set()


def test_a_late_topic_on_another_replica_is_published_by_the_holder(
    tmp_path: Path, clock: Clock
) -> None:
    clock.set("2026-12-03T10:00:00+09:00")
    notion = HeldNotion()
    with FakeSlack(TOKEN) as slack:
        slack.ts_clock = lambda: clock().timestamp()
        settings = settings_for(slack, tmp_path)
        a, b = (
            build_runtime(settings, clock=clock, owner=name, notion=lambda _r: notion)
            for name in ("replica-a", "replica-b")
        )
        try:
            outcome = a.topics.submit_text(Presenter("U1", "A"), "[blog] One https://e.com/1")
            assert outcome.topic is not None
            a.cycle.publish(MEETING)
            notion.hold = notion.calls + 1
            holder = threading.Thread(target=a.cycle.publish, args=(MEETING,))
            holder.start()
            assert notion.entered.wait(120)
            clock.set("2026-12-03T10:00:01+09:00")
            late = b.topics.submit_text(Presenter("U2", "B"), "[blog] Late https://e.com/2")
            assert late.topic is not None
            b.cycle.add_late_topic(late.topic)  # busy on replica b: marks the meeting dirty
            assert a.repo.dirty_marks() == {f"publish:{MEETING.isoformat()}"}
            notion.release.set()
            holder.join(120)
            (message,) = agenda_messages(slack)
            assert "Late" in blocks_text(message)
            assert titles(notion.pages[MEETING]) == ["One", "Late"]
        finally:
            a.close()
            b.close()


def test_edit_and_withdrawal_after_publishing_show_on_slack_and_notion(
    bot: Bot, clock: Clock
) -> None:
    notion = HeldNotion()
    published_now(bot, clock, notion)
    first, second = bot.runtime.repo.topics_for_meeting(MEETING)
    clock.set("2026-12-03T11:00:00+09:00")
    draft = parse_submission("[blog] First, revised https://example.com/1", TagSet())
    assert bot.runtime.topics.edit(first.id, first.presenter.user_id, draft).topic is not None
    assert bot.runtime.topics.withdraw(second.id, second.presenter.user_id) is not None
    (message,) = agenda_messages(bot.slack)
    assert "First, revised" in blocks_text(message) and "Second" not in blocks_text(message)
    assert titles(notion.pages[MEETING]) == ["First, revised"]


# -- #13.15: a Slack refusal reaches the organisers, once per incident ----------------


def test_slack_refusal_is_told_to_organizers_once_then_recovery(bot: Bot, clock: Clock) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    bot.slack.bot_channels = set()  # the bot was removed from the channel
    clock.set("2026-12-03T10:00:00+09:00")
    report = bot.runtime.cycle.scheduled_publish()
    assert report is not None and report.slack_error == "not_in_channel"
    for minute in (5, 10, 15):
        clock.set(f"2026-12-03T10:{minute:02d}:00+09:00")
        bot.runtime.cycle.retry_pending()

    def dms() -> list[str]:
        calls = bot.slack.calls_to("chat.postMessage")
        return [c.params["text"] for c in calls if c.params["channel"] == "U01NAOTO"]

    (notice,) = dms()
    assert "not_in_channel" in notice and "Slack" in notice
    record = bot.runtime.repo.get_publication(MEETING, "slack")
    assert record is not None and record.state == "failed"
    bot.slack.bot_channels = None  # invited again
    clock.set("2026-12-03T10:20:00+09:00")
    bot.runtime.cycle.retry_pending()
    assert len(agenda_messages(bot.slack)) == 1
    assert len(dms()) == 2 and "復旧" in dms()[1]


@pytest.mark.parametrize("code", ["channel_not_found", "is_archived"])
def test_each_slack_refusal_of_the_agenda_reaches_organizers(
    bot: Bot, clock: Clock, code: str
) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T10:00:00+09:00")
    bot.slack.fail_next("chat.postMessage", 1, error=code)  # the agenda post only
    report = bot.runtime.cycle.publish(MEETING)
    assert report.slack is None and report.slack_error == code
    calls = bot.slack.calls_to("chat.postMessage")
    (notice,) = [c.params["text"] for c in calls if c.params["channel"] == "U01NAOTO"]
    assert code in notice and MEETING.isoformat() in notice
    assert agenda_messages(bot.slack) == []


# -- #19.2: a lease follows its holder ------------------------------------------------


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # exited and reaped: no process has this pid now
    return child.pid


def test_a_dead_holder_on_this_host_is_taken_over_at_once(bot: Bot, clock: Clock) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T10:00:00+09:00")
    lease = f"publish:{MEETING.isoformat()}"
    dead = f"{socket.gethostname()}:{dead_pid()}:deadbeef"
    assert bot.runtime.repo.acquire_lease(lease, dead, LEASE_TTL)
    report = bot.runtime.cycle.publish(MEETING)
    assert report.skipped is None and len(agenda_messages(bot.slack)) == 1


def test_an_earlier_life_with_our_pid_is_taken_over(bot: Bot, clock: Clock) -> None:
    """A restarted container runs as pid 1 again: a lease of pid 1's last life is stale."""
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T10:00:00+09:00")
    lease = f"publish:{MEETING.isoformat()}"
    earlier = f"{socket.gethostname()}:{os.getpid()}:0ld11fe0"
    assert bot.runtime.repo.acquire_lease(lease, earlier, LEASE_TTL)
    assert bot.runtime.cycle.publish(MEETING).skipped is None
    assert len(agenda_messages(bot.slack)) == 1


def test_a_silent_holder_elsewhere_expires_and_a_busy_answer_names_it(
    bot: Bot, clock: Clock
) -> None:
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T10:00:00+09:00")
    lease = f"publish:{MEETING.isoformat()}"
    assert bot.runtime.repo.acquire_lease(lease, "other-host:77:cafe", LEASE_TTL)
    busy = bot.runtime.cycle.publish(MEETING)
    assert busy.skipped == "busy" and busy.holder == "other-host:77:cafe"
    assert busy.held_since == clock()
    clock.now += LEASE_TTL + dt.timedelta(seconds=1)  # it stopped renewing
    assert bot.runtime.cycle.publish(MEETING).skipped is None
    assert len(agenda_messages(bot.slack)) == 1


def test_a_live_holder_keeps_its_lease_by_renewing_it(
    bot: Bot, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cycle_module, "HEARTBEAT", 0.01)
    notion = HeldNotion(hold=1)
    bot.runtime.cycle.notion = notion
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    clock.set("2026-12-03T10:00:00+09:00")
    lease = f"publish:{MEETING.isoformat()}"
    holder = threading.Thread(target=bot.runtime.cycle.publish, args=(MEETING,))
    holder.start()
    assert notion.entered.wait(120)

    def renewed_at(now: dt.datetime) -> bool:
        current = bot.runtime.repo.lease_holder(lease)
        return current is not None and current[1] == now

    for _ in range(3):  # far past one TTL in all, but renewed all along
        clock.now += LEASE_TTL - dt.timedelta(seconds=5)
        wait_for(lambda: renewed_at(clock.now))
    other = bot.runtime.repo.acquire_lease(lease, "other-host:1:x", LEASE_TTL)
    notion.release.set()
    holder.join(120)
    assert not other and len(agenda_messages(bot.slack)) == 1


# -- #19.3: a skipped meeting is never published ---------------------------------------


def test_publishing_a_skipped_meeting_creates_nothing(bot: Bot, clock: Clock) -> None:
    notion = HeldNotion()
    bot.runtime.cycle.notion = notion
    submit(bot, "U04SHUN", "Shun Ito", "First", 1)
    bot.runtime.repo.set_skipped(MEETING, True, "忘年会")
    assert bot.runtime.cycle.skips is not None
    bot.runtime.cycle.skips.refresh()
    clock.set("2026-12-03T10:00:00+09:00")
    report = bot.runtime.cycle.publish(MEETING)
    assert report.skipped == "skipped"
    assert notion.calls == 0 and agenda_messages(bot.slack) == []
    assert bot.runtime.repo.get_publication(MEETING, "notion") is None
    assert bot.runtime.cycle.skipped_reason(MEETING) == "忘年会"
