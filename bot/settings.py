"""The only place that reads the environment: one validated Settings object.

The environment and `.env` are read here (`load_settings`), not by pydantic-settings:
its sources cost a tenth of a second of every command's start-up (issue #20). The rules
are the ones it applied: names in any case, an empty value means unset, the
environment wins over `.env`, other names are ignored, and defaults are validated too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.config_values import CHANNEL_ID as _CHANNEL_ID
from bot.config_values import ConfigValueError as ConfigValueError
from bot.config_values import (
    emoji_names,
    error_text,
    make_cycle,
    parse_duration,
    parse_time,
    read_environment,
    shown,
    split_list,
)
from bot.config_values import parse_reminder as parse_reminder
from bot.core.i18n import Language, t
from bot.core.weeks import WEEKDAYS, Cycle, parse_weekday
from bot.lang import language_hint as language_hint  # moved out: --help skips pydantic

MIN_SECRET_LENGTH = 6  # shorter values are no real secret

CommaList = tuple[str, ...]  # "a, b c" in the environment (the validators split it)
DateList = tuple[dt.date, ...]

_DB_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg")
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


class Settings(BaseModel):
    """Every variable of the configuration contract (PRODUCT.md section 8)."""

    model_config = ConfigDict(extra="ignore", validate_default=True)

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
    groups_file: str | None = None  # YAML of several study groups (bot/groups.py)

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
        return split_list(value)

    @field_validator("vote_emojis")
    @classmethod
    def _emoji_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return emoji_names(value)

    @field_validator("skip_dates", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> tuple[dt.date, ...]:
        out = []
        for part in split_list(value):
            try:
                out.append(dt.date.fromisoformat(part))
            except ValueError:
                raise ConfigValueError("cfg_dates", value=shown(part, 20)) from None
        return tuple(out)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigValueError("cfg_zone", value=shown(value)) from None
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
                "cfg_weekday", value=shown(value), valid=" ".join(WEEKDAYS)
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
            raise ConfigValueError("cfg_db_driver", driver=shown(url.drivername))
        return value

    @field_validator("slack_api_url", "notion_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        match = re.match(r"^(https?)://([^/\s:]+|\[[^\]]*\])(:\d+)?(/|$)", value.strip())
        if not match:
            raise ConfigValueError("cfg_url", value=shown(value))
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
        return make_cycle(
            self.timezone,
            self.meeting_weekday,
            self.meeting_time,
            self.publish_time,
            self.skip_dates,
            self.skip_jp_holidays,
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
            add("STUDY_CHANNEL", "cfg_channel_shape", value=shown(self.study_channel))
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


def load_settings(
    env: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Build Settings from the environment (or ``env``), turning errors into ConfigError."""
    if env is not None:
        values = {k.lower(): v for k, v in env.items() if v.strip()}
    else:
        values = read_environment(Settings.model_fields.keys(), env_file)
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        lang = language_hint(env, env_file)
        lines = []
        for item in error.errors(include_input=False, include_url=False):
            name = str(item["loc"][0]).upper() if item["loc"] else "PUBLISH_TIME"
            lines.append(f"{name}: {error_text(item, lang)}")
        raise ConfigError(lines, lang) from None
