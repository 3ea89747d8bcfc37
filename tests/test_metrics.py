"""/metrics: Prometheus text, exact counts end to end, no user data in labels (#18)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.errors import SlackApiError

from bot.health import Readiness
from bot.metrics import Metrics, notion_endpoint, request_kind
from bot.run import probe_routes
from bot.slack.app import HttpServer
from bot.slack.client import make_client
from tests.fakes import FakeSlack
from tests.slack.harness import CHANNEL, SECRET, TOKEN, Bot, running_bot, wait_for

VOTERS = ("U01NAOTO", "U02AKI", "U03MIKA")
WAIT = 60.0


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics answer, parsed by prometheus_client's own parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


@contextmanager
def metered_bot(tmp_path: Path, **extra: str) -> Iterator[Bot]:
    """The harness bot, served the way `studybot run` serves it (probes, ack timing)."""
    with running_bot(tmp_path, **extra) as bot:
        runtime = bot.runtime
        ready = Readiness({})
        server = HttpServer(
            runtime.app,
            "127.0.0.1",
            0,
            lambda: True,
            signing_secret=SECRET,
            routes=probe_routes(runtime, ready),
            on_dispatch=runtime.metrics.dispatched if runtime.metrics.enabled else None,
        )
        server.start()
        try:
            yield Bot(bot.slack, runtime, server, bot.http)
        finally:
            server.stop()


@pytest.mark.slow
def test_counts_after_one_accepted_one_rejected_three_votes_and_one_publish(
    tmp_path: Path,
) -> None:
    with metered_bot(tmp_path) as bot:
        for user in VOTERS[1:]:
            bot.slack.add_user(user, user.title(), real_name=user.title())
        accepted, _ = bot.command("[論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808")
        assert accepted.status_code == 200
        refused, url = bot.command("ConvNeXt without a tag https://example.com/secret-title")
        assert refused.status_code == 200
        bot.replies(url)
        topic = wait_for(lambda: [t for t in bot.runtime.topics.meeting_topics() if t.card_ts])[0]
        events = [
            {
                "type": "reaction_added",
                "user": user,
                "reaction": "+1",
                "item_user": "U04SHUN",
                "item": {"type": "message", "channel": CHANNEL, "ts": topic.card_ts},
                "event_ts": f"1700000000.00000{n}",
            }
            for n, user in enumerate(VOTERS)
        ]
        for n, event in enumerate(events):
            assert bot.event(event, event_id=f"EvVote{n}").status_code == 200
        assert bot.event(events[0], event_id="EvVote0").status_code == 200  # re-delivery
        wait_for(lambda: bot.runtime.repo.vote_count(topic.id) == 3, timeout=WAIT)
        assert topic.card_ts is not None
        bot.slack.set_reactions(CHANNEL, topic.card_ts, {"+1": list(VOTERS)})

        def scrape() -> str:
            answer = httpx.get(f"{bot.url}/metrics", timeout=10)
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith("text/plain; version=")
            return answer.text

        wait_for(lambda: value(scrape(), "studybot_events_deduplicated_total") == 1, timeout=WAIT)
        report = bot.runtime.cycle.publish(topic.meeting)
        assert report.slack_error is None
        text = scrape()

    assert value(text, "studybot_submissions_total", outcome="accepted") == 1
    assert value(text, "studybot_submissions_total", outcome="rejected") == 1
    assert value(text, "studybot_submission_rejections_total", rule="tag_missing") == 1
    assert value(text, "studybot_votes_applied_total") == 3
    assert value(text, "studybot_events_deduplicated_total") == 1
    assert value(text, "studybot_card_posts_total", outcome="ok") == 1
    assert value(text, "studybot_publish_runs_total", target="slack", outcome="ok") == 1
    assert value(text, "studybot_publish_runs_total", target="notion", outcome="ok") == 0
    stamp = value(text, "studybot_last_complete_publish_timestamp_seconds", target="slack")
    assert stamp > 1_700_000_000
    assert value(text, "studybot_ack_seconds_count", kind="command") == 2
    assert value(text, "studybot_ack_seconds_count", kind="event_callback") == 4
    posts = value(
        text, "studybot_api_calls_total", service="slack", method="chat.postMessage", status="ok"
    )
    assert posts >= 2  # the card and the agenda
    # Labels never carry what members typed or who they are.
    labels = " ".join(str(v) for _, pairs in samples(text) for _, v in pairs)
    for private in ("ConvNeXt", "secret-title", "U04SHUN", *VOTERS, CHANNEL):
        assert private not in labels


@pytest.mark.slow
def test_metrics_false_serves_no_metrics_and_records_nothing(tmp_path: Path) -> None:
    with metered_bot(tmp_path, METRICS="false") as bot:
        assert not bot.runtime.metrics.enabled
        bot.command("[論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808")
        wait_for(lambda: bot.slack.calls_to("chat.postMessage"), timeout=WAIT)
        assert httpx.get(f"{bot.url}/metrics", timeout=10).status_code == 404
        assert httpx.get(f"{bot.url}/readyz", timeout=10).status_code == 200
        text = bot.runtime.metrics.route()[1].decode()
    assert value(text, "studybot_submissions_total", outcome="accepted") == 0


@pytest.mark.slow
def test_slack_429_is_counted_as_a_retry_and_the_call_once() -> None:
    metrics = Metrics()
    with FakeSlack(TOKEN) as slack:
        client = make_client(TOKEN, slack.api_url)
        metrics.watch_slack(client)
        slack.fail_next("users.info", retry_after=0)
        slack.add_user("U01NAOTO", "Naoto")
        client.users_info(user="U01NAOTO")
        slack.error_for("users.info", "user_not_found")
        with pytest.raises(SlackApiError):
            client.users_info(user="U01NAOTO")
    text = metrics.route()[1].decode()
    retried = value(
        text, "studybot_api_retries_total", service="slack", method="users.info", reason="429"
    )
    assert retried == 1
    calls = "studybot_api_calls_total"
    assert value(text, calls, service="slack", method="users.info", status="ok") == 1
    assert value(text, calls, service="slack", method="users.info", status="user_not_found") == 1


def test_notion_calls_are_labelled_by_endpoint_without_ids() -> None:
    metrics = Metrics()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429 if request.method == "PATCH" else 200, json={})

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        metrics.watch_httpx(client, "notion")
        page = "0123456789abcdef0123456789abcdef"
        client.patch(f"https://api.notion.com/v1/blocks/{page}/children")
        client.post("https://api.notion.com/v1/pages")
        client.get("https://api.notion.com/v1/pages/01234567-89ab-cdef-0123-456789abcdef")
    text = metrics.route()[1].decode()
    calls = "studybot_api_calls_total"
    patch = "PATCH /v1/blocks/{id}/children"
    assert value(text, calls, service="notion", method=patch, status="429") == 1
    assert value(text, calls, service="notion", method="POST /v1/pages", status="200") == 1
    assert value(text, calls, service="notion", method="GET /v1/pages/{id}", status="200") == 1
    assert notion_endpoint(httpx.Request("GET", "https://x/v1/users")) == "GET /v1/users"


def test_request_kind_is_from_a_fixed_set() -> None:
    assert request_kind({"command": "/topic", "text": "hi"}) == "command"
    assert request_kind({"type": "block_actions"}) == "block_actions"
    assert request_kind({"type": "anything a client sends"}) == "other"
    assert request_kind("not a dict") == "other"


def test_job_runs_are_counted_by_outcome() -> None:
    metrics = Metrics()
    metrics.job_run("studybot.publish", True)
    metrics.job_run("studybot.publish", False)
    text = metrics.route()[1].decode()
    runs = "studybot_job_runs_total"
    assert value(text, runs, job="studybot.publish", outcome="ok") == 1
    assert value(text, runs, job="studybot.publish", outcome="failed") == 1
