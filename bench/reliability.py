"""reliability: exactly-once votes and publishing, refused forgeries and hostile URLs, fuzzing.

Six runs, each counting lost, duplicated, wrongly accepted and crashes (all should be 0):

- votes: the real app (subprocess) receives 1,000 reaction events, each delivered one to
  four times (Slack's retries), concurrently, with a restart (SIGTERM) halfway after
  which Slack re-delivers some of what it had sent; the tallies are compared with the
  ground truth.
- crash_publish: in-process runtimes publish to FakeSlack and FakeNotion through the real
  ``NotionPublisher``; the process "dies" (an exception nothing catches) at four points,
  a new process publishes again after the lease went stale; pages and messages counted.
- replicas: two runtimes on one PostgreSQL schema (created and dropped here; SQLite file
  if PostgreSQL is unreachable) publish the same meeting at the same instant.
- forged: 100 forged or replayed requests to the running app: all must be 401, and
  nothing may change.
- hostile_urls: 20 URLs that must be refused by ``SafeFetcher``; a loopback server counts
  the connections that reach it, and any non-loopback address the fetcher tries to open
  is answered by a stub instead of the network.
- fuzz: 100,000 seeded random submissions through ``parse_submission`` + ``validate``
  against an oracle built by the generator.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import tempfile
import threading
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench._common import (
    CHANNEL,
    LOOPBACK,
    NOTION_TOKEN,
    SECRET,
    TOKEN,
    AppProcess,
    LoopbackServer,
    Page,
    Result,
    app_env,
    command_body,
    db_rows,
    db_scalar,
    event_body,
    fan_out,
    reaction_event,
    signed_headers,
    wait_until,
)
from bench._notion import compare
from tests.fakes import FakeNotion, FakeSlack

PG_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
JST = dt.timezone(dt.timedelta(hours=9))
MEETING = dt.date(2026, 12, 3)  # a Thursday
BOT_USER = "UOTHERBOT1"
EMOJIS = ("+1", "thumbsup")
COUNTS = ("lost", "duplicated", "wrongly_accepted", "crashes")


@dataclass(frozen=True)
class Sizes:
    events: int = 1000
    cards: int = 20
    members: int = 15
    concurrency: int = 8
    publish_topics: int = 12
    replica_rounds: int = 6
    forged: int = 100
    fuzz: int = 100_000


QUICK = Sizes(
    events=50, cards=4, members=6, publish_topics=3, replica_rounds=2, forged=20, fuzz=2000
)


def _counts(**values: int) -> dict[str, int]:
    out = dict.fromkeys(COUNTS, 0)
    out.update(values)
    return out


# -- votes: duplicates, concurrency and a restart --------------------------------------------


@dataclass
class _Card:
    topic_id: int
    channel: str
    ts: str
    presenter: str


def _deliveries(
    script: list[tuple[str, dict[str, Any]]], rng: random.Random
) -> list[tuple[str, dict[str, Any], int]]:
    """Each event one to four times; retries come a little later, as Slack sends them."""
    queue: list[tuple[int, int, str, dict[str, Any]]] = []
    for position, (event_id, event) in enumerate(script):
        for attempt in range(rng.randint(1, 4)):
            queue.append((position + attempt * rng.randint(1, 30), attempt, event_id, event))
    queue.sort(key=lambda item: (item[0], item[1]))
    return [(event_id, event, attempt) for _, attempt, event_id, event in queue]


def _deliver(
    app: AppProcess, items: list[tuple[str, dict[str, Any], int]], concurrency: int
) -> Counter[str]:
    """Send events as Slack does; a failed connection is retried (up to 3 times)."""

    def job(event_id: str, event: dict[str, Any], attempt: int) -> Callable[[httpx.Client], str]:
        def send(client: httpx.Client) -> str:
            for retry in range(4):
                number = attempt + retry
                extra = (
                    {"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": "http_timeout"}
                    if number
                    else None
                )
                body = event_body(event, event_id)
                headers = signed_headers(body, "application/json", extra=extra)
                try:
                    status = client.post(
                        f"{app.url}/slack/events", content=body, headers=headers
                    ).status_code
                except httpx.TransportError:
                    continue
                return "ok" if status == 200 else f"http_{status}"
            return "undelivered"

        return send

    return Counter(fan_out([job(*item) for item in items], concurrency))


def _vote_state(db: Path) -> dict[int, dict[str, frozenset[str]]]:
    state: dict[int, dict[str, frozenset[str]]] = {}
    for topic_id, member, emojis in db_rows(db, "select topic_id, member_id, emojis from votes"):
        state.setdefault(int(topic_id), {})[str(member)] = frozenset(
            e for e in str(emojis).split(",") if e
        )
    return state


def votes_and_forged(sizes: Sizes) -> tuple[dict[str, Any], dict[str, Any]]:
    rng = random.Random(7)
    members = [f"UMEMBER{n:02d}" for n in range(sizes.members)]
    slack = FakeSlack(TOKEN).start()
    notion = FakeNotion(NOTION_TOKEN).start()
    for member in members:
        slack.add_user(member, member.lower())
    slack.add_user(BOT_USER, "otherbot", is_bot=True)
    presenters = [f"U0PRES{n:03d}" for n in range(5)]
    for presenter in presenters:
        slack.add_user(presenter, presenter.lower())
    database_id = notion.add_database("勉強会", {"名前": "title", "日付": "date"}).database_id
    with tempfile.TemporaryDirectory(prefix="bench-votes-") as tmp:
        workdir = Path(tmp)
        db = workdir / "bench.db"
        env = app_env(
            slack.url,
            workdir,
            notion_url=notion.url,
            database_id=database_id,
            VOTE_EMOJIS="+1,thumbsup",
        )
        first = AppProcess(env, workdir)
        second: AppProcess | None = None
        try:
            first.start()

            def submit(n: int) -> Callable[[httpx.Client], int]:
                def send(client: httpx.Client) -> int:
                    text = f"[blog] Card {n} https://example.com/cards/{n}"
                    body = command_body(text, presenters[n % 5], slack.response_url())
                    headers = signed_headers(body, "application/x-www-form-urlencoded")
                    url = f"{first.url}/slack/events"
                    return client.post(url, content=body, headers=headers).status_code

                return send

            fan_out([submit(n) for n in range(sizes.cards)], 4)
            wait_until(
                lambda: (
                    db_scalar(db, "select count(*) from topics where card_ts is not null")
                    >= sizes.cards
                ),
                timeout=30,
            )
            cards = [
                _Card(int(r[0]), str(r[1]), str(r[2]), str(r[3]))
                for r in db_rows(
                    db,
                    "select id, card_channel, card_ts, presenter_id from topics "
                    "where card_ts is not null order by id",
                )
            ]
            held: dict[int, set[tuple[str, str]]] = {c.topic_id: set() for c in cards}
            script: list[tuple[str, dict[str, Any]]] = []
            for n in range(sizes.events):
                card = rng.choice(cards)
                user = rng.choice([*members, BOT_USER, card.presenter])
                emoji = rng.choice(EMOJIS)
                key = (user, emoji)
                added = key not in held[card.topic_id]
                (held[card.topic_id].add if added else held[card.topic_id].discard)(key)
                event = reaction_event(
                    channel=card.channel,
                    ts=card.ts,
                    user=user,
                    item_user=card.presenter,
                    emoji=emoji,
                    added=added,
                    n=n,
                )
                script.append((f"EvR{n:05d}", event))
            half = len(script) // 2
            outcomes = _deliver(first, _deliveries(script[:half], rng), sizes.concurrency)
            # A deploy: SIGTERM right after the last ack, then a new process.
            first_exit = first.stop()
            second = AppProcess(env, workdir)
            second.start()
            again = rng.sample(script[:half], max(1, half // 5))
            outcomes += _deliver(second, _deliveries(again, rng), sizes.concurrency)
            outcomes += _deliver(second, _deliveries(script[half:], rng), sizes.concurrency)

            def expected() -> dict[int, dict[str, frozenset[str]]]:
                out: dict[int, dict[str, frozenset[str]]] = {}
                for card in cards:
                    for user, emoji in held[card.topic_id]:
                        if user in (card.presenter, BOT_USER):
                            continue
                        votes = out.setdefault(card.topic_id, {})
                        votes[user] = votes.get(user, frozenset()) | {emoji}
                return out

            truth = expected()
            settled = wait_until(lambda: _vote_state(db) == truth, timeout=20, interval=0.1)
            state = _vote_state(db)
            forged = forged_requests(second, slack, db, cards[0], sizes.forged)
            alive = second.alive()
        finally:
            first.stop()
            if second is not None:
                second.stop()
            slack.stop()
            notion.stop()

    lost = duplicated = wrong = 0
    ineligible = {c.topic_id: {c.presenter, BOT_USER} for c in cards}
    for card in cards:
        want = {(u, e) for u, es in truth.get(card.topic_id, {}).items() for e in es}
        got = {(u, e) for u, es in state.get(card.topic_id, {}).items() for e in es}
        lost += len(want - got)
        for user, _emoji in got - want:
            if user in ineligible[card.topic_id]:
                wrong += 1
            else:
                duplicated += 1  # a removed vote standing again, or applied twice
    tallies_wrong = sum(
        1
        for card in cards
        if len(state.get(card.topic_id, {})) != len(truth.get(card.topic_id, {}))
    )
    failed = sum(v for k, v in outcomes.items() if k != "ok")
    votes = {
        **_counts(
            lost=lost,
            duplicated=duplicated,
            wrongly_accepted=wrong,
            crashes=failed + (0 if alive else 1),
        ),
        "events": sizes.events,
        "deliveries": sum(outcomes.values()),
        "delivery_outcomes": dict(outcomes),
        "cards": len(cards),
        "tallies_wrong": tallies_wrong,
        "settled": bool(settled),
        "first_process_exit_code": first_exit,
    }
    return votes, forged


# -- forged and replayed requests -------------------------------------------------------------


def forged_requests(
    app: AppProcess, slack: FakeSlack, db: Path, card: _Card, count: int
) -> dict[str, Any]:
    """``count`` requests that must all be refused (401) and change nothing."""

    def snapshot() -> dict[str, int]:
        return {
            "topics": db_scalar(db, "select count(*) from topics"),
            "votes": db_scalar(db, "select count(*) from votes"),
            "vote_text": hash(tuple(sorted(db_rows(db, "select * from votes")))),
            "events": db_scalar(db, "select count(*) from processed_events"),
            "posts": len(slack.calls_to("chat.postMessage")),
            "responses": len(slack.responses),
        }

    def command(k: int) -> tuple[str, str]:
        text = f"[blog] Forged {k} https://example.com/forged/{k}"
        return command_body(
            text, "U0PRES000", slack.response_url()
        ), "application/x-www-form-urlencoded"

    def vote(k: int, added: bool = True) -> tuple[str, str]:
        event = reaction_event(
            channel=card.channel,
            ts=card.ts,
            user=f"UFORGER{k:03d}",
            item_user=card.presenter,
            added=added,
            n=10_000 + k,
        )
        return event_body(event, f"EvForged{k:04d}"), "application/json"

    kinds = (
        "wrong_secret",
        "stale_timestamp",
        "future_timestamp",
        "replayed_modified",
        "malformed",
    )
    requests: list[tuple[str, str, dict[str, str]]] = []
    now = int(time.time())
    for k in range(count):
        kind = kinds[k % len(kinds)]
        body, content_type = command(k) if k % 2 == 0 else vote(k)
        if kind == "wrong_secret":
            headers = signed_headers(body, content_type, secret="not-the-signing-secret")
        elif kind == "stale_timestamp":
            headers = signed_headers(body, content_type, timestamp=now - 301 - 37 * k)
        elif kind == "future_timestamp":
            headers = signed_headers(body, content_type, timestamp=now + 301 + 37 * k)
        elif kind == "replayed_modified":
            headers = signed_headers(body, content_type)  # signed, then the body is changed
            if k % 2 == 0:
                body = body.replace("Forged", "Tampered")
            else:
                body = body.replace("UFORGER", "UMEMBER").replace('"EvForged', '"EvTamper')
        else:
            headers = signed_headers(body, content_type)
            variant = k // len(kinds) % 4
            if variant == 0:
                del headers["X-Slack-Signature"]
            elif variant == 1:
                del headers["X-Slack-Request-Timestamp"]
            elif variant == 2:
                headers["X-Slack-Signature"] = "v0=" + "0" * 64
            else:
                headers["X-Slack-Request-Timestamp"] = "not-a-number"
        requests.append((kind, body, headers))

    before = snapshot()

    def job(kind: str, body: str, headers: dict[str, str]) -> Callable[[httpx.Client], str]:
        def send(client: httpx.Client) -> str:
            try:
                url = f"{app.url}/slack/events"
                status = client.post(url, content=body, headers=headers).status_code
            except httpx.TransportError:
                return f"{kind}:transport_error"
            return f"{kind}:{status}"

        return send

    answers = Counter(fan_out([job(*r) for r in requests], 8))
    time.sleep(0.5)  # anything wrongly accepted would have run its listener by now
    after = snapshot()
    changed = sorted(k for k in before if before[k] != after[k])
    # 2xx: accepted; anything else but 401 (5xx, a dropped connection) counts as a crash.
    wrong = sum(v for k, v in answers.items() if k.split(":")[1].startswith("2"))
    crashes = sum(
        v
        for k, v in answers.items()
        if k.split(":")[1] != "401" and not k.split(":")[1].startswith("2")
    )
    return {
        **_counts(lost=0, duplicated=0, wrongly_accepted=wrong + len(changed), crashes=crashes),
        "requests": count,
        "answers": dict(sorted(answers.items())),
        "state_changed": changed,
    }


# -- crash in the middle of a publish ---------------------------------------------------------


class Crash(BaseException):
    """The process dies here: nothing catches it on the way up."""


class _Interrupting:
    """The ``nth`` request matching ``method``/``path`` kills the process (maybe after sending)."""

    def __init__(self, inner: Any, method: str, path: str, nth: int, *, deliver: bool) -> None:
        self.inner = inner
        self.method = method
        self.path = re.compile(path)
        self.nth = nth
        self.deliver = deliver
        self.seen = 0

    def request(
        self,
        path: str,
        method: str,
        query: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any:
        if method == self.method and self.path.search(path):
            self.seen += 1
            if self.seen == self.nth:
                if self.deliver:
                    self.inner.request(path=path, method=method, query=query, body=body)
                raise Crash(f"killed at {method} {path}")
        return self.inner.request(path=path, method=method, query=query, body=body)


class _Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _settings(slack: FakeSlack, database_url: str) -> Any:
    from bot.settings import load_settings

    return load_settings(
        {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"{slack.url}/api/",
            "STUDY_CHANNEL": CHANNEL,
            "DATABASE_URL": database_url,
            "SKIP_JP_HOLIDAYS": "false",
        }
    )


def _publisher_factory(
    notion: FakeNotion, database_id: str, wrap: Callable[[Any], Any] | None = None
) -> Callable[[Any], Any]:
    from bot import wiring
    from bot.notion.publisher import NotionPublisher, make_client

    def build(repo: Any) -> Any:
        client = make_client(NOTION_TOKEN, notion.url, timeout=10.0)
        # The production wiring keeps the publisher's memory in the database.
        ledger_class = getattr(wiring, "RepoLedger", None)
        return NotionPublisher(
            wrap(client) if wrap else client,
            repo,
            database_id=database_id,
            parent_page_id=None,
            date_property=None,
            lang="ja",
            max_rate=50.0,  # the fake's rate limit is off here: this run is about crashes
            **({"ledger": ledger_class(repo)} if ledger_class else {}),
        )

    return build


def _agenda_messages(slack: FakeSlack, meeting: dt.date) -> int:
    count = 0
    for message in slack.messages.get(CHANNEL, []):
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if (
            metadata.get("event_type") == "studybot_agenda"
            and payload.get("meeting") == meeting.isoformat()
        ):
            count += 1
    return count


def _submit(runtime: Any, topics: int, first: int = 0) -> None:
    from bot.core.model import Presenter

    for n in range(first, first + topics):
        presenter = Presenter(f"U0PRES{n % 4:03d}", f"Presenter {n % 4}")
        text = (
            f"[blog] Crash-safe topic {n} https://example.com/publish/{n}\n"
            f"- 要点 {n}\n  - 詳細 {n} [リンク](https://example.org/{n})\n- 所感 {n}"
        )
        if n % 2 == 0:  # nested deeper than one request carries: more appends
            text += "".join(f"\n{'  ' * d}- 深さ{d} of {n}" for d in range(4))
        outcome = runtime.topics.submit_text(presenter, text)
        if outcome.topic is None:
            raise RuntimeError(f"submission refused: {outcome.problems}")
        runtime.deps.cards.post(outcome.topic)


def _crash_one(
    point: str, wrap: Callable[[Any], Any] | None, slack_crash: bool, topics: int
) -> dict[str, Any]:
    from bot.notion.blocks import agenda_blocks
    from bot.services.cycle import LEASE_TTL
    from bot.wiring import build_runtime

    clock = _Clock(dt.datetime(2026, 12, 1, 9, 0, tzinfo=JST))
    with (
        FakeSlack(TOKEN) as slack,
        FakeNotion(NOTION_TOKEN, rate_per_second=None) as notion,
        tempfile.TemporaryDirectory(prefix="bench-crash-") as tmp,
    ):
        ref = notion.add_database("勉強会", {"名前": "title", "日付": "date"})
        settings = _settings(slack, f"sqlite:///{Path(tmp) / 'bench.db'}")
        runtime = build_runtime(
            settings,
            clock=clock,
            owner="before-crash",
            notion=_publisher_factory(notion, ref.database_id, wrap),
        )
        crashed = False
        unexpected = 0
        try:
            _submit(runtime, topics)
            clock.now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=JST)
            if slack_crash:
                real = runtime.repo.update_publication

                def dying(meeting: dt.date, target: Any, **kw: Any) -> Any:
                    if target == "slack" and "external_id" in kw:
                        raise Crash("killed right after chat.postMessage")
                    return real(meeting, target, **kw)

                runtime.repo.update_publication = dying  # type: ignore[method-assign]
            try:
                runtime.cycle.publish(MEETING)
            except Crash:
                crashed = True
        finally:
            runtime.close()
        # A new process, after the dead one's lease went stale.
        clock.now += LEASE_TTL + dt.timedelta(minutes=1)
        restarted = build_runtime(
            settings,
            clock=clock,
            owner="after-restart",
            notion=_publisher_factory(notion, ref.database_id),
        )
        try:
            reports = [restarted.cycle.publish(MEETING), restarted.cycle.publish(MEETING)]
            agenda = restarted.cycle.agenda(MEETING)
        except Exception:
            unexpected += 1
            reports, agenda = [], None
        finally:
            restarted.close()
        pages = [
            p
            for p in notion.pages_in(ref.data_source_id)
            if agenda is not None and notion.page_title(p["id"]) == agenda.title
        ]
        messages = _agenda_messages(slack, MEETING)
        shape: dict[str, Any] = {"blocks_lost": 0, "blocks_extra": 0}
        if agenda is not None and pages:
            shape = compare(agenda_blocks(agenda, "ja"), notion.page_tree(pages[0]["id"]))
        notion_errors = [r.notion_error for r in reports if r.notion_error]
    lost = int(shape["blocks_lost"]) + (0 if pages else 1) + (0 if messages else 1)
    return {
        "crash_point": point,
        "crashed": crashed,
        "notion_pages": len(pages),
        "slack_messages": messages,
        "blocks_lost": shape["blocks_lost"],
        "blocks_extra": shape["blocks_extra"],
        "notion_errors": notion_errors,
        **_counts(
            lost=lost,
            duplicated=int(shape["blocks_extra"]) + max(0, len(pages) - 1) + max(0, messages - 1),
            crashes=unexpected + len(notion_errors),
        ),
    }


def crash_publish(sizes: Sizes) -> dict[str, Any]:
    scenarios: list[tuple[str, Callable[[Any], Any] | None, bool]] = [
        (
            "notion page created, answer lost",
            lambda c: _Interrupting(c, "POST", r"^pages$", 1, deliver=True),
            False,
        ),
        (
            "2nd append delivered, answer lost",
            lambda c: _Interrupting(c, "PATCH", r"/children$", 2, deliver=True),
            False,
        ),
        (
            "3rd append never sent",
            lambda c: _Interrupting(c, "PATCH", r"/children$", 3, deliver=False),
            False,
        ),
        ("slack message posted, not recorded", None, True),
    ]
    runs = [_crash_one(name, wrap, slack, sizes.publish_topics) for name, wrap, slack in scenarios]
    totals = {key: sum(int(run[key]) for run in runs) for key in COUNTS}
    not_reached = [run["crash_point"] for run in runs if not run["crashed"]]
    return {**totals, "crash_points_not_reached": not_reached, "runs": runs}


# -- two replicas at once -----------------------------------------------------------------------


@contextmanager
def _shared_database(tmp: Path) -> Iterator[tuple[str, str]]:
    """(URL, backend): a private PostgreSQL schema, or a SQLite file if PG is unreachable."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.pool import NullPool

    admin = create_engine(PG_URL, poolclass=NullPool, connect_args={"connect_timeout": 3})
    schema = f"bench_{uuid.uuid4().hex}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError:
        admin.dispose()
        yield f"sqlite:///{tmp / 'replicas.db'}", "sqlite (PostgreSQL unreachable)"
        return
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}", "postgresql"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _race(replicas: list[Any], meeting: dt.date, scheduled: bool) -> list[str]:
    """Both replicas publish ``meeting`` at the same instant; what each one reported."""
    barrier = threading.Barrier(len(replicas))
    outcomes: list[str] = []
    lock = threading.Lock()

    def fire(runtime: Any) -> None:
        barrier.wait()
        try:
            cycle = runtime.cycle
            report = cycle.scheduled_publish() if scheduled else cycle.publish(meeting)
            if report is None:
                outcome = "none"
            else:
                outcome = report.skipped or ("notion_error" if report.notion_error else "published")
        except Exception as error:
            outcome = f"error: {type(error).__name__}: {error}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=fire, args=(runtime,)) for runtime in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def two_replicas(sizes: Sizes) -> dict[str, Any]:
    from bot.wiring import build_runtime

    clock = _Clock(dt.datetime(2026, 12, 1, 9, 0, tzinfo=JST))
    rounds: list[dict[str, Any]] = []
    with (
        FakeSlack(TOKEN) as slack,
        FakeNotion(NOTION_TOKEN, rate_per_second=None) as notion,
        tempfile.TemporaryDirectory(prefix="bench-replicas-") as tmp,
        _shared_database(Path(tmp)) as (url, backend),
    ):
        ref = notion.add_database("勉強会", {"名前": "title", "日付": "date"})
        settings = _settings(slack, url)
        replicas = [
            build_runtime(
                settings,
                clock=clock,
                owner=f"replica-{n}",
                notion=_publisher_factory(notion, ref.database_id),
            )
            for n in range(2)
        ]
        try:
            for r in range(sizes.replica_rounds):
                meeting = MEETING + dt.timedelta(weeks=r)
                clock.now = dt.datetime.combine(
                    meeting - dt.timedelta(days=2), dt.time(9, 0), tzinfo=JST
                )
                _submit(replicas[r % 2], 3, first=100 * r)
                clock.now = dt.datetime.combine(meeting, dt.time(10, 0), tzinfo=JST)
                scheduled = r % 2 == 0  # the scheduler's path, or `studybot publish` twice
                outcomes = _race(replicas, meeting, scheduled)
                title = replicas[0].cycle.agenda(meeting).title
                pages = [
                    p
                    for p in notion.pages_in(ref.data_source_id)
                    if notion.page_title(p["id"]) == title
                ]
                rounds.append(
                    {
                        "meeting": meeting.isoformat(),
                        "path": "scheduled_publish" if scheduled else "publish",
                        "outcomes": sorted(outcomes),
                        "notion_pages": len(pages),
                        "slack_messages": _agenda_messages(slack, meeting),
                    }
                )
        finally:
            for runtime in replicas:
                runtime.close()
    published = [r for r in rounds if "published" in r["outcomes"]]
    errors = sum(1 for r in rounds for o in r["outcomes"] if o.startswith(("error", "notion")))
    return {
        **_counts(
            lost=sum(1 for r in rounds if r["notion_pages"] == 0 or r["slack_messages"] == 0),
            duplicated=sum(
                max(0, r["notion_pages"] - 1) + max(0, r["slack_messages"] - 1) for r in rounds
            ),
            crashes=errors + (len(rounds) - len(published)),
        ),
        "backend": backend,
        "rounds": rounds,
    }


