"""Japan's public holidays without importing the holidays package (SKIP_JP_HOLIDAYS).

`holidays.country_holidays("JP")` imports the module of every country the package knows:
about a tenth of a second of every command's start-up, for one bool per meeting date.
The years below are that package's own answer, written out (substitute holidays
included); tests/test_jp_holidays.py checks them against the installed package, so an
upgrade that changes a date fails there. Regenerate with `python -m bot.jp_holidays`.
Dates outside the table ask the package itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

FIRST_YEAR = 2020
LAST_YEAR = 2050

# One line a year: the year, then each month's holidays as MM-DD,DD,...
_TABLE = """
2020 01-01,13 02-11,23,24 03-20 04-29 05-03,04,05,06 07-23,24 08-10 09-21,22 11-03,23
2021 01-01,11 02-11,23 03-20 04-29 05-03,04,05 07-22,23 08-08,09 09-20,23 11-03,23
2022 01-01,10 02-11,23 03-21 04-29 05-03,04,05 07-18 08-11 09-19,23 10-10 11-03,23
2023 01-01,02,09 02-11,23 03-21 04-29 05-03,04,05 07-17 08-11 09-18,23 10-09 11-03,23
2024 01-01,08 02-11,12,23 03-20 04-29 05-03,04,05,06 07-15 08-11,12 09-16,22,23 10-14 11-03,04,23
2025 01-01,13 02-11,23,24 03-20 04-29 05-03,04,05,06 07-21 08-11 09-15,23 10-13 11-03,23,24
2026 01-01,12 02-11,23 03-20 04-29 05-03,04,05,06 07-20 08-11 09-21,22,23 10-12 11-03,23
2027 01-01,11 02-11,23 03-21,22 04-29 05-03,04,05 07-19 08-11 09-20,23 10-11 11-03,23
2028 01-01,10 02-11,23 03-20 04-29 05-03,04,05 07-17 08-11 09-18,22 10-09 11-03,23
2029 01-01,08 02-11,12,23 03-20 04-29,30 05-03,04,05 07-16 08-11 09-17,23,24 10-08 11-03,23
2030 01-01,14 02-11,23 03-20 04-29 05-03,04,05,06 07-15 08-11,12 09-16,23 10-14 11-03,04,23
2031 01-01,13 02-11,23,24 03-21 04-29 05-03,04,05,06 07-21 08-11 09-15,23 10-13 11-03,23,24
2032 01-01,12 02-11,23 03-20 04-29 05-03,04,05 07-19 08-11 09-20,21,22 10-11 11-03,23
2033 01-01,10 02-11,23 03-20,21 04-29 05-03,04,05 07-18 08-11 09-19,23 10-10 11-03,23
2034 01-01,02,09 02-11,23 03-20 04-29 05-03,04,05 07-17 08-11 09-18,23 10-09 11-03,23
2035 01-01,08 02-11,12,23 03-21 04-29,30 05-03,04,05 07-16 08-11 09-17,23,24 10-08 11-03,23
2036 01-01,14 02-11,23 03-20 04-29 05-03,04,05,06 07-21 08-11 09-15,22 10-13 11-03,23,24
2037 01-01,12 02-11,23 03-20 04-29 05-03,04,05,06 07-20 08-11 09-21,22,23 10-12 11-03,23
2038 01-01,11 02-11,23 03-20 04-29 05-03,04,05 07-19 08-11 09-20,23 10-11 11-03,23
2039 01-01,10 02-11,23 03-21 04-29 05-03,04,05 07-18 08-11 09-19,23 10-10 11-03,23
2040 01-01,02,09 02-11,23 03-20 04-29,30 05-03,04,05 07-16 08-11 09-17,22 10-08 11-03,23
2041 01-01,14 02-11,23 03-20 04-29 05-03,04,05,06 07-15 08-11,12 09-16,23 10-14 11-03,04,23
2042 01-01,13 02-11,23,24 03-20 04-29 05-03,04,05,06 07-21 08-11 09-15,23 10-13 11-03,23,24
2043 01-01,12 02-11,23 03-21 04-29 05-03,04,05,06 07-20 08-11 09-21,22,23 10-12 11-03,23
2044 01-01,11 02-11,23 03-20,21 04-29 05-03,04,05 07-18 08-11 09-19,22 10-10 11-03,23
2045 01-01,02,09 02-11,23 03-20 04-29 05-03,04,05 07-17 08-11 09-18,22 10-09 11-03,23
2046 01-01,08 02-11,12,23 03-20 04-29,30 05-03,04,05 07-16 08-11 09-17,23,24 10-08 11-03,23
2047 01-01,14 02-11,23 03-21 04-29 05-03,04,05,06 07-15 08-11,12 09-16,23 10-14 11-03,04,23
2048 01-01,13 02-11,23,24 03-20 04-29 05-03,04,05,06 07-20 08-11 09-21,22 10-12 11-03,23
2049 01-01,11 02-11,23 03-20 04-29 05-03,04,05 07-19 08-11 09-20,21,22 10-11 11-03,23
2050 01-01,10 02-11,23 03-20,21 04-29 05-03,04,05 07-18 08-11 09-19,23 10-10 11-03,23
"""


def table() -> frozenset[dt.date]:
    """Every holiday from FIRST_YEAR to LAST_YEAR."""
    dates: set[dt.date] = set()
    for line in _TABLE.split("\n"):
        if line:
            year, *months = line.split()
            for month in months:
                number, days = month.split("-")
                dates.update(dt.date(int(year), int(number), int(d)) for d in days.split(","))
    return frozenset(dates)


def jp_holiday_checker() -> Callable[[dt.date], bool]:
    """``date -> is it a Japanese public holiday``: the table, else the holidays package."""
    known = table()
    package: list[Mapping[dt.date, str]] = []  # built on the first date outside the table

    def is_holiday(date: dt.date) -> bool:
        if FIRST_YEAR <= date.year <= LAST_YEAR:
            return date in known
        if not package:
            package.append(package_calendar())
        return date in package[0]

    return is_holiday


def package_calendar(years: range | None = None) -> Mapping[dt.date, str]:
    """The holidays package's calendar of Japan (imports every country's module)."""
    import holidays

    return holidays.country_holidays("JP", years=years)


def table_text(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> str:
    """The table's lines, from the installed holidays package."""
    calendar = package_calendar(range(first, last + 1))
    lines = []
    for year in range(first, last + 1):
        months: dict[int, list[str]] = {}
        for date in sorted(d for d in calendar if d.year == year):
            months.setdefault(date.month, []).append(f"{date.day:02}")
        shown = (f"{month:02}-{','.join(days)}" for month, days in months.items())
        lines.append(" ".join((str(year), *shown)))
    return "\n".join(lines)


if __name__ == "__main__":
    print(table_text())
