"""Logging setup: one line per event with a stable name and context, text or JSON."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import Any

_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_TOKEN = re.compile(r"\b(xox[abpre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?:secret|ntn)_[A-Za-z0-9]+)")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove anything that looks like a Slack or Notion token, and every known secret."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _TOKEN.sub("[redacted]", text)


class _Formatter(logging.Formatter):
    def __init__(self, json_lines: bool, secrets: tuple[str, ...], tracebacks: bool = True) -> None:
        super().__init__()
        self.json_lines = json_lines
        self.secrets = secrets
        self.tracebacks = tracebacks

    def formatException(self, ei: Any) -> str:
        if self.tracebacks:
            return super().formatException(ei)
        # Without --debug a person gets the exception's one line, not its stack.
        error = ei[1]
        first = str(error).strip().splitlines()
        return f"  {type(error).__name__}: {first[0][:200] if first else ''}"

    def format(self, record: logging.LogRecord) -> str:
        context = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        event = record.getMessage()
        if self.json_lines:
            payload: dict[str, object] = {
                "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                "level": record.levelname.lower(),
                "event": event,
                "logger": record.name,
                **context,
            }
            if record.exc_info:
                payload["exc"] = self.formatException(record.exc_info)
            line = json.dumps(payload, ensure_ascii=False, default=str)
        else:
            pairs = " ".join(f"{k}={v}" for k, v in context.items())
            line = f"{self.formatTime(record, '%H:%M:%S')} {record.levelname:<7} {event} {pairs}"
            if record.exc_info:
                line += "\n" + self.formatException(record.exc_info)
        return redact(line.rstrip(), self.secrets)


# Library loggers that narrate at INFO/WARNING what we report ourselves, in our words:
# Bolt warns that we pass client= as well as token= (on purpose: STYLE.md 5), APScheduler
# announces every job it adds, and slack_sdk logs each failed attempt before raising.
_QUIET = {
    "alembic": logging.WARNING,
    "apscheduler": logging.WARNING,
    "slack_bolt": logging.ERROR,
    "slack_sdk": logging.CRITICAL,
    "httpx": logging.WARNING,
    "notion_client": logging.WARNING,
}


def setup_logging(
    fmt: str = "text",
    secrets: Iterable[str] = (),
    level: int = logging.INFO,
    *,
    tracebacks: bool = True,
) -> None:
    """Route every log line through the redacting formatter on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(fmt == "json", tuple(s for s in secrets if s), tracebacks))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name, quiet in _QUIET.items():
        logging.getLogger(name).setLevel(max(level, quiet))
