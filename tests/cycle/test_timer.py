"""MEETING_TIMER: one thread reply per slot, across two replicas on one database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.core.model import Presenter
from bot.core.submission import parse_submission
from bot.wiring import Runtime, build_runtime
from tests.fakes import FakeSlack
from tests.slack.harness import CHANNEL, TOKEN, Clock, settings_for

JST = dt.timezone(dt.timedelta(hours=9))
MEETING = dt.date(2026, 12, 3)  # a Thursday


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/shared.db"
    return str(request.getfixturevalue("pg_schema_url"))


@contextmanager
def replicas(
    slack: FakeSlack, tmp_path: Path, clock: Clock, db_url: str, **env: str
) -> Iterator[list[Runtime]]:
    settings = settings_for(slack, tmp_path, DATABASE_URL=db_url, **env)
    runtimes = [build_runtime(settings, clock=clock, owner=f"replica-{n}") for n in range(2)]
    try:
        yield runtimes
    finally:
        for runtime in runtimes:
            runtime.close()


def week(runtime: Runtime, clock: Clock) -> str:
    """Three presenters (15 chosen, then two even shares of 22), the agenda published."""
    rows = [("U04SHUN", "one", "15"), ("U01NAOTO", "two", None), ("U02YUYA", "three", None)]
    for user, title, minutes in rows:
        draft = parse_submission(f"[blog] {title} https://example.com/{title}", runtime.topics.tags)
        draft = dataclasses.replace(draft, minutes=minutes)
        outcome = runtime.topics.submit_draft(Presenter(user, user), draft, title)
        assert outcome.topic is not None
    clock.now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=JST)
    report = runtime.cycle.publish(MEETING)
    assert report.slack is not None
    return report.slack


def tick_both(runtimes: list[Runtime]) -> list[Any]:
    """Both replicas run the timer job at the same instant, as two schedulers would."""
    barrier = threading.Barrier(len(runtimes))
    results: list[Any] = []

    def fire(runtime: Runtime) -> None:
        barrier.wait()
        try:
            results.append(runtime.cycle.meeting_timer())
        except Exception as error:  # surfaced by the assertion below
            results.append(error)

    threads = [threading.Thread(target=fire, args=(r,)) for r in runtimes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == len(runtimes), results
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


def thread_replies(slack: FakeSlack, ts: str) -> list[str]:
    return [
        str(m["text"])
        for m in slack.messages.get(CHANNEL, [])
        if m.get("thread_ts") == ts and m.get("ts") != ts
    ]


def through_the_meeting(clock: Clock, runtimes: list[Runtime]) -> None:
    """Both replicas every three minutes from 16:55 to 18:05, and at each slot's edges."""
    for minute in sorted({*range(-5, 66, 3), 0, 14, 15, 36, 37, 59, 60}):
        clock.now = dt.datetime(2026, 12, 3, 17, 0, tzinfo=JST) + dt.timedelta(minutes=minute)
        tick_both(runtimes)


@pytest.mark.slow
def test_one_thread_reply_per_slot_across_two_replicas(tmp_path: Path, db_url: str) -> None:
    clock = Clock()
    with (
        FakeSlack(TOKEN) as slack,
        replicas(
            slack, tmp_path, clock, db_url, MEETING_TIMER="true", MEETING_MINUTES="60"
        ) as runtimes,
    ):
        ts = week(runtimes[0], clock)
        through_the_meeting(clock, runtimes)
        replies = thread_replies(slack, ts)
        assert replies == [
            "⏱ 17:00 次は <@U04SHUN> さん（15分）: [blog] one",
            "⏱ 17:15 次は <@U01NAOTO> さん（22分）: [blog] two",
            "⏱ 17:37 次は <@U02YUYA> さん（22分）: [blog] three",
        ]


def test_a_reply_late_in_its_slot_is_still_sent_once(tmp_path: Path, db_url: str) -> None:
    clock = Clock()
    with (
        FakeSlack(TOKEN) as slack,
        replicas(slack, tmp_path, clock, db_url, MEETING_TIMER="true") as runtimes,
    ):
        ts = week(runtimes[0], clock)
        clock.now = dt.datetime(2026, 12, 3, 17, 20, tzinfo=JST)  # down until 17:20
        assert sorted(tick_both(runtimes)) == [0, 1]
        assert tick_both(runtimes) == [0, 0]
        assert thread_replies(slack, ts) == ["⏱ 17:15 次は <@U01NAOTO> さん（22分）: [blog] two"]


@pytest.mark.slow
def test_nothing_when_the_meeting_is_skipped_or_the_timer_is_off(
    tmp_path: Path, db_url: str
) -> None:
    clock = Clock()
    with (
        FakeSlack(TOKEN) as slack,
        replicas(slack, tmp_path, clock, db_url, MEETING_TIMER="true") as runtimes,
    ):
        ts = week(runtimes[0], clock)
        # Skipped after the agenda went out, its topics still on it.
        runtimes[0].repo.set_skipped(MEETING, True, "台風")
        for runtime in runtimes:
            assert runtime.cycle.skips is not None
            runtime.cycle.skips.refresh()
        assert runtimes[1].cycle.agenda(MEETING).ranked
        through_the_meeting(clock, runtimes)
        assert thread_replies(slack, ts) == []
    off_db = f"sqlite:///{tmp_path}/off.db"
    with FakeSlack(TOKEN) as slack, replicas(slack, tmp_path / "off", clock, off_db) as off:
        clock.now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=JST)
        ts = week(off[0], clock)
        through_the_meeting(clock, off)
        assert thread_replies(slack, ts) == []
