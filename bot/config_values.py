"""The values the settings accept, parsed by hand, and how their errors read.

Apart from bot.settings so that both stay short; bot.settings re-exports what others use.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from bot.core.i18n import Language, t
from bot.core.weeks import WEEKDAYS, Cycle, parse_weekday

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
# Slack conversation ids: C… public, G… private (older workspaces). A name such as
# "general" is the usual mistake; it only fails at the first Slack call otherwise.
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
# A reaction's name as Slack reports it (letters, digits, _ - + ', no capital Latin
# letter; custom emoji may have Japanese names such as 了解), with a skin tone when one
# is chosen; a pasted 👍 or "thumbs up" would never match a reaction.
_EMOJI_NAME = re.compile(r"^(?:[^\W A-Z]|[+'-])+(::skin-tone-[2-6])?$")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


class ConfigValueError(ValueError):
    """A bad value, as a message key: the line is rendered in the run's language."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(t("en", key, **params))
        self.key = key
        self.params = params

    def text(self, lang: Language) -> str:
        return t(lang, self.key, **self.params)


def shown(text: str, limit: int = 40) -> str:
    return text.strip()[:limit]


def parse_time(text: str) -> dt.time:
    match = _TIME.match(text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ConfigValueError("cfg_time", value=shown(text, 20))
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_duration(text: str) -> dt.timedelta:
    match = _DURATION.match(text.strip().lower())
    if not text.strip() or not match:
        raise ConfigValueError("cfg_duration", value=shown(text, 20))
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def emoji_names(value: tuple[str, ...]) -> tuple[str, ...]:
    """Reaction names without their colons: at least one, each shaped like Slack's."""
    names = tuple(v.strip(":") for v in value)
    if not names:
        raise ConfigValueError("cfg_emojis")
    for name in names:
        if not _EMOJI_NAME.match(name):
            raise ConfigValueError("cfg_emoji_name", value=shown(name, 20))
    return names


def make_cycle(
    timezone: str,
    meeting_weekday: str,
    meeting_time: str,
    publish_time: str,
    skip_dates: Collection[dt.date],
    skip_jp_holidays: bool,
) -> Cycle:
    """The weekly cycle from validated values (Settings.cycle and Group.cycle)."""
    from zoneinfo import ZoneInfo

    from bot.jp_holidays import jp_holiday_checker

    holiday = jp_holiday_checker() if skip_jp_holidays else None
    return Cycle(
        tz=ZoneInfo(timezone),
        meeting_weekday=parse_weekday(meeting_weekday),
        meeting_time=parse_time(meeting_time),
        publish_time=parse_time(publish_time),
        skip_dates=frozenset(skip_dates),
        **({"is_holiday": holiday} if holiday else {}),
    )


def split_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in re.split(r"[,\s]+", value) if part.strip())
    return tuple(str(part).strip() for part in value)


_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _cron_weekdays(field: str) -> str:
    """Crontab's day-of-week numbers (0 or 7 = Sunday) as names: APScheduler counts from
    Monday, so '3' would silently mean Thursday instead of Wednesday."""
    return re.sub(
        r"\d+", lambda m: _CRON_DAYS[int(m.group())] if int(m.group()) < 8 else "x", field
    )


def parse_reminder(value: str) -> tuple[str, dt.time] | str:
    """``wed 12:00`` (or ``水 12:00``) to (day name, time); a 5-field crontab is validated
    and returned with its weekday numbers as names."""
    parts = value.split()
    if len(parts) == 2:
        try:
            day = parse_weekday(parts[0])
        except ValueError:
            raise ConfigValueError(
                "cfg_weekday", value=shown(parts[0]), valid=" ".join(WEEKDAYS)
            ) from None
        return WEEKDAYS[day], parse_time(parts[1])
    if len(parts) == 5:
        from apscheduler.triggers.cron import CronTrigger

        crontab = " ".join([*parts[:4], _cron_weekdays(parts[4])])
        try:
            CronTrigger.from_crontab(crontab)
        except ValueError:
            raise ConfigValueError("cfg_reminder", value=shown(value)) from None
        return crontab
    raise ConfigValueError("cfg_reminder", value=shown(value))


def read_environment(names: Collection[str], env_file: str | Path | None) -> dict[str, str]:
    """The settings' names found in ``env_file`` and then the environment (which wins)."""
    values: dict[str, str] = {}
    sources: list[Mapping[str, str | None]] = []
    path = None if env_file is None else Path(env_file).expanduser()
    if path is not None and (path.is_file() or path.is_fifo()):
        from dotenv import dotenv_values

        sources.append(dotenv_values(path, encoding="utf-8"))
    sources.append(os.environ)
    for source in sources:
        for key, value in source.items():
            if value and key.lower() in names:  # None: a bare name in .env, also unset
                values[key.lower()] = value
    return values


def error_text(item: Any, lang: Language) -> str:
    """pydantic's error as a line in ``lang``: ours by key, pydantic's own by type."""
    ctx = item.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, ConfigValueError):
        return cause.text(lang)
    kind = str(item.get("type", ""))
    if kind == "int_parsing":
        return t(lang, "cfg_int")
    if kind == "bool_parsing":
        return t(lang, "cfg_bool")
    if kind == "literal_error":
        valid = re.sub(r"[' ]|\bor\b", " ", str(ctx.get("expected", ""))).split()
        return t(lang, "cfg_choice", valid=" ".join(v.strip(",") for v in valid))
    if kind in ("greater_than_equal", "less_than_equal"):
        return t(lang, "cfg_range", low=1, high=65535)
    return t(lang, "cfg_invalid")
