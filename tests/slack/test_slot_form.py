"""The form's optional slot length: stored, prefilled on edit, a forged value refused inline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack import ids
from tests.slack.harness import Bot, running_bot, wait_for
from tests.slack.test_e2e import _action, _view_submission


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[Bot]:
    with running_bot(tmp_path) as running:
        yield running


def _opened_view(bot: Bot, index: int = 0) -> dict[str, Any]:
    view = wait_for(lambda: len(bot.slack.calls_to("views.open")) > index)
    view = bot.slack.calls_to("views.open")[index].params["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def _with_minutes(view: dict[str, Any], value: str | None) -> dict[str, object]:
    payload = _view_submission(view, url="https://arxiv.org/abs/2301.00808")
    if value is not None:
        values = payload["view"]["state"]["values"]  # type: ignore[index]
        values[ids.BLOCK_MINUTES] = {
            ids.INPUT_MINUTES: {"type": "static_select", "selected_option": {"value": value}}
        }
    return payload


def test_chosen_length_is_stored_and_prefilled_on_edit(bot: Bot) -> None:
    bot.command("")
    view = _opened_view(bot)
    block = next(b for b in view["blocks"] if b.get("block_id") == ids.BLOCK_MINUTES)
    assert block["optional"] is True
    assert [o["value"] for o in block["element"]["options"]] == ["5", "10", "15"]
    assert bot.interactive(_with_minutes(view, "10")).status_code == 200
    meeting = bot.runtime.topics.coming_meeting()
    topic = wait_for(lambda: bot.runtime.repo.topics_for_meeting(meeting))[0]
    assert topic.minutes == 10
    wait_for(lambda: bot.runtime.repo.get_topic(topic.id).card_ts)
    bot.interactive(_action(ids.ACTION_EDIT, topic.id, user="U04SHUN", bot=bot))
    edit = _opened_view(bot, 1)
    block = next(b for b in edit["blocks"] if b.get("block_id") == ids.BLOCK_MINUTES)
    assert block["element"]["initial_option"]["value"] == "10"
    # Cleared in the form: back to an even share.
    assert bot.interactive(_with_minutes(edit, None)).status_code == 200
    wait_for(lambda: bot.runtime.repo.get_topic(topic.id).minutes is None)


def test_a_length_not_offered_is_an_inline_error_and_nothing_is_stored(bot: Bot) -> None:
    bot.command("")
    answer = bot.interactive(_with_minutes(_opened_view(bot), "45"))
    body = answer.json()
    assert body["response_action"] == "errors"
    assert "45" in body["errors"][ids.BLOCK_MINUTES]
    assert "5 / 10 / 15" in body["errors"][ids.BLOCK_MINUTES]
    assert bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting()) == []
