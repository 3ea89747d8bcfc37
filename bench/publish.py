"""publish: one agenda of 60 topics to a rate-limited, flaky Notion; requests and wall time.

Built on ``bot.notion.publisher.NotionPublisher`` directly (real clock and sleeps),
against FakeNotion at 3 requests/s (burst 10) with a seeded 10% of requests answered
429 (Retry-After: 1) or 503 through its fault hooks. The figures: requests made against
the fewest the limits allow, forced retries, wall time against the floor (the minimum
divided by 3/s), and blocks lost when the page is compared with the agenda.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._common import NOTION_TOKEN, Result
from bench._notion import FIRST_PUBLISH_READS, FaultyNotion, agenda, compare, minimum_writes

WALL_FACTOR = 1.15


@dataclass(frozen=True)
class Sizes:
    topics: int = 60
    members: int = 20
    fault_rate: float = 0.10
    seed: int = 20240516
    rate: float = 3.0  # Notion's average limit, requests per second


QUICK = Sizes(topics=6, members=3, rate=30.0)  # the smoke test checks the code path only


def _publisher_module() -> Any | None:
    try:
        from bot.notion import publisher
    except ImportError:
        return None
    if not hasattr(publisher, "NotionPublisher") or not hasattr(publisher, "make_client"):
        return None
    return publisher


def _kind(method: str, path: str) -> str:
    if (method, path) == ("POST", "/v1/pages"):
        return "create_page"
    if method == "PATCH" and path.endswith("/children"):
        return "append_children"
    if method == "GET":
        return "read"
    if method == "POST" and path.endswith("/query"):
        return "read"
    return f"{method.lower()}_other"


def run(quick: bool = False) -> Result:
    sizes = QUICK if quick else Sizes()
    result = Result("publish")
    module = _publisher_module()
    if module is None:
        result.status = "not available yet"
        result.summary = ["bot.notion.publisher (NotionPublisher, make_client) is not there yet."]
        return result
    from bot.notion.blocks import agenda_blocks
    from bot.services.publications import NotionRecord
    from bot.store import Repository, open_database

    wanted_agenda = agenda(sizes.topics, sizes.members)
    blocks = agenda_blocks(wanted_agenda, "ja")
    minimum = minimum_writes(blocks) + FIRST_PUBLISH_READS
    rate = sizes.rate
    floor_s = minimum / rate

    fake = FaultyNotion(
        NOTION_TOKEN, fault_rate=sizes.fault_rate, seed=sizes.seed, rate_per_second=rate
    )
    with fake, tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        ref = fake.add_database("勉強会", {"名前": "title", "日付": "date"})
        database = open_database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        client = module.make_client(NOTION_TOKEN, fake.url, timeout=10.0)
        error: str | None = None
        try:
            publisher = module.NotionPublisher(
                client,
                NotionRecord(Repository(database)),  # the record the publisher reports to
                database_id=ref.database_id,
                parent_page_id=None,
                date_property=None,
                lang="ja",
                max_rate=rate,
            )
            began = time.perf_counter()
            try:
                page = publisher.publish(wanted_agenda, "bench")
                page_id: str | None = page.page_id
            except Exception as exc:  # a failed publish is a figure here
                page_id, error = None, f"{type(exc).__name__}: {exc}"
            wall_s = time.perf_counter() - began
        finally:
            client.close()
            database.dispose()
        requests = list(fake.requests)
        pages = fake.pages_in(ref.data_source_id)
        tree = fake.page_tree(page_id) if page_id else []
        injected = dict(fake.injected)
        bucket_429 = fake.rate_limited - fake.injected[429]

    kinds = Counter(_kind(r.method, r.path) for r in requests)
    # A write answered 5xx may have landed: the publisher looks before re-sending it.
    verify_reads = sum(
        1
        for before, after in itertools.pairwise(requests)
        if before.status >= 500 and before.method != "GET" and after.method == "GET"
    )
    forced = sum(injected.values())
    made = len(requests)
    shape = compare(blocks, tree)
    lost = int(shape["blocks_lost"]) if page_id else len(blocks)
    result.figures = {
        "mode": "in-process NotionPublisher, real clock",
        "topics": sizes.topics,
        "members": sizes.members,
        "blocks": shape["blocks_wanted"],
        "requests_made": made,
        "requests_minimum": minimum,
        "requests_by_kind": dict(sorted(kinds.items())),
        "forced_retries": forced,
        "injected": {str(k): v for k, v in sorted(injected.items())},
        "rate_limited_by_bucket": bucket_429,
        "excess_requests": made - (minimum + forced),
        "verify_reads_after_5xx": verify_reads,
        "wall_s": round(wall_s, 2),
        "floor_s": round(floor_s, 2),
        "wall_over_floor": round(wall_s / floor_s, 3),
        "paced_floor_s": round((made - 1) / rate, 2),
        "rate_per_s": rate,
        "pages": len(pages),
        "blocks_lost": lost,
        "blocks_extra": shape["blocks_extra"],
        "same_order": shape["same_order"],
        "error": error,
    }
    result.at_most("requests − (minimum + forced retries)", made - (minimum + forced), 0)
    result.at_most("wall / floor", round(wall_s / floor_s, 3), WALL_FACTOR, "×")
    result.zero("blocks lost", lost)
    result.zero("extra pages", max(0, len(pages) - 1) + (0 if pages else 1))
    result.summary = [
        f"{sizes.topics} topics / {sizes.members} members = {shape['blocks_wanted']} blocks: "
        f"{made} requests (minimum {minimum} = {minimum - FIRST_PUBLISH_READS} writes + "
        f"{FIRST_PUBLISH_READS} reads; {forced} forced retries by injected "
        f"{injected}; {verify_reads} look-ups after a 5xx write; {bucket_429} throttled "
        f"by the {rate:g}/s bucket).",
        f"wall {wall_s:.2f} s vs floor {floor_s:.2f} s = ×{wall_s / floor_s:.2f} "
        f"(target ≤ ×{WALL_FACTOR}; the {made} requests made need {(made - 1) / rate:.2f} s "
        f"at {rate:g}/s); lost {lost}, extra {shape['blocks_extra']}, "
        f"pages {len(pages)}" + (f"; publish failed: {error}" if error else "."),
    ]
    return result
