"""Fixtures for bot.links tests: local servers that are always shut down."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from ._support import LocalServer, Route


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, Route]], LocalServer]]:
    """Start a LocalServer with the given routes; all are closed after the test."""
    started: list[LocalServer] = []

    def start(routes: dict[str, Route]) -> LocalServer:
        server = LocalServer(routes).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()
