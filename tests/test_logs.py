"""Logs: stable event names, JSON for machines, and never a secret."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import redact, setup_logging
from tests.conftest import TEST_SECRETS, _LogCollector


def test_secret_collector_catches_a_leak() -> None:
    probe = _LogCollector()
    logger = logging.getLogger("tests.secret_probe")
    logger.addHandler(probe)
    logger.propagate = False  # keep the deliberate leak away from the run-wide guard
    try:
        logger.warning("oops %s", TEST_SECRETS[0])
    finally:
        logger.removeHandler(probe)
        logger.propagate = True
    assert probe.leaks


def test_json_lines_with_context_and_redaction(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        setup_logging("json", secrets=["my-signing-secret"])
        logging.getLogger("bot.test").info(
            "topic_submitted", extra={"topic_id": 7, "note": "uses my-signing-secret"}
        )
        logging.getLogger("bot.test").info("token xoxb-123-456-abc in text")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["event"] == "topic_submitted" and lines[0]["topic_id"] == 7
    assert "my-signing-secret" not in json.dumps(lines)
    assert "xoxb-123" not in json.dumps(lines)


def test_redact_patterns() -> None:
    text = "a xoxb-1-2-abc b xapp-1-A-2 c secret_abcdef d ntn_abcdef"
    assert redact(text) == "a [redacted] b [redacted] c [redacted] d [redacted]"
