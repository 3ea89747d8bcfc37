"""Meeting assignment: publish time, late additions, skipped dates, holidays, DST."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.core.weeks import Assignment, Cycle, assign_meeting, parse_weekday

TOKYO = ZoneInfo("Asia/Tokyo")
THU = dt.date(2026, 11, 26)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        ("2026-11-23T08:00+09:00", Assignment(THU, late=False)),
        ("2026-11-26T09:59:59+09:00", Assignment(THU, late=False)),
        ("2026-11-26T10:00+09:00", Assignment(THU, late=True)),
        ("2026-11-26T16:59+09:00", Assignment(THU, late=True)),
        ("2026-11-26T17:00+09:00", Assignment(dt.date(2026, 12, 3), late=False)),
        ("2026-11-26T00:30+00:00", Assignment(THU, late=False)),  # 09:30 in Tokyo
    ],
)
def test_assignment(instant: str, expected: Assignment) -> None:
    assert assign_meeting(at(instant), Cycle()) == expected


def test_skipped_date_moves_to_next_week() -> None:
    cycle = Cycle(skip_dates=frozenset({THU}))
    assert assign_meeting(at("2026-11-24T12:00+09:00"), cycle).meeting == dt.date(2026, 12, 3)


def test_holiday_predicate() -> None:
    cycle = Cycle(is_holiday=lambda d: d == THU)
    assert cycle.skip_reason(THU) == "holiday"
    assert assign_meeting(at("2026-11-24T12:00+09:00"), cycle).meeting == dt.date(2026, 12, 3)


def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError):
        assign_meeting(dt.datetime(2026, 11, 24), Cycle())


def test_daylight_saving_berlin() -> None:
    berlin = Cycle(tz=ZoneInfo("Europe/Berlin"))
    # 2026-10-25 DST ends in Berlin; the Thursday before and after keep 10:00 local.
    before = berlin.publish_at(dt.date(2026, 10, 22))
    after = berlin.publish_at(dt.date(2026, 10, 29))
    assert before.utcoffset() == dt.timedelta(hours=2)
    assert after.utcoffset() == dt.timedelta(hours=1)
    assert (before.hour, after.hour) == (10, 10)
    # 09:30 UTC on 2026-10-29 is 10:30 in Berlin: past publish, before the meeting.
    assert assign_meeting(at("2026-10-29T09:30+00:00"), berlin) == Assignment(
        dt.date(2026, 10, 29), late=True
    )


def test_nonexistent_wall_time_moves_forward() -> None:
    berlin = Cycle(tz=ZoneInfo("Europe/Berlin"), meeting_weekday=6, publish_time=dt.time(2, 30))
    instant = berlin.publish_at(dt.date(2026, 3, 29))  # 02:30 does not exist that night
    assert instant.hour == 3


@pytest.mark.parametrize(("text", "day"), [("thu", 3), ("Thursday", 3), ("木", 3), ("mon", 0)])
def test_parse_weekday(text: str, day: int) -> None:
    assert parse_weekday(text) == day


def test_parse_weekday_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        parse_weekday("someday")
