"""The written-out Japanese holidays are the holidays package's own answer (issue #20)."""

from __future__ import annotations

import datetime as dt

from bot import jp_holidays
from bot.settings import load_settings


def test_the_table_is_what_the_installed_package_says() -> None:
    # An upgrade of `holidays` that moves a date fails here: run `python -m bot.jp_holidays`.
    assert jp_holidays.table_text() == jp_holidays._TABLE.strip()
    years = range(jp_holidays.FIRST_YEAR, jp_holidays.LAST_YEAR + 1)
    assert jp_holidays.table() == frozenset(jp_holidays.package_calendar(years))


def test_dates_outside_the_table_ask_the_package() -> None:
    is_holiday = jp_holidays.jp_holiday_checker()
    calendar = jp_holidays.package_calendar()
    outside = (dt.date(1990, 1, 1), dt.date(1990, 1, 2), dt.date(2070, 5, 3), dt.date(2070, 6, 3))
    for date in outside:
        assert is_holiday(date) == (date in calendar)


def test_the_cycle_skips_a_holiday_thursday_unless_turned_off() -> None:
    thursday = dt.date(2026, 9, 24)  # not a holiday
    autumn_equinox = dt.date(2027, 9, 23)  # a Thursday
    assert autumn_equinox.weekday() == thursday.weekday() == 3
    on = load_settings({}, env_file=None).cycle()
    off = load_settings({"SKIP_JP_HOLIDAYS": "false"}, env_file=None).cycle()
    assert on.is_skipped(autumn_equinox) and on.skip_reason(autumn_equinox) == "holiday"
    assert not on.is_skipped(thursday)
    assert not off.is_skipped(autumn_equinox)