# -- hostile URLs ----------------------------------------------------------------------------------


def hostile_urls() -> dict[str, Any]:
    from bot.links.fetcher import SafeFetcher
    from bot.links.safety import parse_address
    from bot.links.transport import PinnedTransport

    names = {
        "loopy.bench.test": ["127.0.0.1"],
        "v6loop.bench.test": ["::1"],
        "mixed.bench.test": ["93.184.216.34", "10.0.0.7"],
        "imds.bench.test": ["169.254.169.254"],
        "intranet.bench.test": ["10.1.2.3"],
    }
    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        if host not in names:
            raise OSError(f"no DNS in the benchmark ({host})")
        return list(names[host])

    outside: list[str] = []
    tls = httpx.create_ssl_context()

    def transport_factory(address: str, deadline: float) -> httpx.BaseTransport:
        parsed = parse_address(address)
        if parsed is not None and parsed.is_loopback:
            return PinnedTransport(address, deadline, ssl_context=tls)
        outside.append(address)  # the fetcher tried to leave: answer from a stub instead
        return httpx.MockTransport(
            lambda request: httpx.Response(200, html="<title>leaked</title>")
        )

    with LoopbackServer({"/": Page(b"<title>internal</title>")}) as target:
        b = target.port
        with LoopbackServer() as hatch:
            redirects = {
                "/r/loop": f"http://127.0.0.1:{b}/",
                "/r/name": f"http://localhost:{b}/",
                "/r/meta": "http://169.254.169.254/latest/meta-data/",
            }
            for path, location in redirects.items():
                hatch.pages[path] = Page(status=302, headers=(("Location", location),))
            a = hatch.port
            urls = [
                f"http://127.0.0.1:{b}/",
                f"http://localhost:{b}/",
                f"http://127.1:{b}/",
                f"http://2130706433:{b}/",
                f"http://0x7f000001:{b}/",
                f"http://0177.0.0.1:{b}/",
                f"http://[::1]:{b}/",
                f"http://[::ffff:127.0.0.1]:{b}/",
                f"http://0.0.0.0:{b}/",
                f"http://user:secret@127.0.0.1:{b}/",
                "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.1/",
                "http://[fd00::1]/",
                f"http://loopy.bench.test:{b}/",
                "http://mixed.bench.test/",
                "http://imds.bench.test/",
                f"http://127.0.0.1:{a}/r/loop",
                f"http://127.0.0.1:{a}/r/name",
                f"http://127.0.0.1:{a}/r/meta",
                "file:///etc/passwd",
            ]
            fetcher = SafeFetcher(
                resolver=resolver,
                transport_factory=transport_factory,
                timeout=3.0,
                allow_loopback_for_tests=frozenset({(LOOPBACK, a)}),
            )
            reasons: dict[str, str | None] = {}
            crashes = 0
            for url in urls:
                try:
                    reasons[url] = fetcher.fetch(url).error
                except Exception as error:  # fetch must never raise
                    crashes += 1
                    reasons[url] = f"raised {type(error).__name__}"
            reached = target.connections
    accepted = sum(1 for reason in reasons.values() if reason is None)
    return {
        **_counts(wrongly_accepted=accepted + reached + len(outside), crashes=crashes),
        "urls": len(urls),
        "refused": sum(1 for reason in reasons.values() if reason is not None),
        "loopback_connections": reached,
        "outside_addresses_tried": outside,
        "reasons": dict(Counter(str(r) for r in reasons.values())),
    }


