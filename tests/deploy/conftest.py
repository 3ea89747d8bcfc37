"""Fixtures of the deployment tests: a healthy fake Slack workspace and Notion database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes import FakeNotion, FakeSlack

REPO = Path(__file__).resolve().parents[2]
CHANNEL = "C0STUDY001"
# Distinctive values, so a test can prove none of them is ever printed.
SLACK_TOKEN = "xoxb-4242-doctor-test-token-do-not-print"
SIGNING_SECRET = "doctor-signing-secret-do-not-print"
NOTION_TOKEN = "ntn_doctorTestTokenDoNotPrint4242"
SECRETS = (SLACK_TOKEN, SIGNING_SECRET, NOTION_TOKEN)


@dataclass
class World:
    """Fake Slack and Notion set up the way docs/setup.md tells a user to set them up."""

    slack: FakeSlack
    notion: FakeNotion
    database_id: str
    db_url: str

    def env(self, **overrides: str) -> dict[str, str]:
        """Settings for `studybot doctor` against the fakes (HTTP mode, Notion database)."""
        env = {
            "SLACK_BOT_TOKEN": SLACK_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "STUDY_CHANNEL": CHANNEL,
            "NOTION_TOKEN": NOTION_TOKEN,
            "NOTION_DATABASE_ID": self.database_id,
            "NOTION_API_URL": self.notion.url,
            "DATABASE_URL": self.db_url,
        }
        env.update(overrides)
        return {key: value for key, value in env.items() if value}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with FakeSlack(SLACK_TOKEN) as slack, FakeNotion(NOTION_TOKEN) as notion:
        slack.add_channel(CHANNEL, "benkyokai")
        ref = notion.add_database("勉強会アジェンダ", {"名前": "title", "日付": "date"})
        db_url = f"sqlite:///{tmp_path / 'data' / 'studybot.db'}"
        yield World(slack, notion, ref.database_id, db_url)
