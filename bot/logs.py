"""Logging setup: one line per event with a stable name and context, text or JSON."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import Any

_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# C0/C1 controls, DEL and Unicode line breaks: each could end a line or drive a terminal.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_LINE = 4000  # characters of a text line (event and context) before it is cut
MAX_TRACE = 8000  # characters of a traceback kept (its end: where it failed)
_TOKEN = re.compile(r"\b(xox[abpre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?:secret|ntn)_[A-Za-z0-9]+)")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove anything that looks like a Slack or Notion token, and every known secret."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _TOKEN.sub("[redacted]", text)


def escape_controls(text: str) -> str:
    """Control characters as visible escapes (``\\n``, ``\\x1b``): one event, one line."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _cap(text: str, limit: int, *, keep_end: bool = False) -> str:
    if len(text) <= limit:
        return text
    cut = f"[+{len(text) - limit} chars]"
    return cut + text[-limit:] if keep_end else text[:limit] + cut


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
        trace = self.formatException(record.exc_info) if record.exc_info else ""
        # Redact before escaping and cutting, so a secret is never cut into a leaking prefix.
        if self.json_lines:
            payload: dict[str, object] = {
                "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                "level": record.levelname.lower(),
                "event": _cap(redact(event, self.secrets), MAX_LINE),
                "logger": record.name,
                **{k: self._field(v) for k, v in context.items()},
            }
            if trace:
                payload["exc"] = _cap(redact(trace, self.secrets), MAX_TRACE, keep_end=True)
            return redact(json.dumps(payload, ensure_ascii=False, default=str), self.secrets)
        pairs = " ".join(f"{k}={v}" for k, v in context.items())
        head = f"{self.formatTime(record, '%H:%M:%S')} {record.levelname:<7} {event} {pairs}"
        line = _cap(escape_controls(redact(head.rstrip(), self.secrets)), MAX_LINE)
        if trace:
            # The traceback stays on the same line: its text can carry a request's newlines.
            tail = escape_controls(redact(trace, self.secrets))
            line += " | " + _cap(tail, MAX_TRACE, keep_end=True)
        return line

    def _field(self, value: object) -> object:
        # json.dumps escapes control characters itself; long strings are still cut.
        return _cap(redact(value, self.secrets), MAX_LINE) if isinstance(value, str) else value


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
