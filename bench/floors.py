"""floors: studybot against a bare Bolt app (the floor), same requests, same run.

Two processes serve the same signed requests on loopback: `python -m bot run` and
`python -m bench.floor_app` (Bolt with ack-only listeners behind the same HTTP server
class). Rounds alternate between them, so a machine whose speed drifts during the run
(other work on the cores) moves both alike. Reported: `/topic` at concurrency 20 and
`reaction_added` at concurrency 8 (p50 / p99 / max and events per second), each as a
ratio to the floor, on SQLite and on PostgreSQL (a private schema, dropped after).
The votes are a group's: 40 members known to FakeSlack, each voting once on each of
20 cards (every event a new vote, as in the week before a meeting).
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from bench._common import (
    AppProcess,
    Result,
    app_env,
    event_body,
    fan_out,
    ms,
    percentile,
    reaction_event,
    signed_headers,
    wait_until,
)
from bench.ack import TRANSPORT_ERROR, send_topics, start_fakes
from tests.fakes import FakeSlack

PG_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
FLOOR = ("bench.floor_app",)


@dataclass(frozen=True)
class Sizes:
    rounds: int = 3  # floor, app, floor, app, ...: each round's share of the requests
    commands: int = 300  # /topic per process
    command_concurrency: int = 20
    events: int = 800  # reaction_added per process: 40 members x 20 cards
    event_concurrency: int = 8
    cards: int = 20
    warmup: int = 20


QUICK = Sizes(rounds=1, commands=20, events=40, cards=4, warmup=4)
MEMBERS = 40  # who votes: a study group of 5-40 (PRODUCT.md), known to Slack


@contextmanager
def databases(tmp: Path) -> Iterator[list[tuple[str, str]]]:
    """(backend, URL) pairs: a SQLite file, and a private PostgreSQL schema if reachable."""
    found = [("sqlite", f"sqlite:///{tmp / 'floors.db'}")]
    admin = create_engine(PG_URL, poolclass=NullPool, connect_args={"connect_timeout": 3})
    schema = f"bench_{uuid.uuid4().hex}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError:
        admin.dispose()
        yield found
        return
    try:
        yield [*found, ("postgresql", f"{PG_URL}?options=-csearch_path%3D{schema}")]
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def voter(k: int) -> str:
    return f"U0FVOTE{k:03d}"


def send_reactions(
    app: AppProcess,
    cards: list[tuple[str, str, str]],
    numbers: range,
    concurrency: int,
    tag: str,
) -> tuple[list[float], list[int], float]:
    """Vote events ``numbers`` (member n // cards on card n % cards, each pair once, as a
    group of members votes): latencies, statuses, seconds."""

    def job(n: int) -> Callable[[httpx.Client], tuple[float, int]]:
        channel, ts, presenter = cards[n % len(cards)]
        event = reaction_event(
            channel=channel, ts=ts, user=voter(n // len(cards)), item_user=presenter, n=n
        )
        body = event_body(event, f"Ev{tag}{n:07d}")

        def send(client: httpx.Client) -> tuple[float, int]:
            headers = signed_headers(body, "application/json")
            began = time.perf_counter()
            try:
                response = client.post(f"{app.url}/slack/events", content=body, headers=headers)
            except httpx.TransportError:
                return time.perf_counter() - began, TRANSPORT_ERROR
            return time.perf_counter() - began, response.status_code

        return send

    began = time.perf_counter()
    out = fan_out([job(n) for n in numbers], concurrency)
    return [o[0] for o in out], [o[1] for o in out], time.perf_counter() - began


@dataclass
class Tally:
    latencies: list[float]
    statuses: list[int]
    seconds: float = 0.0

    def add(self, latencies: list[float], statuses: list[int], seconds: float = 0.0) -> None:
        self.latencies += latencies
        self.statuses += statuses
        self.seconds += seconds

    def figures(self) -> dict[str, float]:
        out = {
            "p50_ms": ms(percentile(self.latencies, 50)),
            "p99_ms": ms(percentile(self.latencies, 99)),
            "max_ms": ms(max(self.latencies)),
        }
        if self.seconds:
            out["per_s"] = round(len(self.latencies) / self.seconds, 1)
        return out


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 2)


def measure(
    backend: str, url: str, workdir: Path, sizes: Sizes, slack: FakeSlack, env: dict[str, str]
) -> dict[str, Any]:
    app = AppProcess({**env, "DATABASE_URL": url}, workdir)
    floor = AppProcess(env, workdir, module=FLOOR)
    tallies = {k: Tally([], []) for k in ("app_topic", "floor_topic", "app_vote", "floor_vote")}
    try:
        app.start()
        floor.start()
        per_round = max(1, sizes.commands // sizes.rounds)
        for process in (floor, app):  # warm both (imports, pools, first connections)
            send_topics(process, slack, sizes.warmup, 1, offset=900_000)
        for r in range(sizes.rounds):
            for name, process in (("floor", floor), ("app", app)):
                latencies, statuses = send_topics(
                    process, slack, per_round, sizes.command_concurrency, offset=r * per_round
                )
                tallies[f"{name}_topic"].add(latencies, statuses)
        wanted = sizes.warmup + per_round * sizes.rounds
        sql = "select count(*) from topics where card_ts is not null"
        wait_until(lambda: query(url, sql)[0][0] >= wanted, timeout=120)
        rows = query(
            url,
            "select card_channel, card_ts, presenter_id from topics "
            f"where card_ts is not null order by id limit {sizes.cards}",
        )
        cards = [(str(r[0]), str(r[1]), str(r[2])) for r in rows]
        per_round = max(1, sizes.events // sizes.rounds)
        for r in range(sizes.rounds):
            numbers = range(r * per_round, (r + 1) * per_round)
            for name, process in (("floor", floor), ("app", app)):
                tallies[f"{name}_vote"].add(
                    *send_reactions(process, cards, numbers, sizes.event_concurrency, name)
                )
        votes = query(url, "select count(*) from votes")[0][0]
    finally:
        app.stop()
        floor.stop()
    figures: dict[str, Any] = {k: v.figures() for k, v in tallies.items()}
    bad = sum(1 for t in tallies.values() for s in t.statuses if s != 200)
    app_v, floor_v = figures["app_vote"], figures["floor_vote"]
    app_t, floor_t = figures["app_topic"], figures["floor_topic"]
    figures["ratios"] = {
        "vote_p50": ratio(app_v["p50_ms"], floor_v["p50_ms"]),
        "vote_p99": ratio(app_v["p99_ms"], floor_v["p99_ms"]),
        "vote_max": ratio(app_v["max_ms"], floor_v["max_ms"]),
        "vote_throughput": ratio(app_v["per_s"], floor_v["per_s"]),
        "topic_p50": ratio(app_t["p50_ms"], floor_t["p50_ms"]),
        "topic_p99": ratio(app_t["p99_ms"], floor_t["p99_ms"]),
    }
    figures["non_200"] = bad
    figures["votes_in_db"] = votes
    figures["backend"] = backend
    return figures


def run(quick: bool = False) -> Result:
    sizes = QUICK if quick else Sizes()
    result = Result("floors")
    slack, notion, database_id = start_fakes(voter_count=1)
    for k in range(max(MEMBERS, -(-sizes.events // sizes.cards))):
        slack.add_user(voter(k), voter(k).lower())
    try:
        with (
            tempfile.TemporaryDirectory(prefix="bench-floors-") as tmp,
            databases(Path(tmp)) as backends,
        ):
            env = app_env(slack.url, Path(tmp), notion_url=notion.url, database_id=database_id)
            for backend, url in backends:
                work = Path(tmp) / backend
                work.mkdir()
                result.figures[backend] = measure(backend, url, work, sizes, slack, env)
    finally:
        slack.stop()
        notion.stop()
    for backend in result.figures:
        f = result.figures[backend]
        r = f["ratios"]
        result.at_most(f"{backend}: reaction p99 / floor p99 (c=8)", r["vote_p99"], 3.0, "x")
        result.at_most(f"{backend}: reaction max (c=8)", f["app_vote"]["max_ms"], 300.0, "ms")
        result.at_least(f"{backend}: reactions/s / floor's", r["vote_throughput"], 0.5, "x")
        result.at_most(f"{backend}: /topic p99 / floor p99 (c=20)", r["topic_p99"], 1.5, "x")
        result.zero(f"{backend}: non-200 answers", f["non_200"])
        a, fl = f["app_vote"], f["floor_vote"]
        ta, tf = f["app_topic"], f["floor_topic"]
        result.summary.append(
            f"{backend}: reactions c=8 p50/p99/max {a['p50_ms']}/{a['p99_ms']}/{a['max_ms']} ms"
            f" vs floor {fl['p50_ms']}/{fl['p99_ms']}/{fl['max_ms']} ms"
            f" (x{r['vote_p50']}/x{r['vote_p99']}/x{r['vote_max']}); {a['per_s']}/s vs"
            f" {fl['per_s']}/s (x{r['vote_throughput']}); /topic c=20 p50/p99"
            f" {ta['p50_ms']}/{ta['p99_ms']} ms vs floor {tf['p50_ms']}/{tf['p99_ms']} ms"
            f" (x{r['topic_p50']}/x{r['topic_p99']})"
        )
    return result
