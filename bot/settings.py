"""The only place that reads the environment: one validated Settings object."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.weeks import Cycle, parse_weekday

CommaList = Annotated[tuple[str, ...], NoDecode]
DateList = Annotated[tuple[dt.date, ...], NoDecode]

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_DB_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg")


class ConfigError(Exception):
    """Configuration that cannot work: one line per problem, naming the variable."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def parse_time(text: str) -> dt.time:
    match = _TIME.match(text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"expected HH:MM between 00:00 and 23:59, got {text.strip()[:20]!r}")
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_duration(text: str) -> dt.timedelta:
    match = _DURATION.match(text.strip().lower())
    if not text.strip() or not match:
        raise ValueError("expected a duration such as 2h, 30m or 1h30m")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def _split(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in re.split(r"[,\s]+", value) if part.strip())
    return tuple(str(part).strip() for part in value)


class Settings(BaseSettings):
    """Every variable of the configuration contract (PRODUCT.md section 8)."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    study_channel: str | None = None
    notion_token: SecretStr | None = None
    notion_database_id: str | None = None
    notion_parent_page_id: str | None = None
    notion_api_url: str = "https://api.notion.com"
    notion_date_property: str | None = None
    database_url: str = "sqlite:///data/studybot.db"
    timezone: str = "Asia/Tokyo"
    meeting_weekday: str = "thu"
    meeting_time: str = "17:00"
    publish_time: str = "10:00"
    reminder_cron: str = "wed 12:00"
    group_name: str = "機械学習勉強会"
    language: Literal["ja", "en"] = "ja"
    port: int = Field(default=3000, ge=1, le=65535)
    vote_emojis: CommaList = ("+1",)
    organizers: CommaList = ()
    roster: CommaList = ()
    skip_dates: DateList = ()
    skip_jp_holidays: bool = True
    reminder_grace: str = "2h"
    strict_paper_links: bool = False
    log_format: Literal["text", "json"] = "text"

    @field_validator("vote_emojis", "organizers", "roster", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> tuple[str, ...]:
        return _split(value)

    @field_validator("vote_emojis")
    @classmethod
    def _emoji_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        names = tuple(v.strip(":") for v in value)
        if not names:
            raise ValueError("list at least one reaction name, e.g. +1")
        return names

    @field_validator("skip_dates", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> tuple[dt.date, ...]:
        out = []
        for part in _split(value):
            try:
                out.append(dt.date.fromisoformat(part))
            except ValueError:
                raise ValueError(f"expected YYYY-MM-DD dates, got {part[:20]!r}") from None
        return tuple(out)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value[:40]!r} (use an IANA name such as Asia/Tokyo)"
            ) from None
        return value

    @field_validator("meeting_time", "publish_time")
    @classmethod
    def _time(cls, value: str) -> str:
        parse_time(value)
        return value.strip()

    @field_validator("meeting_weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        parse_weekday(value)
        return value

    @field_validator("reminder_grace")
    @classmethod
    def _grace(cls, value: str) -> str:
        parse_duration(value)
        return value

    @field_validator("reminder_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        parse_reminder(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _db(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL (e.g. sqlite:///data/studybot.db)") from None
        if url.drivername not in _DB_DRIVERS:
            raise ValueError(
                f"unsupported database {url.drivername!r}: use sqlite:///PATH "
                "or postgresql+psycopg://USER@HOST/DB"
            )
        return value

    @field_validator("slack_api_url", "notion_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("expected an http(s) URL")
        return value

    @model_validator(mode="after")
    def _publish_before_meeting(self) -> Settings:
        if parse_time(self.publish_time) >= parse_time(self.meeting_time):
            raise ValueError(
                f"{self.publish_time} must be before MEETING_TIME "
                f"({self.meeting_time}): the agenda goes out before the meeting"
            )
        return self

    # Derived, typed views the services receive.

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def reminder_grace_delta(self) -> dt.timedelta:
        return parse_duration(self.reminder_grace)

    @property
    def notion_enabled(self) -> bool:
        return self.notion_token is not None and bool(
            self.notion_database_id or self.notion_parent_page_id
        )

    def cycle(self) -> Cycle:
        holiday = _jp_holiday_checker() if self.skip_jp_holidays else None
        return Cycle(
            tz=self.zone,
            meeting_weekday=parse_weekday(self.meeting_weekday),
            meeting_time=parse_time(self.meeting_time),
            publish_time=parse_time(self.publish_time),
            skip_dates=frozenset(self.skip_dates),
            **({"is_holiday": holiday} if holiday else {}),
        )

    def problems_for_run(self) -> list[str]:
        """What `studybot run` needs beyond what every command needs."""
        problems: list[str] = []
        if self.slack_bot_token is None:
            problems.append("SLACK_BOT_TOKEN: required to run the bot (xoxb-…)")
        elif not self.slack_bot_token.get_secret_value().startswith("xoxb-"):
            problems.append("SLACK_BOT_TOKEN: must be a bot token starting with xoxb-")
        if not self.study_channel:
            problems.append("STUDY_CHANNEL: required to run the bot (a channel id such as C0123…)")
        if self.slack_app_token is not None:
            if not self.slack_app_token.get_secret_value().startswith("xapp-"):
                problems.append("SLACK_APP_TOKEN: must be an app-level token starting with xapp-")
        elif self.slack_signing_secret is None:
            problems.append(
                "SLACK_SIGNING_SECRET: required in HTTP mode (set it, or set SLACK_APP_TOKEN "
                "for Socket Mode)"
            )
        if self.notion_token is not None and not (
            self.notion_database_id or self.notion_parent_page_id
        ):
            problems.append(
                "NOTION_DATABASE_ID: set it (or NOTION_PARENT_PAGE_ID) "
                "so the agenda page has a home"
            )
        return problems


def _jp_holiday_checker() -> Any:
    import holidays

    calendar = holidays.country_holidays("JP")
    return lambda date: date in calendar


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
        from bot.core.weeks import WEEKDAYS

        return WEEKDAYS[parse_weekday(parts[0])], parse_time(parts[1])
    if len(parts) == 5:
        from apscheduler.triggers.cron import CronTrigger

        crontab = " ".join([*parts[:4], _cron_weekdays(parts[4])])
        try:
            CronTrigger.from_crontab(crontab)
        except ValueError:
            raise ValueError(f"not a valid crontab: {value[:40]!r}") from None
        return crontab
    raise ValueError("expected 'wed 12:00' or a 5-field crontab such as '0 12 * * wed'")


def load_settings(
    env: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Build Settings from the environment (or ``env``), turning errors into ConfigError."""
    try:
        if env is not None:
            values = {k.lower(): v for k, v in env.items() if v.strip()}
            return Settings.model_validate(values)
        return Settings(_env_file=env_file)
    except ValidationError as error:
        lines = []
        for item in error.errors(include_input=False, include_url=False):
            name = str(item["loc"][0]).upper() if item["loc"] else "PUBLISH_TIME"
            message = str(item["msg"]).removeprefix("Value error, ")
            lines.append(f"{name}: {message}")
        raise ConfigError(lines) from None
