"""The scheduler adapter: each job has a stable id, an explicit time zone, one service call."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.weeks import WEEKDAYS, Cycle
from bot.services.cycle import CycleService
from bot.settings import parse_reminder
from bot.store import Repository

log = logging.getLogger(__name__)

PUBLISH_JOB = "studybot.publish"
REMINDER_JOB = "studybot.reminder"
NOTION_RETRY_JOB = "studybot.notion_retry"
HOUSEKEEPING_JOB = "studybot.housekeeping"
TIMER_JOB = "studybot.meeting_timer"
# How often the meeting timer looks at the clock: a slot's reply is at most this late.
TIMER_EVERY = dt.timedelta(seconds=15)


def publish_trigger(cycle: Cycle) -> CronTrigger:
    return CronTrigger(
        day_of_week=WEEKDAYS[cycle.meeting_weekday],
        hour=cycle.publish_time.hour,
        minute=cycle.publish_time.minute,
        timezone=cycle.tz,
    )


def reminder_trigger(reminder_cron: str, cycle: Cycle) -> CronTrigger:
    parsed = parse_reminder(reminder_cron)
    if isinstance(parsed, str):
        return CronTrigger.from_crontab(parsed, timezone=cycle.tz)
    day, time = parsed
    return CronTrigger(
        day_of_week=day[:3].lower(), hour=time.hour, minute=time.minute, timezone=cycle.tz
    )


def previous_fire(trigger: CronTrigger, now: dt.datetime) -> dt.datetime | None:
    """The last time ``trigger`` fired at or before ``now`` (within the past 8 days)."""
    last: dt.datetime | None = None
    cursor: dt.datetime | None = trigger.get_next_fire_time(None, now - dt.timedelta(days=8))
    while cursor is not None and cursor <= now:
        last = cursor
        cursor = trigger.get_next_fire_time(cursor, cursor + dt.timedelta(seconds=1))
    return last


class JobMetrics(Protocol):
    def job_run(self, job: str, ok: bool) -> None: ...


class Jobs:
    """The cycle's jobs on an APScheduler BackgroundScheduler."""

    def __init__(
        self,
        service: CycleService,
        repo: Repository,
        cycle: Cycle,
        reminder_cron: str,
        grace: dt.timedelta,
        *,
        retry_every: dt.timedelta = dt.timedelta(minutes=5),
        timer: bool = False,
        metrics: JobMetrics | None = None,
    ) -> None:
        self.metrics = metrics
        self.service = service
        self.repo = repo
        self.cycle = cycle
        self.reminder = reminder_trigger(reminder_cron, cycle)
        self.grace = grace
        self.scheduler = BackgroundScheduler(timezone=cycle.tz)
        common: dict[str, Any] = {"coalesce": True, "max_instances": 1, "replace_existing": True}
        self.scheduler.add_job(
            self._guard(PUBLISH_JOB, service.scheduled_publish),
            publish_trigger(cycle),
            id=PUBLISH_JOB,
            misfire_grace_time=3600,
            **common,
        )
        self.scheduler.add_job(
            self._guard(REMINDER_JOB, service.remind),
            self.reminder,
            id=REMINDER_JOB,
            misfire_grace_time=int(grace.total_seconds()) or 1,
            **common,
        )
        self.scheduler.add_job(
            self._guard(NOTION_RETRY_JOB, service.retry_pending),
            IntervalTrigger(seconds=int(retry_every.total_seconds()), timezone=cycle.tz),
            id=NOTION_RETRY_JOB,
            **common,
        )
        self.scheduler.add_job(
            self._guard(HOUSEKEEPING_JOB, self.housekeeping),
            CronTrigger(hour=4, minute=17, timezone=cycle.tz),
            id=HOUSEKEEPING_JOB,
            **common,
        )

        if timer:  # MEETING_TIMER
            self.scheduler.add_job(
                self._guard(TIMER_JOB, service.meeting_timer),
                IntervalTrigger(seconds=int(TIMER_EVERY.total_seconds()), timezone=cycle.tz),
                id=TIMER_JOB,
                **common,
            )

    def _guard(self, name: str, step: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            ok = True
            try:
                step()
            except Exception:  # one failed run must not stop the scheduler
                ok = False
                log.exception("job_failed", extra={"job": name})
            if self.metrics is not None:
                self.metrics.job_run(name, ok)
            # "When is the next reminder?" answered by the log after every run too.
            log.info(
                "job_done",
                extra={"job": name, "outcome": "ok" if ok else "failed", **self.next_runs()},
            )

        return run

    def next_runs(self) -> dict[str, str | None]:
        """``{"next_<job>": ISO time or None}`` for every scheduled job (a log field each)."""
        out: dict[str, str | None] = {}
        for job in self.scheduler.get_jobs():
            when = getattr(job, "next_run_time", None)
            out["next_" + job.id.removeprefix("studybot.")] = when.isoformat() if when else None
        return out

    def housekeeping(self) -> None:
        """Slack retries for minutes; a week of event ids is plenty."""
        cutoff = self.service.clock() - dt.timedelta(days=7)
        self.repo.forget_events_before(cutoff)

    def catch_up(self) -> list[str]:
        """What start-up must run that the schedule missed while the bot was down."""
        last = previous_fire(self.reminder, self.service.clock())
        done = self.service.catch_up(last, self.grace)
        if done:
            log.info("caught_up", extra={"steps": ",".join(done)})
        return done

    def start(self) -> None:
        self.scheduler.start()
        self._guard("catch_up", self.catch_up)()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
