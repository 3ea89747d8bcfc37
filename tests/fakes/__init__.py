"""Local fakes for tests: Slack and Notion HTTP APIs (stdlib servers on 127.0.0.1); the
in-memory store of the store ports is `tests.fakes.store.MemoryStore`."""

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
