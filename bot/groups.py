"""The study groups an install serves: today's variables as one, or several from GROUPS_FILE.

Without GROUPS_FILE there is exactly one group, ``default``, with the values of STUDY_CHANNEL,
GROUP_NAME, MEETING_WEEKDAY and the rest. GROUPS_FILE (YAML) lists groups under ``groups:``;
a key a group leaves out takes the global variable of the same meaning. Every value goes
through Settings' own validators, so a group obeys exactly the rules of the variables.
The group ``default`` is the one that will own today's data once storage knows groups
(issue #16); until then only a file of one group is served.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config_values import CHANNEL_ID, ConfigValueError, error_text, make_cycle, shown
from bot.core.i18n import Language, t
from bot.core.weeks import Cycle
from bot.settings import ConfigError, Settings

DEFAULT_ID = "default"
# A key of GROUPS_FILE -> the Settings field (the variable) of the same meaning.
GROUP_KEYS: dict[str, str] = {
    "channel": "study_channel",
    "name": "group_name",
    "meeting_weekday": "meeting_weekday",
    "meeting_time": "meeting_time",
    "publish_time": "publish_time",
    "reminder_cron": "reminder_cron",
    "timezone": "timezone",
    "notion_database_id": "notion_database_id",
    "notion_parent_page_id": "notion_parent_page_id",
    "notion_date_property": "notion_date_property",
    "organizers": "organizers",
    "roster": "roster",
    "skip_dates": "skip_dates",
    "skip_jp_holidays": "skip_jp_holidays",
    "language": "language",
    "vote_emojis": "vote_emojis",
}
KNOWN_KEYS = ("id", *GROUP_KEYS)
_KEY_OF_FIELD = {field: key for key, field in GROUP_KEYS.items()}
_NOTION_TARGET = ("notion_database_id", "notion_parent_page_id")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_PREFIX = "GROUPS_FILE"


@dataclass(frozen=True, slots=True)
class Group:
    """One study group: its channel, cycle, Notion target and people."""

    id: str
    channel: str | None
    name: str
    meeting_weekday: str
    meeting_time: str
    publish_time: str
    reminder_cron: str
    timezone: str
    notion_database_id: str | None
    notion_parent_page_id: str | None
    notion_date_property: str | None
    organizers: tuple[str, ...]
    roster: tuple[str, ...]
    skip_dates: tuple[dt.date, ...]
    skip_jp_holidays: bool
    language: Language
    vote_emojis: tuple[str, ...]

    def cycle(self) -> Cycle:
        return make_cycle(
            self.timezone,
            self.meeting_weekday,
            self.meeting_time,
            self.publish_time,
            self.skip_dates,
            self.skip_jp_holidays,
        )


def group_of(settings: Settings, group_id: str = DEFAULT_ID) -> Group:
    """The group that ``settings``' variables describe, named ``group_id``."""
    values = {key: getattr(settings, field) for key, field in GROUP_KEYS.items()}
    return Group(id=group_id, **values)


def settings_for(settings: Settings, group: Group) -> Settings:
    """``settings`` with the group's values in place of the one-group variables."""
    return settings.model_copy(
        update={field: getattr(group, key) for key, field in GROUP_KEYS.items()}
    )


class SeveralGroupsError(ConfigError):
    """A valid GROUPS_FILE of several groups, which `studybot run` cannot serve yet."""


def served_settings(settings: Settings) -> Settings:
    """The settings `studybot run` serves: the file's one group, or today's variables.

    Raises ConfigError for an invalid GROUPS_FILE, SeveralGroupsError for two or more groups.
    """
    groups = load_groups(settings)
    if settings.groups_file is None:
        return settings
    if len(groups) > 1:
        ids = ", ".join(group.id for group in groups)
        line = t(settings.language, "grp_not_served", count=len(groups), ids=ids)
        raise SeveralGroupsError([line], settings.language)
    return settings_for(settings, groups[0])


def load_groups(settings: Settings) -> tuple[Group, ...]:
    """Every group, validated; ConfigError lists every problem, one line each."""
    if settings.groups_file is None:
        return (group_of(settings),)
    lang = settings.language
    entries = _read(Path(settings.groups_file).expanduser(), lang)
    problems: list[str] = []
    groups: list[Group] = []
    for index, raw in enumerate(entries):
        group = _group(settings, index, raw, problems)
        if group is not None:
            groups.append(group)
    _duplicates(entries, problems, lang)
    if problems:
        raise ConfigError(problems, lang)
    return tuple(groups)