# -- fuzzing the submission parser --------------------------------------------------------------

_KNOWN_TAGS = (
    "[論文]",
    "【論文】",
    "［paper］",
    "[Blog]",
    "【ブログ】",
    "[やってみた]",
    "【アプデ】",
    "[talk]",
    "[その他]",
    "[ARXIV]",
    "[ hands-on ]",
    "【記事】",
)
_UNKNOWN_TAGS = ("[WIP]", "【Kaggle】", "[Hugging Face]", "[論文たち]", "[]", "[ ]")
_NOISE = (
    "日本語",
    "機械学習",
    "🎉",
    "👩‍💻",
    "e\u0301",
    "\u200b",
    "\u202e",
    "ｆｕｌｌ",
    "(注)",
    "（補足）",
    "「引用」",
    "【速報】",
    "[1]",
    "[link text]",
    "&lt;tag&gt;",
    "&amp;",
    "a|b",
    "C++",
    "100%",
    "x/y",
    "#hashtag",
    "`code`",
    "**太字**",
    "<@U0123ABC|someone>",
    "<#C0123|general>",
    "<!here>",
    "<javascript:alert(1)|click>",
    "[x](javascript:alert(1))",
    "ftp://files.example/x",
    "mailto:a@b.c",
    "\t",
    "‐",
    "~~",
    "→",
)
_MARKERS = ("- ", "・", "* ", "• ", "-")
_URL_FORMS = ("bare", "angle", "angle_label", "md", "md_angle")


