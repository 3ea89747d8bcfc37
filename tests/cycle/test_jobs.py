"""The scheduler adapter: stable ids, explicit time zones, DST, and missed runs."""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.weeks import Cycle
from bot.jobs import (
    NOTION_RETRY_JOB,
    PUBLISH_JOB,
    REMINDER_JOB,
    TIMER_JOB,
    Jobs,
    previous_fire,
    publish_trigger,
    reminder_trigger,
)
from tests.fakes import FakeSlack
from tests.slack.harness import SECRET, TOKEN, free_port, start_bot_process

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")


def test_publish_fires_at_local_time_across_dst() -> None:
    trigger = publish_trigger(Cycle(tz=BERLIN))
    before = trigger.get_next_fire_time(None, dt.datetime(2026, 10, 20, tzinfo=BERLIN))
    after = trigger.get_next_fire_time(before, before + dt.timedelta(seconds=1))
    assert before is not None and after is not None
    assert (before.date(), before.hour, before.utcoffset()) == (
        dt.date(2026, 10, 22),
        10,
        dt.timedelta(hours=2),
    )
    assert (after.date(), after.hour, after.utcoffset()) == (
        dt.date(2026, 10, 29),
        10,
        dt.timedelta(hours=1),
    )
    # Spring forward (2026-03-29): the Thursday after still fires at 10:00 local.
    spring = trigger.get_next_fire_time(None, dt.datetime(2026, 3, 27, tzinfo=BERLIN))
    assert spring is not None
    assert (spring.date(), spring.hour, spring.utcoffset()) == (
        dt.date(2026, 4, 2),
        10,
        dt.timedelta(hours=2),
    )


def test_reminder_trigger_forms() -> None:
    cycle = Cycle(tz=TOKYO)
    day_form = reminder_trigger("wed 12:00", cycle)
    cron_form = reminder_trigger("0 12 * * wed", cycle)
    start = dt.datetime(2026, 11, 24, tzinfo=TOKYO)
    expected = dt.datetime(2026, 11, 25, 12, 0, tzinfo=TOKYO)
    assert day_form.get_next_fire_time(None, start) == expected
    assert cron_form.get_next_fire_time(None, start) == expected


def test_previous_fire() -> None:
    trigger = reminder_trigger("wed 12:00", Cycle(tz=TOKYO))
    now = dt.datetime(2026, 11, 26, 9, 0, tzinfo=TOKYO)
    assert previous_fire(trigger, now) == dt.datetime(2026, 11, 25, 12, 0, tzinfo=TOKYO)


def test_jobs_have_stable_ids_and_the_group_time_zone() -> None:
    class Service:
        clock = staticmethod(lambda: dt.datetime.now(dt.UTC))

        def scheduled_publish(self) -> None: ...
        def remind(self) -> None: ...
        def retry_pending(self) -> None: ...

    jobs = Jobs(Service(), None, Cycle(tz=BERLIN), "wed 12:00", dt.timedelta(hours=2))  # type: ignore[arg-type]
    found = {job.id: job for job in jobs.scheduler.get_jobs()}
    assert {PUBLISH_JOB, REMINDER_JOB, NOTION_RETRY_JOB} <= set(found)
    assert str(found[PUBLISH_JOB].trigger.timezone) == "Europe/Berlin"
    assert TIMER_JOB not in found  # MEETING_TIMER is off by default


def test_the_meeting_timer_job_runs_only_with_meeting_timer() -> None:
    class Service:
        clock = staticmethod(lambda: dt.datetime.now(dt.UTC))

        def scheduled_publish(self) -> None: ...
        def remind(self) -> None: ...
        def retry_pending(self) -> None: ...
        def meeting_timer(self) -> None: ...

    jobs = Jobs(Service(), None, Cycle(tz=BERLIN), "wed 12:00", dt.timedelta(hours=2), timer=True)  # type: ignore[arg-type]
    found = {job.id: job for job in jobs.scheduler.get_jobs()}
    assert str(found[TIMER_JOB].trigger.timezone) == "Europe/Berlin"


@pytest.mark.slow
def test_run_serves_healthz_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with FakeSlack(TOKEN) as slack:
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NOTION_"))},
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"{slack.url}/api/",
            "STUDY_CHANNEL": "C0STUDY001",
            "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
            "PORT": str(port),
        }
        proc = start_bot_process(env, tmp_path, port, capture=True)
        try:
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        assert proc.returncode == 0, stderr
        assert "stopped" in stderr
        assert TOKEN not in stderr and SECRET not in stderr
