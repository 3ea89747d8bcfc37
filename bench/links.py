"""links: 30 slow sources resolved at once, against the latency of one.

A loopback server answers each of 30 pages after 300 ms. ``LinkResolver.resolve_many``
fetches them through the real ``SafeFetcher`` (pinned transport, real sockets), whose
loopback hatch is opened for that one server only. Sequential fetching would take 30 ×
300 ms; the target is at most twice one latency.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench._common import LOOPBACK, LoopbackServer, Page, Result

LATENCY_S = 0.3
FACTOR = 2.0


@dataclass(frozen=True)
class Sizes:
    sources: int = 30


QUICK = Sizes(sources=8)


def _no_dns(host: str, port: int) -> list[str]:
    raise OSError(f"the benchmark resolves no names ({host})")


def run(quick: bool = False) -> Result:
    from bot.links.fetcher import SafeFetcher
    from bot.links.metadata import LinkResolver

    sizes = QUICK if quick else Sizes()
    result = Result("links")
    pages = {
        f"/source/{n}": Page(
            f"<html><head><title>Source {n}: 遅いページ</title></head></html>".encode(),
            delay=LATENCY_S,
        )
        for n in range(sizes.sources)
    }
    with LoopbackServer(pages) as server:
        fetcher = SafeFetcher(
            resolver=_no_dns, allow_loopback_for_tests=frozenset({(LOOPBACK, server.port)})
        )
        resolver = LinkResolver(fetcher)
        urls = [server.url(path) for path in pages]
        began = time.perf_counter()
        found = resolver.resolve_many(urls)
        total_s = time.perf_counter() - began
        connections = server.connections
    titled = sum(1 for url in urls if found[url].ok and found[url].title == _title(url))
    ratio = round(total_s / LATENCY_S, 2)
    result.figures = {
        "mode": "in-process LinkResolver.resolve_many + SafeFetcher (real sockets)",
        "sources": sizes.sources,
        "latency_ms": int(LATENCY_S * 1000),
        "total_ms": round(total_s * 1000, 1),
        "total_over_latency": ratio,
        "titles_resolved": titled,
        "connections": connections,
    }
    result.at_most("total / one latency", ratio, FACTOR, "×")
    result.zero("sources not resolved", sizes.sources - titled)
    result.summary = [
        f"{sizes.sources} sources at {int(LATENCY_S * 1000)} ms each: "
        f"{total_s * 1000:.0f} ms in all = ×{ratio} one latency (target ≤ ×{FACTOR:g}); "
        f"{titled}/{sizes.sources} titles, {connections} connections."
    ]
    return result


def _title(url: str) -> str:
    return f"Source {url.rsplit('/', 1)[-1]}: 遅いページ"
