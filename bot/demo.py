"""`studybot demo`: a week of sample submissions compiled into the agenda, offline."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TextIO

import yaml

from bot.core.agenda import Agenda, compile_agenda, render_markdown
from bot.core.i18n import Language, t
from bot.core.model import Presenter
from bot.core.slots import DEFAULT_MEETING_MINUTES
from bot.core.submission import parse_submission
from bot.core.weeks import Cycle, assign_meeting
from bot.notion.blocks import agenda_blocks as notion_agenda_blocks
from bot.services.topics import TopicService
from bot.slack.blocks import agenda_blocks as slack_agenda_blocks
from bot.store import Repository, open_database


def _sample_week() -> Traversable:
    """The sample week: package data in a wheel or the image (the build copies the
    top-level ``seeds/demo_week.yaml`` to ``bot/seeds/``), else the checkout's ``seeds/``."""
    packaged = files("bot") / "seeds" / "demo_week.yaml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "seeds" / "demo_week.yaml"


SEEDS: Traversable = _sample_week()


@dataclass(frozen=True, slots=True)
class DemoResult:
    agenda: Agenda
    markdown: str
    accepted: int
    rejected: list[tuple[str, list[str]]]
    files: list[Path]


def _fixed(instant: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: instant


def load_seed_week(
    repo: Repository,
    cycle: Cycle,
    now: dt.datetime,
    seeds: Traversable = SEEDS,
    lang: Language = "ja",
) -> tuple[dt.date, int, list[tuple[str, list[str]]]]:
    """Submit every seed through the same service Slack uses, then apply the seed votes."""
    data: dict[str, Any] = yaml.safe_load(seeds.read_text(encoding="utf-8"))
    members = {
        m["id"]: Presenter(user_id=m["id"], name=m["name"], email=m.get("email"))
        for m in data["members"]
    }
    meeting = assign_meeting(now, cycle).meeting
    publish = cycle.publish_at(meeting)
    accepted, rejected = 0, []
    for index, item in enumerate(data["submissions"]):
        at = publish - dt.timedelta(hours=float(item["hours_before_publish"]))
        service = TopicService(repo, cycle, lang=lang, clock=_fixed(at))
        # A length is chosen in the form: the same draft the form would make, with it.
        draft = parse_submission(item["text"], service.tags)
        if item.get("minutes") is not None:
            draft = dataclasses.replace(draft, minutes=str(item["minutes"]))
        outcome = service.submit_draft(members[item["user"]], draft, item["text"])
        if outcome.topic is None:
            reasons = [service.problem_text(p) for p in outcome.problems]
            rejected.append((item["text"].splitlines()[0], reasons))
            continue
        accepted += 1
        for voter in item.get("votes", []):
            repo.apply_reaction(f"seed-{index}-{voter}", outcome.topic.id, voter, "+1", True)
    return meeting, accepted, rejected


def run_demo(
    out_dir: Path,
    *,
    now: dt.datetime | None = None,
    lang: Language = "ja",
    group_name: str = "機械学習勉強会",
    cycle: Cycle | None = None,
    seeds: Traversable = SEEDS,
    stream: TextIO | None = None,
    meeting_minutes: int = DEFAULT_MEETING_MINUTES,
) -> DemoResult:
    """Fresh SQLite database, seeds in, agenda out (Markdown, Notion and Slack blocks)."""
    cycle = cycle or Cycle()
    now = now or dt.datetime.now(dt.UTC)

    def say(message: str) -> None:
        if stream is not None:
            print(message, file=stream, flush=True)

    with tempfile.TemporaryDirectory(prefix="studybot-demo-") as tmp:
        database = open_database(f"sqlite:///{tmp}/demo.db")
        try:
            repo = Repository(database)
            say(t(lang, "demo_loading", path=str(seeds)))
            meeting, accepted, rejected = load_seed_week(repo, cycle, now, seeds, lang)
            say(t(lang, "demo_loaded", accepted=accepted, rejected=len(rejected)))
            agenda = compile_agenda(
                meeting,
                repo.topics_for_meeting(meeting),
                group_name,
                meeting_minutes=meeting_minutes,
                start=cycle.meeting_time,
            )
        finally:
            database.dispose()
    markdown = render_markdown(agenda, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [out_dir / "agenda.md", out_dir / "notion_blocks.json", out_dir / "slack_blocks.json"]
    files[0].write_text(markdown, encoding="utf-8")
    notion = {"title": agenda.title, "children": notion_agenda_blocks(agenda, lang)}
    files[1].write_text(json.dumps(notion, ensure_ascii=False, indent=2), encoding="utf-8")
    slack = {"blocks": slack_agenda_blocks(agenda, lang)}
    files[2].write_text(json.dumps(slack, ensure_ascii=False, indent=2), encoding="utf-8")
    return DemoResult(agenda, markdown, accepted, rejected, files)
