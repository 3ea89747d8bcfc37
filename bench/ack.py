"""ack: how fast the running app answers Slack (signed /topic commands, reaction events).

The real app runs as a subprocess (`python -m bot run`, HTTP mode) against FakeSlack
and FakeNotion on loopback. Phase 1 sends signed `/topic` submissions at a fixed
concurrency and times each HTTP response (Slack gives up after 3 s). Phase 2 sends
reaction events on 20 topic cards and measures the rate at which they are acked, and
how long until every vote is in the database (listeners run after the ack).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench._common import (
    CHANNEL,
    AppProcess,
    Result,
    app_env,
    command_body,
    db_rows,
    db_scalar,
    event_body,
    fan_out,
    ms,
    percentile,
    reaction_event,
    signed_headers,
    wait_until,
)
from tests.fakes import FakeNotion, FakeSlack

P99_TARGET_MS = 100.0
TRANSPORT_ERROR = -1  # the connection failed (refused, reset): no HTTP status
EVENTS_TARGET = 200.0


@dataclass(frozen=True)
class Sizes:
    commands: int = 500
    events: int = 1000
    cards: int = 20
    concurrency: int = 20
    serial: int = 50  # one at a time first: the latency without queueing


QUICK = Sizes(commands=20, events=40, cards=4, concurrency=10, serial=3)


def submitters(count: int = 20) -> list[str]:
    return [f"U0SUBM{n:03d}" for n in range(count)]


def voters(count: int) -> list[str]:
    return [f"U0VOTE{n:04d}" for n in range(count)]


def send_topics(
    app: AppProcess, slack: FakeSlack, count: int, concurrency: int, *, offset: int = 0
) -> tuple[list[float], list[int]]:
    """``count`` signed `/topic` submissions; (seconds per response, HTTP statuses)."""
    users = submitters()

    def job(n: int) -> Callable[[httpx.Client], tuple[float, int]]:
        def send(client: httpx.Client) -> tuple[float, int]:
            text = (
                f"[blog] Bench topic {n} https://example.com/bench/{n}\n"
                f"- note {n} about the source\n  - nested detail {n}"
            )
            body = command_body(text, users[n % len(users)], slack.response_url())
            headers = signed_headers(body, "application/x-www-form-urlencoded")
            began = time.perf_counter()
            try:
                response = client.post(f"{app.url}/slack/events", content=body, headers=headers)
            except httpx.TransportError:  # e.g. reset: Slack would count a failed request
                return time.perf_counter() - began, TRANSPORT_ERROR
            return time.perf_counter() - began, response.status_code

        return send

    outcomes = fan_out([job(offset + n) for n in range(count)], concurrency)
    return [o[0] for o in outcomes], [o[1] for o in outcomes]


def send_votes(
    app: AppProcess,
    cards: list[tuple[int, str, str, str]],
    count: int,
    concurrency: int,
    *,
    prefix: str,
) -> tuple[float, list[int]]:
    """``count`` distinct reaction_added events over ``cards``; (seconds, statuses)."""
    people = voters(max(1, -(-count // len(cards))))
    events = []
    for n in range(count):
        _, channel, ts, presenter = cards[n % len(cards)]
        user = people[n // len(cards)]
        event = reaction_event(channel=channel, ts=ts, user=user, item_user=presenter, n=n)
        events.append((f"Ev{prefix}{n:06d}", event))

    def job(event_id: str, event: dict[str, Any]) -> Callable[[httpx.Client], int]:
        def send(client: httpx.Client) -> int:
            body = event_body(event, event_id)
            headers = signed_headers(body, "application/json")
            try:
                response = client.post(f"{app.url}/slack/events", content=body, headers=headers)
            except httpx.TransportError:
                return TRANSPORT_ERROR
            return response.status_code

        return send

    began = time.perf_counter()
    statuses = fan_out([job(i, e) for i, e in events], concurrency)
    return time.perf_counter() - began, statuses


def start_fakes(voter_count: int) -> tuple[FakeSlack, FakeNotion, str]:
    slack = FakeSlack("xoxb-bench-token").start()
    for user in submitters():
        slack.add_user(user, user.lower(), email=f"{user.lower()}@example.com")
    for user in voters(voter_count):
        slack.add_user(user, user.lower())
    notion = FakeNotion("secret_bench_notion_token").start()
    database = notion.add_database("勉強会", {"名前": "title", "日付": "date"})
    return slack, notion, database.database_id


def metrics_off(
    slack: FakeSlack, notion_url: str, database_id: str, sizes: Sizes
) -> tuple[list[float], list[float], list[int]]:
    """Phase 1 again on a fresh app with METRICS=false: (serial, concurrent, statuses),
    so the cost of the metrics shows side by side with the run above (#18)."""
    with tempfile.TemporaryDirectory(prefix="bench-ack-nometrics-") as tmp:
        workdir = Path(tmp)
        env = app_env(
            slack.url, workdir, notion_url=notion_url, database_id=database_id, METRICS="false"
        )
        app = AppProcess(env, workdir)
        try:
            app.start()
            serial, _ = send_topics(app, slack, sizes.serial, 1, offset=300_000)
            latencies, statuses = send_topics(
                app, slack, sizes.commands, sizes.concurrency, offset=200_000
            )
            served = httpx.get(f"{app.url}/metrics", timeout=10).status_code
        finally:
            app.stop()
    return serial, latencies, [*statuses, served]


def run(quick: bool = False) -> Result:
    sizes = QUICK if quick else Sizes()
    result = Result("ack")
    voter_count = -(-sizes.events // sizes.cards)
    slack, notion, database_id = start_fakes(voter_count)
    with tempfile.TemporaryDirectory(prefix="bench-ack-") as tmp:
        workdir = Path(tmp)
        db = workdir / "bench.db"
        env = app_env(slack.url, workdir, notion_url=notion.url, database_id=database_id)
        app = AppProcess(env, workdir)
        try:
            app.start()
            # Phase 1: signed /topic submissions, one at a time, then concurrently.
            serial, serial_statuses = send_topics(app, slack, sizes.serial, 1, offset=100_000)
            latencies, statuses = send_topics(app, slack, sizes.commands, sizes.concurrency)
            sent_at = time.perf_counter()
            stored = wait_until(
                lambda: (
                    db_scalar(db, "select count(*) from topics where card_ts is not null")
                    >= sizes.commands + sizes.serial
                ),
                timeout=120,
            )
            stored_s = time.perf_counter() - sent_at
            topics = db_scalar(db, "select count(*) from topics")
            cards_posted = db_scalar(db, "select count(*) from topics where card_ts is not null")
            replies = len(slack.responses)

            # Phase 2: reaction events on the first cards.
            rows = db_rows(
                db,
                "select id, card_channel, card_ts, presenter_id from topics "
                "where card_ts is not null order by id limit ?",
                (sizes.cards,),
            )
            cards = [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]
            ids = ",".join(str(c[0]) for c in cards)
            vote_query = f"select count(*) from votes where topic_id in ({ids})"
            began = time.perf_counter()
            acked_s, event_statuses = send_votes(
                app, cards, sizes.events, sizes.concurrency, prefix="A"
            )
            applied = wait_until(
                lambda: db_scalar(db, vote_query) >= sizes.events, timeout=120, interval=0.01
            )
            applied_s = time.perf_counter() - began
            votes = db_scalar(db, vote_query)
            alive = app.alive()
            metrics_status = httpx.get(f"{app.url}/metrics", timeout=10).status_code
        finally:
            app.stop()
        try:
            off_serial, off_latencies, off_statuses = metrics_off(
                slack, notion.url, database_id, sizes
            )
        finally:
            slack.stop()
            notion.stop()

    ok_commands = sum(1 for s in [*serial_statuses, *statuses] if s == 200)
    total_commands = sizes.serial + sizes.commands
    ok_events = sum(1 for s in event_statuses if s == 200)
    p50, p95, p99 = (ms(percentile(latencies, q)) for q in (50, 95, 99))
    events_per_s = round(sizes.events / acked_s, 1)
    applied_per_s = round(sizes.events / applied_s, 1) if applied else None
    result.figures = {
        "mode": "subprocess (python -m bot run, HTTP mode)",
        "serial_commands": sizes.serial,
        "serial_ack_p50_ms": ms(percentile(serial, 50)),
        "serial_ack_max_ms": ms(max(serial)),
        "commands": sizes.commands,
        "concurrency": sizes.concurrency,
        "commands_sent_total": total_commands,
        "command_http_200": ok_commands,
        "ack_p50_ms": p50,
        "ack_p95_ms": p95,
        "ack_p99_ms": p99,
        "ack_max_ms": ms(max(latencies)),
        "topics_stored": topics,
        "cards_posted": cards_posted,
        "ephemeral_replies": replies,
        "all_cards_posted_s_after_last_ack": round(stored_s, 2) if stored else None,
        "events": sizes.events,
        "cards_voted": len(cards),
        "event_http_200": ok_events,
        "transport_errors": sum(
            1 for x in [*serial_statuses, *statuses, *event_statuses] if x == TRANSPORT_ERROR
        ),
        "events_acked_s": round(acked_s, 2),
        "events_acked_per_s": events_per_s,
        "events_applied_s": round(applied_s, 2) if applied else None,
        "events_applied_per_s": applied_per_s,
        "votes_in_db": votes,
        "app_alive_at_end": alive,
        "metrics_http_status": metrics_status,
        "serial_ack_p50_ms_metrics_off": ms(percentile(off_serial, 50)),
        "ack_p50_ms_metrics_off": ms(percentile(off_latencies, 50)),
        "ack_p99_ms_metrics_off": ms(percentile(off_latencies, 99)),
        "metrics_off_http_404": off_statuses[-1] == 404,
    }
    result.at_most("/topic ack p99", p99, P99_TARGET_MS, "ms")
    result.at_least("reaction events acked", events_per_s, EVENTS_TARGET, "/s")
    result.at_least("reaction events applied", applied_per_s, EVENTS_TARGET, "/s")
    result.zero("non-200 answers", (total_commands - ok_commands) + (sizes.events - ok_events))
    result.summary = [
        f"/topic x{sizes.commands} at concurrency {sizes.concurrency}: "
        f"p50 {p50} ms, p95 {p95} ms, p99 {p99} ms (target ≤ {P99_TARGET_MS:g} ms; "
        f"one at a time: p50 {ms(percentile(serial, 50))} ms); "
        f"{topics} stored, {cards_posted} cards posted "
        f"{round(stored_s, 2)} s after the last ack.",
        f"{sizes.events} reaction events on {len(cards)} cards: acked at {events_per_s}/s, "
        f"all applied after {round(applied_s, 2)} s ({applied_per_s}/s; "
        f"{votes}/{sizes.events} votes in the database).",
    ]
    off_p50, off_p99 = (ms(percentile(off_latencies, q)) for q in (50, 99))
    result.summary.append(
        f"metrics on vs METRICS=false (same {sizes.commands} /topic at concurrency "
        f"{sizes.concurrency}, fresh app each): p50 {p50} vs {off_p50} ms, "
        f"p99 {p99} vs {off_p99} ms; one at a time p50 {ms(percentile(serial, 50))} vs "
        f"{ms(percentile(off_serial, 50))} ms."
    )
    result.zero("non-200 answers with METRICS=false", sum(1 for s in off_statuses[:-1] if s != 200))
    if CHANNEL not in {c[1] for c in cards}:
        result.summary.append("warning: cards were not posted in the study channel")
    return result
