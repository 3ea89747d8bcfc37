"""The fake Slack holds the bot to what an installed app really gets: its scopes, DMs,
trigger lifetimes and the workspace's refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.manifest import BOT_SCOPES
from tests.fakes import FakeClock, FakeSlack
from tests.fakes.slack import DEFAULT_SCOPES, METHOD_SCOPES, NO_SCOPE_METHODS
from tests.slack.harness import Bot, running_bot, wait_for

TOKEN = "xoxb-test-token"
CONVNEXT = "[論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808\n- マスク付きAE"


def error_of(exc: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(exc.value.response["error"])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def slack(clock: FakeClock) -> Iterator[FakeSlack]:
    with FakeSlack(TOKEN, clock=clock) as fake:
        fake.add_channel("C1", "study", members=["U1"])
        fake.add_user("U1", "one")
        yield fake


@pytest.fixture
def web(slack: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=slack.api_url)


def test_fake_token_carries_exactly_the_manifest_scopes() -> None:
    assert frozenset(BOT_SCOPES) == DEFAULT_SCOPES


def test_a_method_outside_the_manifest_is_refused(web: WebClient) -> None:
    # reactions:write is not in the manifest: the installed app cannot add reactions.
    message = web.chat_postMessage(channel="C1", text="x")
    with pytest.raises(SlackApiError) as exc:
        web.reactions_add(channel="C1", timestamp=message["ts"], name="eyes")
    assert error_of(exc) == "missing_scope"
    assert exc.value.response["needed"] == "reactions:write"


def test_every_method_the_bot_calls_is_allowed(tmp_path: Path) -> None:
    """A run through the main surfaces; any call the manifest's scopes forbid fails it."""
    with running_bot(tmp_path) as bot:
        run_surfaces(bot)
        calls = list(bot.slack.calls)
    assert calls
    for call in calls:
        assert call.method in METHOD_SCOPES or call.method in NO_SCOPE_METHODS, call.method
        assert call.error != "missing_scope", (call.method, call.response)


def run_surfaces(bot: Bot) -> None:
    _, url = bot.command(CONVNEXT)
    bot.replies(url)
    for text in ("list", "agenda", "help", "search ConvNeXt"):
        _, url = bot.command(text)
        bot.replies(url)
    bot.command("")
    wait_for(lambda: bot.slack.calls_to("views.open"))


def test_a_dm_to_a_user_is_answered_with_a_d_channel(slack: FakeSlack, web: WebClient) -> None:
    # The bot DMs organisers by posting to their user id; Slack answers with the D… id.
    posted = web.chat_postMessage(channel="U1", text="hi")
    assert posted["channel"] == "D1"


def test_trigger_expires_after_three_seconds_of_fake_time(
    slack: FakeSlack, web: WebClient, clock: FakeClock
) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": []}
    fresh = slack.issue_trigger()
    clock.advance(2.9)
    assert web.views_open(trigger_id=fresh, view=view)["ok"]
    late = slack.issue_trigger()
    clock.advance(3.1)
    with pytest.raises(SlackApiError) as exc:
        web.views_open(trigger_id=late, view=view)
    assert error_of(exc) == "expired_trigger_id"


@pytest.mark.parametrize("state", ["token_revoked", "account_inactive"])
def test_revoked_or_inactive_token(slack: FakeSlack, web: WebClient, state: str) -> None:
    slack.revoke_token(state)
    with pytest.raises(SlackApiError) as exc:
        web.chat_postMessage(channel="C1", text="x")
    assert error_of(exc) == state
    slack.revoke_token(None)
    assert web.chat_postMessage(channel="C1", text="x")["ok"]


def test_archived_channel_and_removed_bot(slack: FakeSlack, web: WebClient) -> None:
    slack.archive_channel("C1")
    with pytest.raises(SlackApiError) as exc:
        web.chat_postMessage(channel="C1", text="x")
    assert error_of(exc) == "is_archived"
    assert web.conversations_info(channel="C1")["channel"]["is_archived"] is True
    slack.archive_channel("C1", archived=False)
    slack.remove_bot("C1")
    with pytest.raises(SlackApiError) as exc:
        web.chat_postMessage(channel="C1", text="x")
    assert error_of(exc) == "not_in_channel"
