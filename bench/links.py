"""links: 30 slow sources resolved at once, against the latency of one.

A loopback server answers each of 30 pages after 300 ms. ``LinkResolver.resolve_many``
fetches them through the real ``SafeFetcher`` (pinned transport, real sockets), whose
loopback hatch is opened for that one server only. Sequential fetching would take 30 ×
300 ms; the target is at most twice one latency.

Then hostile pages (issue #13.3): 1 MiB of ``</``, ``<!--``, ``<a `` ... served the
same way. Resolving one must cost at most 0.5 s of CPU (``time.thread_time`` of the
resolving thread: fetch, decode and title scan), and a second submission of the same
link within the failure TTL must not fetch it again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench._common import LOOPBACK, LoopbackServer, Page, Result

LATENCY_S = 0.3
FACTOR = 2.0
HOSTILE_BYTES = 1024 * 1024
HOSTILE_UNITS = ("</", "<!--", "<a ", "<a b='", "<", "<svg>")
HOSTILE_CPU_S = 0.5


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
    cpu_s, refetched = _hostile()
    result.figures["hostile_page_bytes"] = HOSTILE_BYTES
    result.figures["hostile_worst_cpu_ms"] = round(max(cpu_s.values()) * 1000, 1)
    result.figures["hostile_cpu_ms"] = {unit: round(s * 1000, 1) for unit, s in cpu_s.items()}
    result.figures["hostile_refetched_within_ttl"] = refetched
    result.at_most("total / one latency", ratio, FACTOR, "×")
    result.zero("sources not resolved", sizes.sources - titled)
    worst = max(cpu_s.values())
    result.at_most("hostile 1 MiB page, CPU", round(worst, 3), HOSTILE_CPU_S, "s")
    result.zero("hostile pages fetched again within the failure TTL", refetched)
    result.summary = [
        f"{sizes.sources} sources at {int(LATENCY_S * 1000)} ms each: "
        f"{total_s * 1000:.0f} ms in all = ×{ratio} one latency (target ≤ ×{FACTOR:g}); "
        f"{titled}/{sizes.sources} titles, {connections} connections.",
        f"hostile 1 MiB pages ({', '.join(repr(u) for u in HOSTILE_UNITS)}): worst "
        f"{worst * 1000:.0f} ms of CPU to resolve (target ≤ {HOSTILE_CPU_S * 1000:.0f} ms); "
        f"{refetched} fetched again within the failure TTL.",
    ]
    return result


def _hostile() -> tuple[dict[str, float], int]:
    """CPU seconds to resolve each hostile page, and how many were fetched twice."""
    from bot.links.fetcher import SafeFetcher
    from bot.links.metadata import LinkResolver, MemoryCache

    pages = {
        f"/hostile/{n}": Page((unit * (HOSTILE_BYTES // len(unit))).encode())
        for n, unit in enumerate(HOSTILE_UNITS)
    }
    cpu: dict[str, float] = {}
    with LoopbackServer(pages) as server:
        fetcher = SafeFetcher(
            resolver=_no_dns, allow_loopback_for_tests=frozenset({(LOOPBACK, server.port)})
        )
        resolver = LinkResolver(fetcher, cache=MemoryCache())
        for n, unit in enumerate(HOSTILE_UNITS):
            began = time.thread_time()
            resolver.resolve(server.url(f"/hostile/{n}"))
            cpu[unit] = time.thread_time() - began
        fetched = server.connections
        for n in range(len(HOSTILE_UNITS)):
            resolver.resolve(server.url(f"/hostile/{n}"))  # a second submission
        refetched = server.connections - fetched
    return cpu, refetched


def _title(url: str) -> str:
    return f"Source {url.rsplit('/', 1)[-1]}: 遅いページ"