@dataclass
class _Case:
    text: str
    accept: bool
    url: str | None
    title_tokens: list[str]
    note_tokens: list[str]


def _words(rng: random.Random, tokens: list[str], noise: int) -> str:
    parts = list(tokens) + [rng.choice(_NOISE) for _ in range(noise)]
    rng.shuffle(parts)
    return " ".join(parts)


def _link(rng: random.Random, url: str, form: str, label: str) -> str:
    if form == "bare":
        return url
    if form == "angle":
        return f"<{url}>"
    if form == "angle_label":
        return f"<{url}|{label}>"
    if form == "md":
        return f"[{label}]({url})"
    return f"[{label}](<{url}>)"


def _case(rng: random.Random, i: int) -> _Case:
    tag_kind = rng.choices(("known", "unknown", "none", "two", "misplaced"), (60, 10, 10, 10, 10))[
        0
    ]
    link_kind = rng.choices(("one", "none", "bad", "two"), (70, 10, 10, 10))[0]
    url = f"https://example.com/p/{i}?q={rng.randint(0, 9)}&ref=x#s{i % 7}"
    if rng.random() < 0.2:
        url = f"http://例え.jp/記事/{i}"
    title_tokens = [f"T{i}x{j}" for j in range(rng.randint(0, 4))]
    long_title = rng.random() < 0.05
    title = _words(rng, title_tokens, rng.randint(0, 3))
    if long_title:
        title_tokens.append(f"T{i}long")
        title = f"{title} T{i}long " + "長" * 210
    form = rng.choice(_URL_FORMS)
    label = f"L{i}label"
    link = ""
    expected_url: str | None = None
    if link_kind in ("one", "two"):
        link = _link(rng, url, form, label)
        expected_url = url
        if not title.strip() and form in ("angle_label", "md", "md_angle"):
            title_tokens = [label]
    elif link_kind == "bad":
        link = rng.choice(("javascript:alert(1)", "ftp://example.com/x", "file:///etc/passwd"))
    second = f"https://example.net/second/{i}" if link_kind == "two" else ""
    tag = ""
    if tag_kind == "known":
        tag = rng.choice(_KNOWN_TAGS)
    elif tag_kind == "unknown":
        tag = rng.choice(_UNKNOWN_TAGS)
    elif tag_kind == "two":
        tag = rng.choice(_KNOWN_TAGS) + rng.choice(("", " ")) + rng.choice(_KNOWN_TAGS)
    head_parts = (
        [tag, title, link, second]
        if tag_kind != "misplaced"
        else [title, rng.choice(_KNOWN_TAGS), link, second]
    )
    if tag_kind == "misplaced" and not title.strip():
        head_parts = [f"T{i}lead", *head_parts[1:]]
        title_tokens = [f"T{i}lead"]
    head = " ".join(p for p in head_parts if p)
    lines = [head]
    note_tokens: list[str] = []
    many = rng.random() < 0.04
    huge = rng.random() < 0.04
    for k in range(rng.randint(31, 34) if many else rng.randint(0, 6)):
        token = f"N{i}n{k}"
        note_tokens.append(token)
        indent = " " * rng.choice((0, 0, 2, 4))
        body = _words(rng, [token], rng.randint(0, 3))
        if rng.random() < 0.2:
            body += " " + _link(rng, f"https://ref.example/{i}/{k}", rng.choice(_URL_FORMS), "参考")
        lines.append(f"{indent}{rng.choice(_MARKERS)}{body}")
    if huge:
        token = f"N{i}huge"
        note_tokens.append(token)
        lines.append(f"- {token} " + "あ" * 3100)
    if second:
        note_tokens.append(second)
    newline = "\r\n" if rng.random() < 0.1 else "\n"
    text = ("\n" if rng.random() < 0.05 else "") + newline.join(lines)
    note_count = len(note_tokens)
    accept = (
        tag_kind == "known"
        and link_kind in ("one", "two")
        and not long_title
        and note_count <= 30
        and not huge
    )
    return _Case(text, accept, expected_url, title_tokens, note_tokens)


