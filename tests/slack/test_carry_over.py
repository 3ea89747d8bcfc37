"""The carry-over form's submission is a request: the service checks who, when and what."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.model import Presenter, Topic, TopicStatus
from bot.services.topics import Target
from bot.slack import ids
from tests.slack.harness import Bot, Clock, running_bot, wait_for

JST = dt.timezone(dt.timedelta(hours=9))
MEETING = dt.date(2026, 12, 3)
NEXT = dt.date(2026, 12, 10)
ORGANIZER = "U0ORGANIZE"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(tmp_path: Path, clock: Clock) -> Iterator[Bot]:
    with running_bot(tmp_path, clock=clock, ORGANIZERS=ORGANIZER) as running:
        yield running


def _submit(bot: Bot, user: str, title: str, target: Target = "auto") -> Topic:
    text = f"[blog] {title} https://example.com/{title}"
    outcome = bot.runtime.topics.submit_text(Presenter(user, user), text, target=target)
    assert outcome.topic is not None
    return outcome.topic


def _week(bot: Bot, clock: Clock) -> tuple[Topic, Topic, Topic]:
    """Two topics for MEETING, one for the week after; then the meeting is over."""
    first = _submit(bot, "U04SHUN", "first")
    second = _submit(bot, "U01NAOTO", "second")
    later = _submit(bot, "U01NAOTO", "later", target="next")
    assert (first.meeting, later.meeting) == (MEETING, NEXT)
    clock.now = dt.datetime(2026, 12, 3, 18, 0, tzinfo=JST)
    return first, second, later


def _submission(user: str, meeting: str, topic_ids: list[object]) -> dict[str, object]:
    chosen = [{"text": {"type": "plain_text", "text": "x"}, "value": str(x)} for x in topic_ids]
    return {
        "type": "view_submission",
        "team": {"id": "T0FAKE0001"},
        "user": {"id": user, "name": user.lower()},
        "api_app_id": "A0FAKE0001",
        "trigger_id": "trigger.carry",
        "view": {
            "id": "VCARRY",
            "type": "modal",
            "callback_id": ids.CARRY_OVER_CALLBACK,
            "private_metadata": meeting,
            "state": {
                "values": {
                    ids.BLOCK_CARRY: {
                        ids.INPUT_CARRY: {
                            "type": "multi_static_select",
                            "selected_options": chosen,
                        }
                    }
                }
            },
        },
    }


def _refusal(bot: Bot, user: str) -> str:
    call = wait_for(lambda: bot.slack.calls_to("chat.postEphemeral"))[0]
    assert call.params["user"] == user
    return str(call.params["text"])


def _unchanged(bot: Bot, *topics: Topic) -> None:
    for topic in topics:
        now = bot.runtime.repo.get_topic(topic.id)
        assert (now.meeting, now.status) == (topic.meeting, TopicStatus.ACTIVE)
    posts = [str(c.params.get("text")) for c in bot.slack.calls_to("chat.postMessage")]
    assert not [p for p in posts if "持ち越しました" in p]


def test_a_member_who_is_not_an_organiser_is_refused(bot: Bot, clock: Clock) -> None:
    first, second, later = _week(bot, clock)
    answer = bot.interactive(_submission("U04SHUN", MEETING.isoformat(), [first.id]))
    assert answer.status_code == 200
    assert "幹事" in _refusal(bot, "U04SHUN")
    _unchanged(bot, first, second, later)


def test_a_topic_of_another_meeting_is_refused_and_nothing_changes(bot: Bot, clock: Clock) -> None:
    first, second, later = _week(bot, clock)
    bot.interactive(_submission(ORGANIZER, MEETING.isoformat(), [first.id, later.id, "x<y"]))
    text = _refusal(bot, ORGANIZER)
    assert f"{later.id}, x&lt;y" in text and "何も変更していません" in text
    _unchanged(bot, first, second, later)


@pytest.mark.parametrize("meeting", ["2026-12-10", "2026-11-26", "2026-12-02", "not-a-date"])
def test_a_meeting_that_cannot_be_carried_over_is_refused(
    bot: Bot, clock: Clock, meeting: str
) -> None:
    first, second, later = _week(bot, clock)
    bot.interactive(_submission(ORGANIZER, meeting, []))
    assert "持ち越せません" in _refusal(bot, ORGANIZER)
    _unchanged(bot, first, second, later)


def test_the_organiser_carries_the_chosen_topics_over(bot: Bot, clock: Clock) -> None:
    first, second, later = _week(bot, clock)
    bot.interactive(_submission(ORGANIZER, MEETING.isoformat(), [first.id]))
    # The channel announcement comes after every topic is moved or marked: the signal.
    wait_for(
        lambda: any(
            "持ち越しました" in str(call.params.get("text"))
            for call in bot.slack.calls_to("chat.postMessage")
        )
    )
    assert bot.runtime.repo.get_topic(first.id).meeting == NEXT
    assert bot.runtime.repo.get_topic(second.id).status == TopicStatus.PRESENTED
    assert bot.runtime.repo.get_topic(later.id).status == TopicStatus.ACTIVE
    assert bot.slack.calls_to("chat.postEphemeral") == []


def test_the_form_offers_the_topics_that_did_not_fit_first(tmp_path: Path, clock: Clock) -> None:
    with running_bot(tmp_path, clock=clock, ORGANIZERS=ORGANIZER, MEETING_MINUTES="10") as bot:
        fitted = [_submit(bot, "U04SHUN", "one"), _submit(bot, "U01NAOTO", "two")]
        waiting = _submit(bot, "U02YUYA", "three")  # 5 minutes each: the third waits
        clock.now = dt.datetime(2026, 12, 3, 18, 0, tzinfo=JST)
        click = {
            "type": "block_actions",
            "team": {"id": "T0FAKE0001"},
            "user": {"id": ORGANIZER, "name": "organizer"},
            "api_app_id": "A0FAKE0001",
            "trigger_id": "trigger.carry",
            "container": {"type": "message"},
            "channel": {"id": bot.runtime.deps.channel},
            "response_url": bot.slack.response_url(),
            "actions": [
                {
                    "action_id": ids.ACTION_CARRY_OVER,
                    "block_id": "b",
                    "value": MEETING.isoformat(),
                    "type": "button",
                }
            ],
        }
        assert bot.interactive(click).status_code == 200
        view = wait_for(lambda: bot.slack.calls_to("views.open"))[0].params["view"]
        view = json.loads(view) if isinstance(view, str) else view
        element = view["blocks"][0]["element"]
        values = [o["value"] for o in element["options"]]
        assert values == [str(waiting.id), *(str(t.id) for t in fitted)]
        assert [o["value"] for o in element["initial_options"]] == [str(waiting.id)]
        assert element["options"][0]["text"]["text"].startswith("⏳時間外 [blog] three")
