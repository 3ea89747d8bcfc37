"""GROUPS_FILE: today's variables as the default group, fallback, one line per problem."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from bot.core.i18n import Language
from bot.doctor.config import config_checks
from bot.doctor.report import Doctor
from bot.groups import (
    DEFAULT_ID,
    GROUP_KEYS,
    Group,
    SeveralGroupsError,
    load_groups,
    served_settings,
    settings_for,
)
from bot.settings import ConfigError, Settings, load_settings
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[1]
TODAY = {
    "STUDY_CHANNEL": "C0TODAY1",
    "GROUP_NAME": "インフラ勉強会",
    "MEETING_WEEKDAY": "fri",
    "MEETING_TIME": "18:30",
    "PUBLISH_TIME": "09:15",
    "REMINDER_CRON": "0 12 * * 3",
    "TIMEZONE": "Europe/Berlin",
    "NOTION_DATABASE_ID": "0123456789abcdef0123456789abcdef",
    "NOTION_DATE_PROPERTY": "When",
    "ORGANIZERS": "U1,U2",
    "ROSTER": "U3 U4",
    "SKIP_DATES": "2026-12-31",
    "SKIP_JP_HOLIDAYS": "false",
    "LANGUAGE": "en",
    "VOTE_EMOJIS": ":+1:, fire",
}
RUN_ENV = {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": "signing-secret"}


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "groups.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def _settings(tmp_path: Path, text: str, **env: str) -> Settings:
    return load_settings({"GROUPS_FILE": _file(tmp_path, text), **env})


def _problems(tmp_path: Path, text: str, lang: Language) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_groups(_settings(tmp_path, text, LANGUAGE=lang))
    assert caught.value.lang == lang
    return caught.value.lines


def _same_cycle(group: Group, settings: Settings) -> None:
    a, b = group.cycle(), settings.cycle()
    assert (a.tz, a.meeting_weekday, a.meeting_time, a.publish_time, a.skip_dates) == (
        b.tz,
        b.meeting_weekday,
        b.meeting_time,
        b.publish_time,
        b.skip_dates,
    )
    for day in (dt.date(2026, 11, 3), dt.date(2026, 12, 31), dt.date(2027, 1, 7)):
        assert a.is_skipped(day) == b.is_skipped(day)


@pytest.mark.parametrize("env", [{}, TODAY], ids=["defaults", "every-variable"])
def test_without_groups_file_the_one_group_is_todays_variables(env: dict[str, str]) -> None:
    settings = load_settings(env)
    (group,) = load_groups(settings)
    assert group.id == DEFAULT_ID == "default"
    for key, field in GROUP_KEYS.items():
        assert getattr(group, key) == getattr(settings, field), key
    _same_cycle(group, settings)
    assert settings_for(settings, group) == settings
    assert served_settings(settings) is settings


def test_a_key_left_out_takes_the_variable_of_the_same_meaning(tmp_path: Path) -> None:
    text = """
        groups:
          - id: ml
            channel: C0GROUP1
            meeting_time: 19:00
            organizers: [U9]
    """
    (group,) = load_groups(_settings(tmp_path, text, **TODAY))
    today = load_settings(TODAY)
    assert (group.id, group.channel, group.meeting_time, group.organizers) == (
        "ml",
        "C0GROUP1",
        "19:00",  # unquoted: read as text, not YAML 1.1's sexagesimal 1140
        ("U9",),
    )
    for key in GROUP_KEYS.keys() - {"channel", "meeting_time", "organizers"}:
        assert getattr(group, key) == getattr(today, GROUP_KEYS[key]), key
    served = served_settings(_settings(tmp_path, text, **TODAY))
    assert (served.study_channel, served.meeting_time, served.organizers) == (
        "C0GROUP1",
        "19:00",
        ("U9",),
    )
    assert served.slack_api_url == today.slack_api_url  # the rest stays global


def test_a_group_naming_its_notion_home_takes_neither_global_target(tmp_path: Path) -> None:
    text = """
        groups:
          - id: ml
            channel: C0GROUP1
            notion_parent_page_id: https://www.notion.so/Agenda-fedcba9876543210fedcba9876543210
    """
    (group,) = load_groups(_settings(tmp_path, text, **TODAY))
    assert group.notion_parent_page_id == "fedcba9876543210fedcba9876543210"
    assert group.notion_database_id is None


def test_the_example_file_validates() -> None:
    settings = load_settings({"GROUPS_FILE": str(ROOT / "deploy" / "groups.example.yaml")})
    groups = load_groups(settings)
    assert [group.id for group in groups] == ["default", "infra"]
    default, infra = groups
    assert (default.meeting_weekday, default.vote_emojis) == ("thu", ("+1", "fire"))
    assert (infra.timezone, infra.language, infra.notion_database_id) == (
        "Europe/Berlin",
        "en",
        None,
    )
    assert infra.cycle().meeting_weekday == 1  # Tuesday


GOOD = "  - id: ok\n    channel: C0GOOD01\n"
ML = "  - id: ml\n    channel: C0CHAN01\n"
# (case, the group's YAML lines, where the line points: "<group>.<key>")
GROUP_PROBLEMS = [
    ("id-missing", "  - channel: C0CHAN01\n", "groups[1].id"),
    ("id-shape", "  - id: ML Group\n    channel: C0CHAN01\n", "groups[1].id"),
    ("id-too-long", f"  - id: {'a' * 33}\n    channel: C0CHAN01\n", "groups[1].id"),
    ("id-duplicate", "  - id: ok\n    channel: C0CHAN01\n", "groups[1].id"),
    ("channel-missing", "  - id: ml\n", "ml.channel"),
    ("channel-shape", "  - id: ml\n    channel: general\n", "ml.channel"),
    ("channel-duplicate", "  - id: ml\n    channel: C0GOOD01\n", "ml.channel"),
    ("unknown-key", ML + "    meeting_day: thu\n", "ml.meeting_day"),
    ("weekday", ML + "    meeting_weekday: someday\n", "ml.meeting_weekday"),
    ("time", ML + "    meeting_time: '25:00'\n", "ml.meeting_time"),
    ("zone", ML + "    timezone: Tokyo\n", "ml.timezone"),
    ("cron", ML + "    reminder_cron: noon\n", "ml.reminder_cron"),
    ("emoji", ML + "    vote_emojis: [👍]\n", "ml.vote_emojis"),
    ("date", ML + "    skip_dates: [2026-02-30]\n", "ml.skip_dates"),
    ("bool", ML + "    skip_jp_holidays: maybe\n", "ml.skip_jp_holidays"),
    ("language", ML + "    language: fr\n", "ml.language"),
    (
        "publish-after-meeting",
        ML + "    meeting_time: '10:00'\n    publish_time: '11:00'\n",
        "ml.publish_time",
    ),
    ("not-a-mapping", "  - ml\n", "groups[1]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "where"), [c[1:] for c in GROUP_PROBLEMS], ids=[c[0] for c in GROUP_PROBLEMS]
)
def test_each_problem_is_one_line_naming_group_and_key(
    tmp_path: Path, lines: str, where: str
) -> None:
    text = "groups:\n" + GOOD + lines
    ja, en = (_problems(tmp_path, text, lang) for lang in ("ja", "en"))
    assert len(ja) == len(en) == 1, (ja, en)
    for line in (ja[0], en[0]):
        assert line.startswith(f"GROUPS_FILE {where}: "), line
        assert "\n" not in line and "Traceback" not in line
    assert ja[0] != en[0]
    assert any("\u3040" <= ch <= "\u30ff" for ch in ja[0]), ja[0]  # kana: the Japanese line


def test_an_unknown_key_suggests_the_closest_known_one(tmp_path: Path) -> None:
    text = "groups:\n  - id: ml\n    chanel: C0CHAN01\n    channel: C0CHAN01\n"
    (line,) = _problems(tmp_path, text, "en")
    assert line == "GROUPS_FILE ml.chanel: unknown key “chanel” (did you mean “channel”?)"
    (line,) = _problems(tmp_path, text, "ja")
    assert "「channel」" in line


def test_every_problem_of_a_file_is_listed_at_once(tmp_path: Path) -> None:
    text = (
        "groups:\n" + GOOD + "".join(c[1] for c in GROUP_PROBLEMS[4:17] if "duplicate" not in c[0])
    )
    # Every entry but the first names the id ml: the duplicates come on top.
    problems = _problems(tmp_path, text, "en")
    wheres = {line.split(":", 1)[0].removeprefix("GROUPS_FILE ") for line in problems}
    assert {c[2] for c in GROUP_PROBLEMS[4:17] if "duplicate" not in c[0]} <= wheres


FILE_PROBLEMS = [
    ("syntax", "groups:\n  - id: ml\n    channel: [C0CHAN01\n", "line 4"),
    ("top-not-list", "groups: ml\n", "groups:"),
    ("top-not-mapping", "- id: ml\n  channel: C0CHAN01\n", "groups:"),
    ("empty-list", "groups: []\n", "groups:"),
    ("empty-file", "", "groups:"),
    ("unknown-top-key", "grups: []\ngroups:\n" + GOOD, "did you mean “groups”"),
]


@pytest.mark.parametrize(
    ("text", "seen"), [c[1:] for c in FILE_PROBLEMS], ids=[c[0] for c in FILE_PROBLEMS]
)
def test_a_file_level_problem_is_one_line(tmp_path: Path, text: str, seen: str) -> None:
    (ja,) = _problems(tmp_path, text, "ja")
    (en,) = _problems(tmp_path, text, "en")
    assert ja.startswith("GROUPS_FILE") and en.startswith("GROUPS_FILE")
    assert seen in en and ja != en


def test_a_missing_or_unreadable_file_is_one_line(tmp_path: Path) -> None:
    for path in (tmp_path / "nowhere.yaml", tmp_path):  # missing; a directory
        for lang in ("ja", "en"):
            settings = load_settings({"GROUPS_FILE": str(path), "LANGUAGE": lang})
            with pytest.raises(ConfigError) as caught:
                load_groups(settings)
            (line,) = caught.value.lines
            assert line.startswith("GROUPS_FILE: ") and str(path) in line
    (tmp_path / "bad.yaml").write_bytes(b"groups:\n  - id: \xff\n")
    with pytest.raises(ConfigError):
        load_groups(load_settings({"GROUPS_FILE": str(tmp_path / "bad.yaml")}))


def test_a_pasted_emoji_in_vote_emojis_is_refused_by_the_same_rule() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"VOTE_EMOJIS": "+1, 👍", "LANGUAGE": "en"})
    assert caught.value.lines == [
        "VOTE_EMOJIS: “👍” is not a reaction name: use Slack's name such as +1 or thumbsup"
    ]
    assert load_settings({"VOTE_EMOJIS": "+1::skin-tone-2, white_check_mark"}).vote_emojis == (
        "+1::skin-tone-2",
        "white_check_mark",
    )


TWO = "groups:\n  - id: ml\n    channel: C0CHAN01\n  - id: infra\n    channel: C0CHAN02\n"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_run_refuses_several_groups_with_one_clear_line(
    tmp_path: Path, cli: Cli, lang: str
) -> None:
    env = {**RUN_ENV, "GROUPS_FILE": _file(tmp_path, TWO), "LANGUAGE": lang}
    result = cli(env, "run")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "issue #16" in line and "ml, infra" in line and "Traceback" not in line
    with pytest.raises(SeveralGroupsError):
        served_settings(load_settings(env))


def test_run_stops_on_an_invalid_file_without_a_traceback(tmp_path: Path, cli: Cli) -> None:
    bad = "groups:\n  - id: ml\n    channel: C0CHAN01\n    meeting_weekday: someday\n"
    result = cli({**RUN_ENV, "GROUPS_FILE": _file(tmp_path, bad), "LANGUAGE": "en"}, "run")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "  GROUPS_FILE ml.meeting_weekday: unknown weekday “someday”" in result.stderr


def test_run_serves_the_one_group_of_the_file(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[Settings] = []
    monkeypatch.setattr("bot.run.run", lambda settings: served.append(settings) or 0)
    one = "groups:\n  - id: ml\n    channel: C0CHAN01\n    meeting_weekday: tue\n"
    result = cli({**RUN_ENV, "GROUPS_FILE": _file(tmp_path, one)}, "run")  # no STUDY_CHANNEL
    assert result.returncode == 0, result.stderr
    (settings,) = served
    assert (settings.study_channel, settings.meeting_weekday) == ("C0CHAN01", "tue")


def _doctor_lines(settings: Settings) -> list[tuple[bool, str]]:
    doctor = Doctor(settings, timeout=1.0, clock=lambda: dt.datetime.now(dt.UTC))
    return [(check.ok, check.detail) for check in config_checks(doctor)]


def test_doctor_reports_the_file_like_run(tmp_path: Path) -> None:
    env = {**RUN_ENV, "STUDY_CHANNEL": "C0TODAY1", "LANGUAGE": "en"}
    bad = "groups:\n  - id: ml\n    channel: C0CHAN01\n    timezone: Nowhere\n"
    lines = _doctor_lines(load_settings({**env, "GROUPS_FILE": _file(tmp_path, bad)}))
    assert [ok for ok, _ in lines] == [False]
    assert lines[0][1].startswith("GROUPS_FILE ml.timezone: ")
    lines = _doctor_lines(load_settings({**env, "GROUPS_FILE": _file(tmp_path, TWO)}))
    assert [ok for ok, _ in lines] == [False] and "issue #16" in lines[0][1]
    one = "groups:\n  - id: ml\n    channel: C0CHAN01\n"
    lines = _doctor_lines(load_settings({**env, "GROUPS_FILE": _file(tmp_path, one)}))
    assert all(ok for ok, _ in lines) and "GROUPS_FILE: 1 group(s) (ml)" in [d for _, d in lines]
    assert _doctor_lines(load_settings(env)) == [(True, "ready for studybot run")]


def test_custom_emoji_with_japanese_names_count_as_reaction_names() -> None:
    # Japanese workspaces name custom emoji in Japanese (:了解:, :いいね:); they must stay valid.
    assert load_settings({"VOTE_EMOJIS": "了解, いいね, +1"}).vote_emojis == (
        "了解",
        "いいね",
        "+1",
    )
    with pytest.raises(ConfigError):
        load_settings({"VOTE_EMOJIS": "ThumbsUp"})