def _visible(text: str) -> bool:
    """Whether a title shows anything: not only format, space or combining characters."""
    return any(unicodedata.category(ch) not in ("Cf", "Cc", "Zs", "Zl", "Zp", "Mn") for ch in text)


def fuzz(count: int, seed: int = 20240516) -> dict[str, Any]:
    from bot.core.submission import parse_submission, validate
    from bot.core.tags import TagSet
    from bot.core.urls import is_http_url

    tags = TagSet()
    rng = random.Random(seed)
    found: Counter[str] = Counter()
    examples: dict[str, str] = {}
    began = time.perf_counter()
    for i in range(count):
        case = _case(rng, i)
        try:
            draft = parse_submission(case.text, tags)
            problems = validate(draft)
        except Exception as error:
            found["crashes"] += 1
            examples.setdefault("crashes", f"{type(error).__name__}: {case.text[:200]!r}")
            continue
        accepted = not problems
        problem = ""
        broken = draft.url is None or not is_http_url(draft.url) or draft.tag is None
        if accepted and (not case.accept or broken):
            problem = "wrongly_accepted"
        elif not accepted and case.accept:
            problem = "wrongly_rejected"
        elif accepted:
            notes = [note.text for note in draft.notes]
            missing = [t for t in case.note_tokens if not any(t in n for n in notes)]
            doubled = [t for t in case.note_tokens if sum(n.count(t) for n in notes) > 1]
            missing += [t for t in case.title_tokens if t not in draft.title]
            doubled += [t for t in case.title_tokens if draft.title.count(t) > 1]
            if draft.url != case.url:
                missing.append("url")
            if missing:
                problem = "lost"
            elif doubled:
                problem = "duplicated"
        if problem:
            found[problem] += 1
            examples.setdefault(problem, case.text[:300])
        found["accepted" if accepted else "rejected"] += 1
        if accepted and draft.title and not _visible(draft.title):
            found["invisible_titles"] += 1
            examples.setdefault("invisible_titles", case.text[:300])
    elapsed = time.perf_counter() - began
    return {
        **_counts(**{k: found[k] for k in COUNTS}),
        "wrongly_rejected": found["wrongly_rejected"],
        "invisible_titles": found["invisible_titles"],
        "submissions": count,
        "accepted": found["accepted"],
        "rejected": found["rejected"],
        "per_submission_us": round(elapsed / count * 1e6, 1),
        "examples": examples,
    }


