"""footprint: start-up time and memory of `studybot run`, idle and after a busy week.

The real app runs as a subprocess. Figures: milliseconds from spawn to the first
``/healthz`` 200 (on an empty database, migrations included, and again on the loaded
one), and the app's memory from /proc/<pid>/status (VmRSS now, VmHWM the peak, and its
thread count) idle and after 1,000 topics and 10,000 votes plus one ``/topic agenda``
preview that compiles them all.

Topics and votes go through the app's own HTTP endpoint (votes on 200 cards, 50
members each). ``store_votes`` can add votes with ``bot.store.Repository.apply_reaction``
into the same SQLite file while the app runs, for machines where HTTP is too slow; the
full run uses HTTP only (about 100 s here), the quick run exercises both paths.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench._common import (
    AppProcess,
    Result,
    app_env,
    command_body,
    db_rows,
    db_scalar,
    signed_headers,
    wait_until,
)
from bench.ack import send_topics, send_votes, start_fakes

START_TARGET_MS = 2000.0
RSS_TARGET_MB = 150.0


@dataclass(frozen=True)
class Sizes:
    topics: int = 1000
    http_votes: int = 10_000
    store_votes: int = 0
    voted_cards: int = 200
    concurrency: int = 20
    idle_s: float = 2.0
    restart: bool = True


QUICK = Sizes(
    topics=30,
    http_votes=60,
    store_votes=60,
    voted_cards=6,
    concurrency=10,
    idle_s=0.3,
    restart=False,
)


class _ThreadSampler:
    """The app's highest thread count, sampled every 50 ms while the block runs."""

    def __init__(self, app: AppProcess) -> None:
        self.app = app
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            with contextlib.suppress(OSError, KeyError):
                self.most = max(self.most, self.app.memory_kb()["Threads"])

    def __enter__(self) -> _ThreadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def _mb(kb: int | None) -> float | None:
    return None if kb is None else round(kb / 1024, 1)


def _agenda_preview(app: AppProcess, url: str) -> int:
    body = command_body("agenda", "U0SUBM000", url)
    with httpx.Client(timeout=30, trust_env=False) as client:
        headers = signed_headers(body, "application/x-www-form-urlencoded")
        return client.post(f"{app.url}/slack/events", content=body, headers=headers).status_code


def _store_votes(db: Path, cards: list[tuple[int, str, str, str]], count: int) -> float:
    """``count`` more votes through the Repository, beside the running app; seconds."""
    from bot.store import Repository, open_database

    database = open_database(f"sqlite:///{db}")
    try:
        repo = Repository(database)
        began = time.perf_counter()
        for n in range(count):
            topic_id = cards[n % len(cards)][0]
            voter = f"U0STORE{n // len(cards):05d}"
            repo.apply_reaction(f"EvS{n:06d}", topic_id, voter, "+1", True, f"1800000000.{n:06d}")
        return time.perf_counter() - began
    finally:
        database.dispose()


def run(quick: bool = False) -> Result:
    sizes = QUICK if quick else Sizes()
    result = Result("footprint")
    votes_wanted = sizes.http_votes + sizes.store_votes
    slack, notion, database_id = start_fakes(-(-sizes.http_votes // sizes.voted_cards))
    stages: dict[str, dict[str, int]] = {}
    warm_ms: float | None = None
    with tempfile.TemporaryDirectory(prefix="bench-footprint-") as tmp:
        workdir = Path(tmp)
        db = workdir / "bench.db"
        env = app_env(slack.url, workdir, notion_url=notion.url, database_id=database_id)
        app = AppProcess(env, workdir)
        try:
            cold_ms = app.start()
            time.sleep(sizes.idle_s)
            stages["idle"] = app.memory_kb()

            send_topics(app, slack, sizes.topics, sizes.concurrency)
            wait_until(
                lambda: (
                    db_scalar(db, "select count(*) from topics where card_ts is not null")
                    >= sizes.topics
                ),
                timeout=120,
            )
            stages["topics"] = app.memory_kb()
            rows = db_rows(
                db,
                "select id, card_channel, card_ts, presenter_id from topics "
                "where card_ts is not null order by id limit ?",
                (sizes.voted_cards,),
            )
            cards = [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]
            sampler = _ThreadSampler(app)
            began = time.perf_counter()
            with sampler:
                send_votes(app, cards, sizes.http_votes, sizes.concurrency, prefix="F")
                wait_until(
                    lambda: db_scalar(db, "select count(*) from votes") >= sizes.http_votes,
                    timeout=180,
                )
                http_votes_s = time.perf_counter() - began
            store_s = _store_votes(db, cards, sizes.store_votes) if sizes.store_votes else 0.0
            stages["votes"] = app.memory_kb()

            response_url = slack.response_url()
            preview_status = _agenda_preview(app, response_url)
            wait_until(lambda: slack.responses_to(response_url), timeout=30)
            time.sleep(0.5)
            stages["preview"] = app.memory_kb()
            topics = db_scalar(db, "select count(*) from topics")
            votes = db_scalar(db, "select count(*) from votes")
            app.stop()

            if sizes.restart:
                restarted = AppProcess(env, workdir)
                warm_ms = restarted.start()
                stages["restarted"] = restarted.memory_kb()
                restarted.stop()
        finally:
            app.stop()
            slack.stop()
            notion.stop()

    idle_peak = _mb(stages["idle"].get("VmHWM"))
    peak = _mb(max(stage.get("VmHWM", 0) for stage in stages.values()))
    result.figures = {
        "mode": "subprocess (python -m bot run, HTTP mode)",
        "start_to_healthz_ms_empty_db": cold_ms,
        "start_to_healthz_ms_loaded_db": warm_ms,
        "topics": topics,
        "votes": votes,
        "votes_via_http": sizes.http_votes,
        "votes_via_repository": sizes.store_votes,
        "http_votes_applied_per_s": round(sizes.http_votes / http_votes_s, 1),
        "repository_votes_per_s": round(sizes.store_votes / store_s, 1) if store_s else None,
        "agenda_preview_status": preview_status,
        "most_threads_while_voting": sampler.most,
        **{
            f"{name}_{key}": (_mb(stage.get(field)) if key != "threads" else stage.get(field))
            for name, stage in stages.items()
            for key, field in (("rss_mb", "VmRSS"), ("peak_mb", "VmHWM"), ("threads", "Threads"))
        },
    }
    start_worst = max(cold_ms, warm_ms or 0.0)
    result.at_most("start to /healthz", start_worst, START_TARGET_MS, "ms")
    result.at_most("peak RSS idle", idle_peak, RSS_TARGET_MB, "MB")
    result.at_most("peak RSS loaded", peak, RSS_TARGET_MB, "MB")
    result.zero("votes missing", votes_wanted - votes)
    shown = ", ".join(
        f"{name} {_mb(stage.get('VmRSS'))} MB/{stage.get('Threads')} threads"
        for name, stage in stages.items()
    )
    result.summary = [
        f"start → /healthz: {cold_ms:.0f} ms on an empty database"
        + (f", {warm_ms:.0f} ms with {topics} topics" if warm_ms is not None else "")
        + f" (target ≤ {START_TARGET_MS:.0f} ms).",
        f"RSS by stage: {shown}; peak {peak} MB (target ≤ {RSS_TARGET_MB:.0f} MB) with "
        f"{topics} topics and {votes} votes ({sizes.http_votes} over HTTP, applied at "
        f"{sizes.http_votes / http_votes_s:.0f}/s, up to {sampler.most} app threads; "
        f"{sizes.store_votes} via Repository).",
    ]
    return result