def _line(where: str, lang: Language, key: str, **params: object) -> str:
    return f"{_PREFIX} {where}: {t(lang, key, **params)}"


def _file_line(lang: Language, key: str, **params: object) -> str:
    return f"{_PREFIX}: {t(lang, key, **params)}"


def _read(path: Path, lang: Language) -> list[Any]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise ConfigError(
            [_file_line(lang, "grp_unreadable", path=path, reason=reason)], lang
        ) from None
    try:
        # BaseLoader keeps every scalar a string: YAML 1.1 would read 17:00 as 1020.
        data = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        problem = getattr(error, "problem", None) or type(error).__name__
        raise ConfigError(
            [_file_line(lang, "grp_syntax", line=line, problem=problem)], lang
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list) or not data["groups"]:
        raise ConfigError([_file_line(lang, "grp_top_shape")], lang)
    problems = [_unknown(f"{_PREFIX}", key, ("groups",), lang) for key in data if key != "groups"]
    if problems:
        raise ConfigError(problems, lang)
    return list(data["groups"])


def _unknown(where: str, key: object, known: tuple[str, ...], lang: Language) -> str:
    name = shown(str(key))
    text = t(lang, "grp_unknown_key", name=name)
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    if close:
        text += t(lang, "grp_did_you_mean", suggestion=close[0])
    return f"{where}: {text}"


def _group(settings: Settings, index: int, raw: Any, problems: list[str]) -> Group | None:
    """One entry as a Group, or None after adding its problems to ``problems``."""
    lang = settings.language
    where = f"groups[{index}]"
    if not isinstance(raw, dict):
        problems.append(_line(where, lang, "grp_not_mapping"))
        return None
    found = len(problems)
    group_id = raw.get("id")
    if not isinstance(group_id, str) or not group_id.strip():
        problems.append(_line(f"{where}.id", lang, "grp_id_missing"))
    elif not _ID.match(group_id.strip()):
        problems.append(_line(f"{where}.id", lang, "grp_id_shape", value=shown(group_id)))
    else:
        group_id = group_id.strip()
        where = group_id
    problems += [
        _unknown(f"{_PREFIX} {where}.{shown(str(key))}", key, KNOWN_KEYS, lang)
        for key in raw
        if key not in KNOWN_KEYS
    ]
    given = {
        key: value.strip() if isinstance(value, str) else value
        for key, value in raw.items()
        if key in GROUP_KEYS and value != ""
    }
    channel = given.get("channel")
    if channel is None:
        problems.append(_line(f"{where}.channel", lang, "grp_channel_missing"))
    elif not isinstance(channel, str) or not CHANNEL_ID.match(channel):
        problems.append(
            _line(f"{where}.channel", lang, "cfg_channel_shape", value=shown(str(channel)))
        )
    values = {GROUP_KEYS[key]: value for key, value in given.items()}
    if any(key in given for key in _NOTION_TARGET):
        # The group names its own Notion home: the global one must not add a second.
        values = {field: None for field in _NOTION_TARGET} | values
    try:
        merged = Settings.model_validate(settings.model_dump() | values)
    except ValidationError as error:
        for item in error.errors(include_input=False, include_url=False):
            field = str(item["loc"][0]) if item["loc"] else "publish_time"
            problems.append(
                f"{_PREFIX} {where}.{_KEY_OF_FIELD.get(field, field)}: {_text(item, lang)}"
            )
        return None
    if len(problems) > found:
        return None
    return group_of(merged, where)


def _text(item: Any, lang: Language) -> str:
    cause = (item.get("ctx") or {}).get("error")
    if isinstance(cause, ConfigValueError) and cause.key == "cfg_publish_order":
        return t(lang, "grp_publish_order", **cause.params)  # its words name MEETING_TIME
    return error_text(item, lang)


def _duplicates(entries: list[Any], problems: list[str], lang: Language) -> None:
    """Two groups with one id, or one channel: named at the second."""
    ids: set[str] = set()
    channels: dict[str, str] = {}
    for index, raw in enumerate(entries):
        if not isinstance(raw, dict):
            continue
        group_id, channel = (_stripped(raw.get(key)) for key in ("id", "channel"))
        where = group_id or f"groups[{index}]"
        if group_id and group_id in ids:  # by position: the id names two groups
            problems.append(_line(f"groups[{index}].id", lang, "grp_id_duplicate", value=group_id))
        ids.add(group_id)
        if channel and channel in channels:
            other = channels[channel]
            problems.append(
                _line(f"{where}.channel", lang, "grp_channel_duplicate", value=channel, other=other)
            )
        channels.setdefault(channel, where)


def _stripped(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
