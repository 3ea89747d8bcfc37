"""deploy/slack-manifest*.yaml: exactly what `studybot manifest` prints, and schema-valid."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from bot.cli.getting_started import cmd_manifest
from bot.settings import load_settings
from bot.slack.manifest import BOT_SCOPES
from tests.deploy.conftest import REPO

SCHEMA = REPO / "tests" / "data" / "manifest.schema.1.0.0.json"
HTTP_BASE = "https://studybot.example.com"
MANIFESTS = {
    "slack-manifest.yaml": None,
    "slack-manifest-http.yaml": HTTP_BASE,
}


def printed(capsys: pytest.CaptureFixture[str], http: str | None) -> str:
    assert cmd_manifest(load_settings({}), argparse.Namespace(http=http)) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(("name", "http"), MANIFESTS.items())
def test_file_is_what_the_command_prints(
    name: str, http: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    command = "uv run studybot manifest" + (f" --http {http}" if http else "")
    assert (REPO / "deploy" / name).read_text(encoding="utf-8") == printed(capsys, http), (
        f"deploy/{name} is stale: regenerate it with `{command} > deploy/{name}`"
    )


@pytest.mark.parametrize(("name", "http"), MANIFESTS.items())
def test_file_is_a_valid_slack_manifest(name: str, http: str | None) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data: dict[str, Any] = yaml.safe_load((REPO / "deploy" / name).read_text(encoding="utf-8"))
    errors = sorted(Draft7Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    assert data["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    settings = data["settings"]
    assert settings["socket_mode_enabled"] is (http is None)
    urls = [
        settings["event_subscriptions"].get("request_url"),
        settings["interactivity"].get("request_url"),
        *(command.get("url") for command in data["features"]["slash_commands"]),
    ]
    expected = f"{http}/slack/events" if http else None
    assert urls and all(url == expected for url in urls)


def test_docs_point_at_the_files() -> None:
    for doc in ("setup.md", "setup.en.md"):
        text = (REPO / "docs" / doc).read_text(encoding="utf-8")
        for name in MANIFESTS:
            assert f"deploy/{name}" in text, f"docs/{doc} does not mention deploy/{name}"