# -- the benchmark ---------------------------------------------------------------------------------


def run(quick: bool = False) -> Result:
    sizes = QUICK if quick else Sizes()
    result = Result("reliability")
    parts: dict[str, dict[str, Any]] = {}
    votes, forged = votes_and_forged(sizes)
    parts["votes"] = votes
    parts["forged"] = forged
    try:
        import bot.notion.publisher  # noqa: F401

        parts["crash_publish"] = crash_publish(sizes)
        parts["replicas"] = two_replicas(sizes)
    except ImportError:
        parts["crash_publish"] = {"status": "not available yet"}
        parts["replicas"] = {"status": "not available yet"}
    parts["hostile_urls"] = hostile_urls()
    parts["fuzz"] = fuzz(sizes.fuzz)
    result.figures = {"mode": "votes/forged: subprocess app; others in-process", **parts}
    for name, part in parts.items():
        if "status" in part:
            result.summary.append(f"{name}: {part['status']}")
            continue
        total = sum(int(part[k]) for k in COUNTS)
        result.zero(f"{name}: lost+dup+wrong+crash", total)
        shown = ", ".join(f"{k} {part[k]}" for k in COUNTS)
        result.summary.append(f"{name}: {shown}{_detail(name, part)}")
    if "runs" in parts["crash_publish"]:
        missed = len(parts["crash_publish"]["crash_points_not_reached"])
        result.zero("crash_publish: crash points not reached", missed)
    if "wrongly_rejected" in parts["fuzz"]:
        result.zero("fuzz: wrongly rejected", int(parts["fuzz"]["wrongly_rejected"]))
    return result


def _detail(name: str, part: dict[str, Any]) -> str:
    if name == "votes":
        return (
            f" ({part['events']} events, {part['deliveries']} deliveries, restart; "
            f"{part['tallies_wrong']} tallies wrong)"
        )
    if name == "forged":
        return f" ({part['requests']} requests; state changed: {part['state_changed'] or 'none'})"
    if name == "crash_publish":
        runs = "; ".join(
            f"{r['crash_point']}: pages {r['notion_pages']}, messages {r['slack_messages']}"
            for r in part["runs"]
        )
        return f" ({runs})"
    if name == "replicas":
        return f" ({len(part['rounds'])} rounds on {part['backend']})"
    if name == "hostile_urls":
        return (
            f" ({part['refused']}/{part['urls']} refused, "
            f"{part['loopback_connections']} loopback connections)"
        )
    if name == "fuzz":
        return (
            f" ({part['submissions']} submissions, {part['accepted']} accepted, "
            f"wrongly rejected {part['wrongly_rejected']}, invisible titles accepted "
            f"{part['invisible_titles']}, {part['per_submission_us']} µs each)"
        )
    return ""
