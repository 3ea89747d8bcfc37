"""Slack's own payload shapes (tests/data/slack), sent signed to the running app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.core.model import Note, Topic, TopicStatus
from bot.slack import ids
from tests.fakes import FakeSlack
from tests.slack.harness import CHANNEL, TOKEN, Bot, running_bot, wait_for

DATA = Path(__file__).resolve().parents[1] / "data" / "slack"
FORM = "application/x-www-form-urlencoded"
URL = "https://arxiv.org/abs/2301.00808"

# What the rich text of tests/data/slack/rich_text_notes.json must be stored as, with
# the names this workspace gives its ids (see _workspace).
NOTES = [
    Note("要点 :fire: by @Naoto Shimakoshi in #papers cc @ml-team", 0),
    Note("[公式実装](https://github.com/facebookresearch/ConvNeXt-V2) あり :+1::skin-tone-3:", 0),
    Note("発表日 2024-05-23 a < b & c", 2),
    Note("1. FCMAE で事前学習", 0),
    Note("2. GRN 層を追加", 0),
    Note("> Co-designing and Scaling ConvNets", 0),
    Note("`def grn(x):`", 0),
    Note("`    return x`", 0),
]


def load(name: str, **values: Any) -> Any:
    """A payload file with its ``${NAME}`` placeholders filled in.

    A placeholder that is a whole string takes the value as it is (an object, a list,
    a number); one inside a list whose value is a list is spliced into that list.
    """
    raw = json.loads((DATA / name).read_text(encoding="utf-8"))

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        if isinstance(node, list):
            out: list[Any] = []
            for item in node:
                key = _placeholder(item)
                if key is not None and isinstance(values.get(key), list):
                    out += values[key]
                else:
                    out.append(fill(item))
            return out
        if isinstance(node, str):
            key = _placeholder(node)
            if key is not None:
                return values[key]
            for name, value in values.items():
                node = node.replace("${" + name + "}", str(value))
            return node
        return node

    return fill(raw)


def _placeholder(node: Any) -> str | None:
    if isinstance(node, str) and node.startswith("${") and node.endswith("}"):
        return node[2:-1]
    return None


def _workspace(slack: FakeSlack) -> FakeSlack:
    slack.add_channel(CHANNEL, "ml-study")
    slack.add_channel("C0PAPERS01", "papers")
    slack.add_usergroup("S0MLTEAM01", "ml-team", "ML team")
    return slack


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[Bot]:
    with running_bot(tmp_path, slack=_workspace(FakeSlack(TOKEN))) as running:
        yield running


def _topics(bot: Bot) -> list[Topic]:
    return bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting())


def _opened_view(bot: Bot, index: int = 0) -> dict[str, Any]:
    calls = wait_for(lambda: len(bot.slack.calls_to("views.open")) > index)
    assert calls
    view = bot.slack.calls_to("views.open")[index].params["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def _submit_form(
    bot: Bot, notes: dict[str, Any], metadata: str = "{}", *, expected: int = 1
) -> Topic:
    payload = load("view_submission_rich_text.json", NOTES=notes, PRIVATE_METADATA=metadata)
    answer = bot.interactive(payload)
    assert answer.status_code == 200 and not answer.content.strip(b"{}"), answer.text
    stored = wait_for(lambda: len(_all_topics(bot)) == expected and _all_topics(bot))
    return stored[-1]


def _all_topics(bot: Bot) -> list[Topic]:
    meeting = bot.runtime.topics.coming_meeting()
    return bot.runtime.repo.topics_for_meeting(meeting, include_withdrawn=True)


def _submit_slash(bot: Bot) -> Topic:
    form = load("slash_command.json", RESPONSE_URL=bot.slack.response_url())
    assert bot.post(urlencode(form), FORM).status_code == 200
    (topic,) = wait_for(lambda: _topics(bot))
    return topic


def test_slash_command_keeps_the_label_emoji_and_names(bot: Bot) -> None:
    topic = _submit_slash(bot)
    assert topic.title == "ConvNeXt V2 の紹介 :fire:"
    assert topic.url == URL
    assert topic.notes == (
        Note("[公式実装](https://github.com/facebookresearch/ConvNeXt-V2) あり :+1::skin-tone-3:"),
        # Slack labelled the mention "naoto"; the form would show the display name.
        Note("@Naoto Shimakoshi さんと読む", 1),
    )


def test_form_rich_text_is_stored_with_names_dates_and_structure(bot: Bot) -> None:
    topic = _submit_form(bot, load("rich_text_notes.json"))
    assert topic.title == "ConvNeXt V2 :fire:"
    assert list(topic.notes) == NOTES


@pytest.mark.slow
def test_shortcut_prefills_the_form_and_stores_what_the_form_stores(tmp_path: Path) -> None:
    notes = load("rich_text_notes.json")
    with running_bot(tmp_path / "form", slack=_workspace(FakeSlack(TOKEN))) as form_bot:
        by_form = _submit_form(form_bot, notes)
    with running_bot(tmp_path / "shortcut", slack=_workspace(FakeSlack(TOKEN))) as bot:
        payload = load(
            "message_action_rich_text.json",
            NOTES_ELEMENTS=notes["elements"],
            RESPONSE_URL=bot.slack.response_url("app"),
        )
        assert bot.interactive(payload).status_code == 200
        view = _opened_view(bot)
        blocks = {block["block_id"]: block for block in view["blocks"] if "block_id" in block}
        title = blocks[ids.BLOCK_TITLE]["element"]["initial_value"]
        assert title == "ConvNeXt V2 by @Naoto Shimakoshi :slightly_smiling_face:"
        assert blocks[ids.BLOCK_URL]["element"]["initial_value"] == URL
        # Slack hands the prefilled rich text back as the value when the member submits.
        prefilled = blocks[ids.BLOCK_NOTES]["element"]["initial_value"]
        by_shortcut = _submit_form(bot, prefilled, view.get("private_metadata") or "{}")
    assert by_shortcut.notes == by_form.notes
    assert list(by_shortcut.notes) == NOTES


def test_block_actions_from_a_message_and_from_a_view_open_the_edit_form(bot: Bot) -> None:
    topic = _submit_slash(bot)
    for n, name in enumerate(("block_actions_message.json", "block_actions_view.json")):
        payload = load(name, TOPIC_ID=str(topic.id), RESPONSE_URL=bot.slack.response_url("actions"))
        assert bot.interactive(payload).status_code == 200
        view = _opened_view(bot, n)
        assert json.loads(view["private_metadata"])["topic_id"] == topic.id
        assert "ConvNeXt V2 の紹介 :fire:" in json.dumps(view, ensure_ascii=False)


def _reaction(bot: Bot, name: str, topic: Topic, n: int, reaction: str) -> None:
    payload = load(
        name,
        USER="U01NAOTO",
        REACTION=reaction,
        CARD_TS=str(topic.card_ts),
        EVENT_TS=f"1700000300.{n:06d}",
        EVENT_ID=f"Ev0CONTRACT{n:02d}",
    )
    # Votes are applied before the 200 (bot/slack/reactions.py): the answer is the signal.
    assert bot.post(json.dumps(payload), "application/json").status_code == 200


def test_skin_tone_reactions_in_a_shared_channel_count_one_vote(bot: Bot) -> None:
    topic = _submit_slash(bot)
    topic = wait_for(lambda: (t := bot.runtime.repo.get_topic(topic.id)).card_ts and t)
    _reaction(bot, "reaction_added_skin_tone.json", topic, 1, "+1")
    _reaction(bot, "reaction_added_skin_tone.json", topic, 2, "+1::skin-tone-2")
    _reaction(bot, "reaction_removed_skin_tone.json", topic, 3, "+1::skin-tone-2")
    assert bot.runtime.repo.vote_count(topic.id) == 1
    _reaction(bot, "reaction_removed_skin_tone.json", topic, 3, "+1::skin-tone-2")  # retry
    _reaction(bot, "reaction_removed_skin_tone.json", topic, 4, "+1")
    assert bot.runtime.repo.vote_count(topic.id) == 0


@pytest.mark.parametrize("name", ["reaction_added_file.json", "reaction_added_file_comment.json"])
def test_reactions_on_files_are_acknowledged_and_change_nothing(bot: Bot, name: str) -> None:
    topic = _submit_slash(bot)
    assert bot.post(json.dumps(load(name)), "application/json").status_code == 200
    assert bot.runtime.repo.vote_count(topic.id) == 0
    assert bot.slack.calls_to("reactions.get") == []


def test_app_home_opened_publishes_only_the_home_tab(tmp_path: Path) -> None:
    slack = _workspace(FakeSlack(TOKEN))
    with running_bot(tmp_path, slack=slack) as bot:
        for n, tab in enumerate(("messages", "about", "home")):
            body = load("app_home_opened.json", TAB=tab, EVENT_ID=f"Ev0HOME{n:04d}")
            assert bot.post(json.dumps(body), "application/json").status_code == 200
    # Leaving running_bot drains the listener pool: every event has been handled.
    published = slack.calls_to("views.publish")
    assert [call.params["user_id"] for call in published] == ["U04SHUN"]


@pytest.mark.slow
def test_without_usergroups_scope_the_group_id_stands_in_and_slack_is_asked_once(
    tmp_path: Path,
) -> None:
    slack = _workspace(FakeSlack(TOKEN))
    slack.scopes.discard("usergroups:read")  # an install from before the scope was added
    with running_bot(tmp_path, slack=slack) as bot:
        topic = _submit_form(bot, load("rich_text_notes.json"))
        assert topic.notes[0].text == "要点 :fire: by @Naoto Shimakoshi in #papers cc @S0MLTEAM01"
        bot.runtime.repo.set_status(topic.id, TopicStatus.WITHDRAWN)
        _submit_form(bot, load("rich_text_notes.json"), expected=2)
        assert len(slack.calls_to("usergroups.list")) == 1
