"""The only place that reads the environment: one validated Settings object."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.i18n import Language, t
from bot.core.weeks import WEEKDAYS, Cycle, parse_weekday
from bot.lang import language_hint as language_hint  # moved out: --help skips pydantic

MIN_SECRET_LENGTH = 6  # shorter values are no real secret

CommaList = Annotated[tuple[str, ...], NoDecode]
DateList = Annotated[tuple[dt.date, ...], NoDecode]

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_DB_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg")
# Slack conversation ids: C… public, G… private (older workspaces). A name such as
# "general" is the usual mistake; it only fails at the first Slack call otherwise.
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
_NOTION_ID = re.compile(
    r"([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
)
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


class ConfigError(Exception):
    """Configuration that cannot work: one line per problem, naming the variable."""

    def __init__(self, lines: list[str], lang: Language = "ja") -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
        self.lang = lang


class ConfigValueError(ValueError):
    """A bad value, as a message key: the line is rendered in the run's language."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(t("en", key, **params))
        self.key = key
        self.params = params

    def text(self, lang: Language) -> str:
        return t(lang, self.key, **self.params)


def _shown(text: str, limit: int = 40) -> str:
    return text.strip()[:limit]


def parse_time(text: str) -> dt.time:
    match = _TIME.match(text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ConfigValueError("cfg_time", value=_shown(text, 20))
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_duration(text: str) -> dt.timedelta:
    match = _DURATION.match(text.strip().lower())
    if not text.strip() or not match:
        raise ConfigValueError("cfg_duration", value=_shown(text, 20))
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
    meeting_minutes: int = 60
    meeting_timer: bool = False
    metrics: bool = True  # /metrics (Prometheus) on PORT; false turns it off

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> Any:
        """GNU gettext also reads LANGUAGE (``en_US:en``, ``ja_JP.UTF-8``): take its language."""
        if isinstance(value, str):
            return re.split(r"[:_.@-]", value.strip().lower(), maxsplit=1)[0]
        return value

    @field_validator("vote_emojis", "organizers", "roster", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> tuple[str, ...]:
        return _split(value)

    @field_validator("vote_emojis")
    @classmethod
    def _emoji_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        names = tuple(v.strip(":") for v in value)
        if not names:
            raise ConfigValueError("cfg_emojis")
        return names

    @field_validator("skip_dates", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> tuple[dt.date, ...]:
        out = []
        for part in _split(value):
            try:
                out.append(dt.date.fromisoformat(part))
            except ValueError:
                raise ConfigValueError("cfg_dates", value=_shown(part, 20)) from None
        return tuple(out)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigValueError("cfg_zone", value=_shown(value)) from None
        return value

    @field_validator("meeting_time", "publish_time")
    @classmethod
    def _time(cls, value: str) -> str:
        parse_time(value)
        return value.strip()

    @field_validator("meeting_weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        try:
            parse_weekday(value)
        except ValueError:
            raise ConfigValueError(
                "cfg_weekday", value=_shown(value), valid=" ".join(WEEKDAYS)
            ) from None
        return value

    @field_validator("meeting_minutes")
    @classmethod
    def _meeting_minutes(cls, value: int) -> int:
        # Shorter than the shortest slot no topic could ever fit; a day is surely a typo.
        if not 5 <= value <= 600:
            raise ConfigValueError("cfg_meeting_minutes", value=value)
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
            raise ConfigValueError("cfg_db_url") from None
        if url.drivername not in _DB_DRIVERS:
            raise ConfigValueError("cfg_db_driver", driver=_shown(url.drivername))
        return value

    @field_validator("slack_api_url", "notion_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        match = re.match(r"^(https?)://([^/\s:]+|\[[^\]]*\])(:\d+)?(/|$)", value.strip())
        if not match:
            raise ConfigValueError("cfg_url", value=_shown(value))
        # The token travels with every request: in clear only to this machine (tests, a proxy).
        if match.group(1) == "http" and match.group(2).lower() not in _LOOPBACK:
            raise ConfigValueError("cfg_url_https")
        return value.strip()

    @field_validator("notion_database_id", "notion_parent_page_id")
    @classmethod
    def _notion_id(cls, value: str | None) -> str | None:
        """A pasted Notion URL (``…/Agenda-<id>?v=…&pvs=4``) becomes its id."""
        if value is None or "/" not in value:
            return value
        path = re.split(r"[?#]", value.strip(), maxsplit=1)[0].lower()
        found = _NOTION_ID.findall(path)
        if not found:
            raise ConfigValueError("cfg_notion_url")
        return str(found[-1]).replace("-", "")

    @model_validator(mode="after")
    def _publish_before_meeting(self) -> Settings:
        if parse_time(self.publish_time) >= parse_time(self.meeting_time):
            raise ConfigValueError(
                "cfg_publish_order", publish=self.publish_time, meeting=self.meeting_time
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
        from bot.jp_holidays import jp_holiday_checker

        holiday = jp_holiday_checker() if self.skip_jp_holidays else None
        return Cycle(
            tz=self.zone,
            meeting_weekday=parse_weekday(self.meeting_weekday),
            meeting_time=parse_time(self.meeting_time),
            publish_time=parse_time(self.publish_time),
            skip_dates=frozenset(self.skip_dates),
            **({"is_holiday": holiday} if holiday else {}),
        )

    def secret_values(self) -> list[str]:
        """Every secret this configuration holds, for scrubbing from logs and messages."""
        values = [
            secret.get_secret_value()
            for secret in (
                self.slack_bot_token,
                self.slack_app_token,
                self.slack_signing_secret,
                self.notion_token,
            )
            if secret is not None
        ]
        try:
            password = urlsplit(self.database_url).password
        except ValueError:  # a malformed host part: the database check names it
            password = None
        if password:
            values += dict.fromkeys((password, unquote(password)))
        # A value this short is no real secret, and scrubbing it would mangle every line.
        return [value for value in values if len(value) >= MIN_SECRET_LENGTH]

    def problems_for_run(self) -> list[str]:
        """What `studybot run` needs beyond what every command needs."""
        lang = self.language
        problems: list[str] = []

        def add(name: str, key: str, **params: object) -> None:
            problems.append(f"{name}: {t(lang, key, **params)}")

        if self.slack_bot_token is None:
            add("SLACK_BOT_TOKEN", "cfg_bot_token_missing")
        elif not self.bot_token_well_formed:
            add("SLACK_BOT_TOKEN", "cfg_bot_token_format")
        if not self.study_channel:
            add("STUDY_CHANNEL", "cfg_channel_missing")
        elif not _CHANNEL_ID.match(self.study_channel):
            add("STUDY_CHANNEL", "cfg_channel_shape", value=_shown(self.study_channel))
        if self.slack_app_token is not None:
            if not self.slack_app_token.get_secret_value().startswith("xapp-"):
                add("SLACK_APP_TOKEN", "cfg_app_token_format")
        elif self.slack_signing_secret is None:
            add("SLACK_SIGNING_SECRET", "cfg_signing_missing")
        if self.notion_token is not None and not (
            self.notion_database_id or self.notion_parent_page_id
        ):
            add("NOTION_DATABASE_ID", "cfg_notion_target")
        return problems

    @property
    def bot_token_well_formed(self) -> bool:
        token = self.slack_bot_token
        return token is not None and token.get_secret_value().startswith("xoxb-")


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
                "cfg_weekday", value=_shown(parts[0]), valid=" ".join(WEEKDAYS)
            ) from None
        return WEEKDAYS[day], parse_time(parts[1])
    if len(parts) == 5:
        from apscheduler.triggers.cron import CronTrigger

        crontab = " ".join([*parts[:4], _cron_weekdays(parts[4])])
        try:
            CronTrigger.from_crontab(crontab)
        except ValueError:
            raise ConfigValueError("cfg_reminder", value=_shown(value)) from None
        return crontab
    raise ConfigValueError("cfg_reminder", value=_shown(value))


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
        lang = language_hint(env, env_file)
        lines = []
        for item in error.errors(include_input=False, include_url=False):
            name = str(item["loc"][0]).upper() if item["loc"] else "PUBLISH_TIME"
            lines.append(f"{name}: {_error_text(item, lang)}")
        raise ConfigError(lines, lang) from None


def _error_text(item: Any, lang: Language) -> str:
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
