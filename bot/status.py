"""Where the week stands, for organisers: `studybot status` and the App Home summary.

Everything comes from the database, so any replica (or the CLI next to them) gives
the same answer; only "who has not submitted" needs the member list: ROSTER here, the
channel's members when the caller can ask Slack (App Home).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.agenda import agenda_order, compile_agenda
from bot.core.i18n import Language, t
from bot.core.weeks import Cycle, upcoming_meeting
from bot.store import Repository

log = logging.getLogger(__name__)

TARGETS = ("slack", "notion")


@dataclass(frozen=True)
class Status:
    """The summary; ``to_json`` is the interface documented in the README."""

    now: dt.datetime
    meeting: dt.date
    meeting_start: dt.datetime
    skipped: tuple[tuple[dt.date, str], ...]
    topics: tuple[dict[str, Any], ...]
    missing: tuple[str, ...] | None  # None: unknown (no ROSTER and no Slack at hand)
    next_reminder: dt.datetime | None
    next_publish: dt.datetime
    last_publish: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    notion_retries: tuple[dt.date, ...] = ()
    leases: tuple[tuple[str, str, dt.datetime], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "meeting": self.meeting.isoformat(),
            "meeting_start": self.meeting_start.isoformat(),
            "skipped": [{"date": d.isoformat(), "reason": r} for d, r in self.skipped],
            "topics": list(self.topics),
            "missing": None if self.missing is None else list(self.missing),
            "next_reminder": self.next_reminder.isoformat() if self.next_reminder else None,
            "next_publish": self.next_publish.isoformat(),
            "last_publish": self.last_publish,
            "notion_retries": [d.isoformat() for d in self.notion_retries],
            "leases": [{"name": n, "holder": h, "since": s.isoformat()} for n, h, s in self.leases],
        }

    def lines(
        self,
        lang: Language,
        *,
        mention: bool = False,
        escape: Callable[[str], str] = str,
    ) -> list[str]:
        """The summary as text lines. For Slack: ``mention`` shows members as mentions,
        ``escape`` is applied to every text that came from people (titles, names, errors)."""
        e = escape
        tz = self.meeting_start.tzinfo
        out = [
            t(
                lang,
                "status_meeting",
                date=self.meeting.isoformat(),
                time=self.meeting_start.strftime("%H:%M"),
            )
        ]
        out += [t(lang, "status_skipped", date=d.isoformat(), reason=e(r)) for d, r in self.skipped]
        out.append(t(lang, "status_topics", count=len(self.topics)))
        out += [
            t(
                lang,
                "status_topic",
                tag=e(topic["tag"]),
                title=e(topic["title"]),
                presenter=e(topic["presenter"]),
                votes=topic["votes"],
            )
            for topic in self.topics
        ]
        if self.missing is None:
            out.append(t(lang, "status_missing_unknown"))
        else:
            shown = [f"<@{m}>" if mention else e(m) for m in self.missing]
            members = ", ".join(shown) or t(lang, "status_none")
            out.append(t(lang, "status_missing", count=len(self.missing), members=members))
        reminder = _when(self.next_reminder, tz) if self.next_reminder else t(lang, "status_none")
        out.append(t(lang, "status_next_reminder", when=reminder))
        out.append(t(lang, "status_next_publish", when=_when(self.next_publish, tz)))
        for target in TARGETS:
            if target not in self.last_publish:
                continue
            last = self.last_publish[target]
            if last is None:
                out.append(t(lang, "status_last_publish_none", target=target))
                continue
            date, state = last["meeting"], last["state"]
            out.append(t(lang, "status_last_publish", target=target, date=date, state=state))
            if last["error"]:
                out.append(t(lang, "status_error", error=e(last["error"])))
        dates = ", ".join(d.isoformat() for d in self.notion_retries) or t(lang, "status_none")
        out.append(t(lang, "status_retries", dates=dates))
        for name, holder, since in self.leases:
            since_text = _when(since, tz)
            out.append(t(lang, "status_leases", name=e(name), holder=e(holder), since=since_text))
        return out


def _when(instant: dt.datetime, tz: Any) -> str:
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def collect_status(
    repo: Repository,
    cycle: Cycle,
    *,
    now: dt.datetime,
    next_reminder: Callable[[dt.datetime], dt.datetime | None],
    skip_reason: Callable[[dt.date], str],
    roster: Sequence[str] = (),
    members: Callable[[dt.date], Sequence[str]] | None = None,
    notion: bool = False,
    group_name: str = "",
) -> Status:
    """Read the week's state; ``members(meeting)`` (Slack) answers who has not submitted
    when there is no roster."""
    meeting = upcoming_meeting(now, cycle)
    today = now.astimezone(cycle.tz).date()
    skipped: list[tuple[dt.date, str]] = []
    nominal = today + dt.timedelta(days=(cycle.meeting_weekday - today.weekday()) % 7)
    while nominal < meeting:
        if cycle.is_skipped(nominal):
            skipped.append((nominal, skip_reason(nominal)))
        nominal += dt.timedelta(weeks=1)
    agenda = compile_agenda(meeting, repo.topics_for_meeting(meeting), group_name)
    topics = tuple(
        {
            "tag": topic.tag,
            "title": topic.title,
            "presenter": topic.presenter.name,
            "presenter_id": topic.presenter.user_id,
            "votes": topic.votes,
        }
        for topic in agenda_order(agenda)
    )
    missing: tuple[str, ...] | None
    if roster:
        submitted = {topic.presenter.user_id for topic in repo.topics_for_meeting(meeting)}
        missing = tuple(m for m in dict.fromkeys(roster) if m not in submitted)
    elif members is not None:
        try:
            missing = tuple(members(meeting))
        except Exception:  # Slack cannot list the channel: unknown, not a broken summary
            log.warning("status_members_unavailable", exc_info=True)
            missing = None
    else:
        missing = None
    targets = TARGETS if notion else ("slack",)
    last: dict[str, dict[str, Any] | None] = {}
    dates = sorted(repo.meeting_dates(), reverse=True)
    for target in targets:
        last[target] = None
        for date in dates:
            record = repo.get_publication(date, target)  # type: ignore[arg-type]
            if record is not None:
                last[target] = {
                    "meeting": date.isoformat(),
                    "state": record.state,
                    "error": record.last_error,
                    "updated_at": record.updated_at.isoformat(),
                }
                break
    retries: list[dt.date] = []
    if notion:
        for date in dates:
            if cycle.meeting_start(date) + dt.timedelta(days=1) < now:
                continue  # the retry job gives up on a page a day after the meeting
            record = repo.get_publication(date, "notion")
            slack = repo.get_publication(date, "slack")
            if slack is not None and (record is None or record.state != "complete"):
                retries.append(date)
    return Status(
        now=now,
        meeting=meeting,
        meeting_start=cycle.meeting_start(meeting),
        skipped=tuple(skipped),
        topics=topics,
        missing=missing,
        next_reminder=next_reminder(now),
        next_publish=cycle.publish_at(meeting),
        last_publish=last,
        notion_retries=tuple(sorted(retries)),
        leases=tuple(repo.held_leases()),
    )
