"""`/topic` end to end: signed HTTP requests to the running app, a fake Slack behind it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.slack import ids
from bot.slack.manifest import manifest_yaml
from tests.slack.harness import CHANNEL, Bot, running_bot, wait_for

CONVNEXT = (
    "[論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808\n- マスク付きAEで事前学習\n  - FCMAE"
)
SCHEMA = Path(__file__).resolve().parents[1] / "data" / "manifest.schema.1.0.0.json"


@pytest.fixture
def bot(tmp_path: Path) -> Bot:
    with running_bot(tmp_path) as running:
        yield running  # type: ignore[misc]


def test_inline_submission_posts_card_and_confirms(bot: Bot) -> None:
    # The 3 s ack deadline is measured in bench/ack.py, not asserted on a loaded machine.
    response, response_url = bot.command(CONVNEXT)
    assert response.status_code == 200
    card = wait_for(lambda: bot.slack.calls_to("chat.postMessage"))[0]
    assert card.params["channel"] == CHANNEL
    blocks = json.dumps(card.params["blocks"], ensure_ascii=False)
    assert "<https://arxiv.org/abs/2301.00808|ConvNeXt V2>" in blocks
    assert "マスク付きAEで事前学習" in blocks
    reply = bot.replies(response_url)[0]
    assert reply["response_type"] == "ephemeral"
    dumped = json.dumps(reply, ensure_ascii=False)
    assert ids.ACTION_UNDO in dumped and "ConvNeXt V2" in dumped
    topics = wait_for(
        lambda: bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting())
    )
    assert [t.title for t in topics] == ["ConvNeXt V2"]
    assert wait_for(lambda: bot.runtime.repo.get_topic(topics[0].id).card_ts) is not None
    assert [n.depth for n in topics[0].notes] == [0, 1]


@pytest.mark.parametrize(
    "text",
    [
        "ConvNeXt V2 https://arxiv.org/abs/2301.00808",
        "[Kaggle] ConvNeXt V2 https://arxiv.org/abs/2301.00808",
        "[論文] ConvNeXt V2",
        "[論文] ConvNeXt V2 ftp://example.com/paper.pdf",
        "[論文] " + "x" * 201 + " https://arxiv.org/abs/2301.00808",
    ],
)
def test_invalid_submission_echoes_text_and_stores_nothing(bot: Bot, text: str) -> None:
    response, response_url = bot.command(text)
    assert response.status_code == 200
    reply = bot.replies(response_url)[0]
    assert reply["response_type"] == "ephemeral"
    dumped = json.dumps(reply, ensure_ascii=False)
    assert text[:60] in dumped  # the member's own text comes back
    assert "/topic [論文] ConvNeXt V2" in dumped  # with a correct example
    assert bot.slack.calls_to("chat.postMessage") == []
    assert bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting()) == []


def test_topic_without_text_opens_modal_and_missing_url_is_an_inline_error(bot: Bot) -> None:
    response, _ = bot.command("")
    assert response.status_code == 200
    opened = wait_for(lambda: bot.slack.calls_to("views.open"))[0]
    assert opened.params["trigger_id"].startswith("trigger.")
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == ids.MODAL_CALLBACK
    payload = _view_submission(view, url=None)
    answer = bot.interactive(payload)
    assert answer.status_code == 200
    body = answer.json()
    assert body["response_action"] == "errors"
    assert ids.BLOCK_URL in body["errors"]


def test_modal_submission_keeps_embedded_links_and_nesting(bot: Bot) -> None:
    bot.command("")
    view = wait_for(lambda: bot.slack.calls_to("views.open"))[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    answer = bot.interactive(_view_submission(view, url="https://arxiv.org/abs/2301.00808"))
    assert answer.status_code == 200 and not answer.content.strip(b"{}")
    card = wait_for(lambda: bot.slack.calls_to("chat.postMessage"))[0]
    blocks = json.dumps(card.params["blocks"], ensure_ascii=False)
    assert "<https://github.com/facebookresearch/ConvNeXt-V2|公式実装>" in blocks
    topic = bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting())[0]
    assert topic.notes[0].text == "[公式実装](https://github.com/facebookresearch/ConvNeXt-V2) あり"
    assert topic.notes[1].depth == 1


def test_forged_signature_and_stale_timestamp_are_refused(bot: Bot) -> None:
    forged, _ = bot.command(CONVNEXT, secret="not-the-secret")
    stale, _ = bot.command(CONVNEXT, timestamp=int(time.time()) - 600)
    assert (forged.status_code, stale.status_code) == (401, 401)
    # A signed request afterwards is the barrier: once its card is out, anything the
    # refused ones could have started would have had its turn too.
    bot.command("[blog] Barrier https://example.com/barrier")
    posts = wait_for(lambda: bot.slack.calls_to("chat.postMessage"))
    topics = bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting())
    assert [t.title for t in topics] == ["Barrier"]
    assert len(posts) == 1


@pytest.mark.slow
def test_card_posted_after_429(bot: Bot) -> None:
    bot.slack.fail_next("chat.postMessage", 1, status=429, retry_after=1)
    bot.command(CONVNEXT)
    wait_for(lambda: [c for c in bot.slack.calls_to("chat.postMessage") if c.status == 200], 10)
    assert bot.slack.rate_limited["chat.postMessage"] == 1
    assert len(bot.slack.messages[CHANNEL]) == 1


def test_no_raw_channel_ping_reaches_slack(bot: Bot) -> None:
    bot.command(
        "[blog] <!channel> 全員見て &lt;!here&gt; https://example.com/x\n- <!subteam^S1|@ml> も"
    )
    wait_for(lambda: bot.slack.calls_to("chat.postMessage"))
    wait_for(lambda: bot.slack.responses)
    for call in bot.slack.calls:
        dumped = json.dumps(call.params, ensure_ascii=False)
        assert "<!channel>" not in dumped and "<!here>" not in dumped and "<!subteam" not in dumped
    for post in bot.slack.responses:
        dumped = json.dumps(post.body, ensure_ascii=False)
        assert "<!channel>" not in dumped and "<!here>" not in dumped


def test_help_list_agenda(bot: Bot) -> None:
    bot.command(CONVNEXT)
    wait_for(lambda: bot.slack.calls_to("chat.postMessage"))
    _, help_url = bot.command("help")
    assert "/topic の使い方" in json.dumps(bot.replies(help_url), ensure_ascii=False)
    _, list_url = bot.command("list")
    listed = json.dumps(bot.replies(list_url), ensure_ascii=False)
    assert ids.ACTION_EDIT in listed and ids.ACTION_WITHDRAW in listed
    _, agenda_url = bot.command("agenda")
    preview = json.dumps(bot.replies(agenda_url), ensure_ascii=False)
    assert "ConvNeXt V2" in preview and "Shun Ito" in preview


def test_withdraw_marks_card_and_undo_deletes(bot: Bot) -> None:
    bot.command(CONVNEXT)
    wait_for(lambda: bot.slack.calls_to("chat.postMessage"))
    topic = wait_for(
        lambda: bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting())
    )[0]
    refused = _action(ids.ACTION_WITHDRAW, topic.id, user="U01NAOTO", bot=bot)
    assert bot.interactive(refused).status_code == 200
    # The refusal reply is the signal that the other member's click was handled.
    reply = bot.replies(str(refused["response_url"]))
    assert "自分が提出したトピックだけ変更できます" in json.dumps(reply, ensure_ascii=False)
    assert bot.runtime.repo.get_topic(topic.id).status.value == "active"
    bot.interactive(_action(ids.ACTION_WITHDRAW, topic.id, user="U04SHUN", bot=bot))
    wait_for(lambda: bot.slack.calls_to("chat.update"))
    assert bot.runtime.repo.get_topic(topic.id).status.value == "withdrawn"
    bot.command("[blog] Other https://example.com/other")
    wait_for(lambda: len(bot.slack.calls_to("chat.postMessage")) == 2)
    second = next(
        t
        for t in bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting())
        if t.title == "Other"
    )
    bot.interactive(_action(ids.ACTION_UNDO, second.id, user="U04SHUN", bot=bot))
    wait_for(lambda: bot.slack.calls_to("chat.delete"))


def test_shortcut_prefills_modal_from_rich_text(bot: Bot) -> None:
    message = {
        "type": "message",
        "user": "U04SHUN",
        "ts": "1700000000.000100",
        "text": "ConvNeXt V2",
        "blocks": [
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "【論文】 "},
                            {
                                "type": "link",
                                "url": "https://arxiv.org/abs/2301.00808",
                                "text": "ConvNeXt V2",
                            },
                        ],
                    },
                    {
                        "type": "rich_text_list",
                        "style": "bullet",
                        "indent": 0,
                        "elements": [
                            {
                                "type": "rich_text_section",
                                "elements": [
                                    {
                                        "type": "link",
                                        "url": "https://github.com/x/y",
                                        "text": "実装",
                                    },
                                    {"type": "text", "text": " がある"},
                                ],
                            }
                        ],
                    },
                ],
            }
        ],
    }
    payload = {
        "type": "message_action",
        "callback_id": ids.SHORTCUT_CALLBACK,
        "trigger_id": "trigger.shortcut",
        "team": {"id": bot.slack.team_id},
        "user": {"id": "U04SHUN", "name": "shun"},
        "channel": {"id": CHANNEL, "name": "ml-study"},
        "message": message,
        "response_url": bot.slack.response_url(),
        "message_ts": message["ts"],
    }
    assert bot.interactive(payload).status_code == 200
    view = wait_for(lambda: bot.slack.calls_to("views.open"))[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    dumped = json.dumps(view, ensure_ascii=False)
    assert '"initial_value": "https://arxiv.org/abs/2301.00808"' in dumped
    assert '"initial_value": "ConvNeXt V2"' in dumped
    assert '"url": "https://github.com/x/y", "text": "実装"' in dumped
    assert '"value": "論文"' in dumped


def test_app_home_shows_next_meeting(bot: Bot) -> None:
    bot.command(CONVNEXT)
    wait_for(lambda: bot.slack.calls_to("chat.postMessage"))
    bot.event({"type": "app_home_opened", "user": "U04SHUN", "channel": "D1", "tab": "home"})
    call = wait_for(lambda: bot.slack.calls_to("views.publish"))[0]
    dumped = json.dumps(call.params, ensure_ascii=False)
    assert "ConvNeXt V2" in dumped and "次回の勉強会" in dumped


def test_healthz(bot: Bot) -> None:
    assert bot.http.get(f"{bot.url}/healthz").json() == {"ok": True}


@pytest.mark.parametrize("http", [None, "https://x.example"])
def test_manifest_validates_against_slack_schema(http: str | None) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = yaml.safe_load(manifest_yaml(http))
    jsonschema.Draft7Validator(schema).validate(document)
    assert document["settings"]["socket_mode_enabled"] is (http is None)
    if http:
        assert document["features"]["slash_commands"][0]["url"] == "https://x.example/slack/events"


def _view_submission(view: dict[str, object], url: str | None) -> dict[str, object]:
    notes = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_list",
                "style": "bullet",
                "indent": 0,
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {
                                "type": "link",
                                "url": "https://github.com/facebookresearch/ConvNeXt-V2",
                                "text": "公式実装",
                            },
                            {"type": "text", "text": " あり"},
                        ],
                    }
                ],
            },
            {
                "type": "rich_text_list",
                "style": "bullet",
                "indent": 1,
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "FCMAE"}]}
                ],
            },
        ],
    }
    values = {
        ids.BLOCK_TAG: {
            ids.INPUT_TAG: {"type": "static_select", "selected_option": {"value": "論文"}}
        },
        ids.BLOCK_URL: {ids.INPUT_URL: {"type": "url_text_input", "value": url}},
        ids.BLOCK_TITLE: {ids.INPUT_TITLE: {"type": "plain_text_input", "value": "ConvNeXt V2"}},
        ids.BLOCK_NOTES: {ids.INPUT_NOTES: {"type": "rich_text_input", "rich_text_value": notes}},
        ids.BLOCK_TARGET: {
            ids.INPUT_TARGET: {"type": "static_select", "selected_option": {"value": "this"}}
        },
    }
    return {
        "type": "view_submission",
        "team": {"id": "T0FAKE0001"},
        "user": {"id": "U04SHUN", "name": "shun"},
        "api_app_id": "A0FAKE0001",
        "trigger_id": "trigger.view",
        "view": {**view, "id": "V1", "state": {"values": values}},
    }


def _action(action_id: str, topic_id: int, *, user: str, bot: Bot) -> dict[str, object]:
    return {
        "type": "block_actions",
        "team": {"id": "T0FAKE0001"},
        "user": {"id": user, "name": user.lower()},
        "api_app_id": "A0FAKE0001",
        "trigger_id": "trigger.action",
        "container": {"type": "message", "is_ephemeral": True},
        "channel": {"id": CHANNEL},
        "response_url": bot.slack.response_url(),
        "actions": [
            {"action_id": action_id, "block_id": "b", "value": str(topic_id), "type": "button"}
        ],
    }


def test_search_finds_past_topics_by_japanese_substring(bot: Bot) -> None:
    for n in range(12):
        bot.command(f"[blog] 日本語マルチモーダル基盤モデル その{n} https://example.com/mm/{n}")
    wait_for(lambda: len(bot.slack.calls_to("chat.postMessage")) == 12, timeout=10)
    _, url = bot.command("search マルチモーダル")
    first = json.dumps(bot.replies(url), ensure_ascii=False)
    assert "その11" in first or "その0" in first
    assert "search_next" in first
    payload = json.loads(first)[0]
    button = next(
        e
        for b in payload["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("action_id") == "search_next"
    )
    action = {
        "type": "block_actions",
        "team": {"id": "T0FAKE0001"},
        "user": {"id": "U04SHUN", "name": "shun"},
        "api_app_id": "A0FAKE0001",
        "trigger_id": "trigger.search",
        "response_url": (next_url := bot.slack.response_url()),
        "actions": [
            {
                "action_id": "search_next",
                "block_id": "b",
                "value": button["value"],
                "type": "button",
            }
        ],
    }
    assert bot.interactive(action).status_code == 200
    second = json.dumps(bot.replies(next_url), ensure_ascii=False)
    assert "日本語マルチモーダル" in second


def test_missing_title_is_fetched_and_paper_details_shown(tmp_path: Path) -> None:
    from bot.links.metadata import LinkMetadata

    class Lookup:
        def resolve(self, url: str) -> LinkMetadata:
            return LinkMetadata(
                url=url,
                title="ConvNeXt V2: Co-designing and Scaling ConvNets with Masked Autoencoders",
                authors=("Sanghyun Woo", "Shoubhik Debnath", "Ronghang Hu", "Xinlei Chen"),
                year=2023,
                is_paper=True,
                ok=True,
            )

    from tests.slack.harness import running_bot as start

    with start(tmp_path, lookup=lambda _repo: Lookup()) as running:
        _, url = running.command("[論文] https://arxiv.org/abs/2301.00808")
        reply = json.dumps(running.replies(url), ensure_ascii=False)
        assert "ConvNeXt V2: Co-designing" in reply
        assert "Sanghyun Woo, Shoubhik Debnath, Ronghang Hu et al. — 2023" in reply
        topic = running.runtime.repo.topics_for_meeting(running.runtime.topics.coming_meeting())[0]
        assert topic.title.startswith("ConvNeXt V2: Co-designing")


def test_non_paper_link_for_a_paper_tag_gets_a_hint(bot: Bot) -> None:
    _, url = bot.command("[論文] Some blog post https://example.com/post")
    reply = json.dumps(bot.replies(url), ensure_ascii=False)
    assert "論文ページ" in reply
    assert bot.slack.calls_to("chat.postMessage")


def test_card_refused_by_slack_keeps_the_topic_and_says_so(bot: Bot) -> None:
    bot.slack.error_for("chat.postMessage", "not_in_channel")
    _, url = bot.command(CONVNEXT)
    reply = json.dumps(bot.replies(url), ensure_ascii=False)
    assert "カード投稿に失敗しました" in reply
    topics = bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting())
    assert [t.title for t in topics] == ["ConvNeXt V2"]


@pytest.mark.slow
def test_health_only_server_refuses_events(tmp_path: Path) -> None:
    import httpx

    from bot.slack.app import HttpServer

    with running_bot(tmp_path) as running:
        health = HttpServer(running.runtime.app, "127.0.0.1", 0, lambda: True, accept_events=False)
        health.start()
        try:
            base = f"http://127.0.0.1:{health.port}"
            assert httpx.get(f"{base}/healthz").status_code == 200
            assert httpx.post(f"{base}/slack/events", content=b"{}").status_code == 404
        finally:
            health.stop()


def test_duplicate_for_the_same_meeting_links_the_existing_card(bot: Bot) -> None:
    bot.command(CONVNEXT)
    wait_for(lambda: bot.slack.calls_to("chat.postMessage"))
    wait_for(lambda: bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting()))
    wait_for(
        lambda: bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting())[0].card_ts
    )
    _, url = bot.command("[論文] Same paper https://arxiv.org/pdf/2301.00808v2", user="U01NAOTO")
    reply = json.dumps(bot.replies(url), ensure_ascii=False)
    assert "すでに Shun Ito さんが提出しています" in reply
    assert "既存のカード:" in reply and "/archives/" in reply
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


def test_edit_reopens_the_form_prefilled_and_updates_the_card(bot: Bot) -> None:
    bot.command(CONVNEXT)
    wait_for(lambda: bot.slack.calls_to("chat.postMessage"))
    topic = wait_for(
        lambda: bot.runtime.repo.topics_for_meeting(bot.runtime.topics.coming_meeting())
    )[0]
    wait_for(lambda: bot.runtime.repo.get_topic(topic.id).card_ts)
    bot.interactive(_action(ids.ACTION_EDIT, topic.id, user="U04SHUN", bot=bot))
    view = wait_for(lambda: bot.slack.calls_to("views.open"))[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    dumped = json.dumps(view, ensure_ascii=False)
    assert '"initial_value": "ConvNeXt V2"' in dumped and "マスク付きAEで事前学習" in dumped
    submission = _view_submission(view, url="https://arxiv.org/abs/2301.00808")
    values = submission["view"]["state"]["values"]  # type: ignore[index]
    values[ids.BLOCK_TITLE][ids.INPUT_TITLE]["value"] = "ConvNeXt V2 (edited)"
    assert bot.interactive(submission).status_code == 200
    wait_for(lambda: bot.runtime.repo.get_topic(topic.id).title == "ConvNeXt V2 (edited)")
    update = wait_for(lambda: bot.slack.calls_to("chat.update"))[0]
    assert "ConvNeXt V2 (edited)" in json.dumps(update.params["blocks"], ensure_ascii=False)


def test_an_edit_under_strict_paper_links_is_refused_with_the_text_back(
    tmp_path: Path,
) -> None:
    with running_bot(tmp_path, STRICT_PAPER_LINKS="true") as strict:
        strict.command(CONVNEXT)
        topic = wait_for(
            lambda: strict.runtime.repo.topics_for_meeting(strict.runtime.topics.coming_meeting())
        )[0]
        wait_for(lambda: strict.runtime.repo.get_topic(topic.id).card_ts)
        topic = strict.runtime.repo.get_topic(topic.id)
        strict.interactive(_action(ids.ACTION_EDIT, topic.id, user="U04SHUN", bot=strict))
        view = wait_for(lambda: strict.slack.calls_to("views.open"))[0].params["view"]
        view = json.loads(view) if isinstance(view, str) else view
        submission = _view_submission(view, url="https://example.com/not-a-paper")
        assert strict.interactive(submission).status_code == 200
        refusal = wait_for(lambda: strict.slack.calls_to("chat.postEphemeral"))[0]
        assert refusal.params["user"] == "U04SHUN"
        dumped = json.dumps(refusal.params, ensure_ascii=False)
        assert "論文ページ" in dumped  # which rule failed
        assert "https://example.com/not-a-paper" in dumped  # the member's text comes back
        assert strict.runtime.repo.get_topic(topic.id) == topic
        assert strict.slack.calls_to("chat.update") == []
