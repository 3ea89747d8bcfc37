"""Follow-up work yields to requests still waiting for their ack (issue #20)."""

from __future__ import annotations

import threading
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from bot.slack.followups import AckGate, FollowUps
from tests.fakes import FakeSlack
from tests.slack.harness import wait_for


def test_a_follow_up_waits_while_a_request_waits_for_its_ack() -> None:
    gate = AckGate()
    work = FollowUps(gate, max_wait=120)
    ran = threading.Event()
    token = gate.enter()  # a request taken in, not yet acked
    try:
        future = work.submit(ran.set)
        wait_for(lambda: work.waiting == 1, 60)  # parked at the gate, job not started
        assert not ran.is_set()
        gate.leave(token)
        future.result(120)
        assert ran.is_set()
    finally:
        work.shutdown()


def test_a_request_never_acked_stops_holding_follow_ups_back() -> None:
    now = [100.0]
    gate = AckGate(stale_after=3.0, clock=lambda: now[0])
    gate.enter()
    assert gate.busy()
    now[0] += 3.5  # Slack gave up on it
    assert not gate.busy()
    assert gate.wait_quiet(0)


def test_bolt_requests_count_until_their_listener_acks() -> None:
    gate = AckGate()
    with FakeSlack("xoxb-followups") as slack:
        app = App(
            client=WebClient(token="xoxb-followups", base_url=slack.api_url),
            signing_secret="unused",
            token_verification_enabled=False,
            request_verification_enabled=False,
        )
        seen = _dispatch(app, gate)
    assert seen == [True, False]
    assert not gate.busy()


def _dispatch(app: App, gate: AckGate) -> list[bool]:
    gate.register(app)
    seen: list[bool] = []

    @app.command("/topic")
    def handle(ack: Ack, **_: Any) -> None:
        seen.append(gate.busy())  # this request is still waiting
        ack()
        seen.append(gate.busy())  # acked: nothing else pending

    body = "command=%2Ftopic&text=x&user_id=U1&channel_id=C1&team_id=T1&response_url=&trigger_id=t"
    response = app.dispatch(BoltRequest(body=body, headers={}))
    assert response.status == 200
    return seen
