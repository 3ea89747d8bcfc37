"""Local fake Slack and Notion HTTP APIs for tests (stdlib servers on 127.0.0.1)."""

from __future__ import annotations

from tests.fakes._http import FakeClock, TokenBucket
from tests.fakes.notion import DatabaseRef, FakeNotion, NotionRequest
from tests.fakes.slack import Call, FakeSlack, ResponsePost

__all__ = [
    "Call",
    "DatabaseRef",
    "FakeClock",
    "FakeNotion",
    "FakeSlack",
    "NotionRequest",
    "ResponsePost",
    "TokenBucket",
]
