"""Buttons on replies and cards: undo, edit, withdraw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.archive.search import parse_next_page_value
from bot.core.i18n import t
from bot.slack import ids
from bot.slack.blocks import escape
from bot.slack.commands import show_search
from bot.slack.deps import SlackDeps
from bot.slack.edge import tell_member
from bot.slack.forms import carry_over_modal, topic_modal
from bot.slack.replies import tell


def register(app: App, *, deps: SlackDeps) -> None:
    app.action(ids.ACTION_UNDO)(_withdraw(deps, undo=True))
    app.action(ids.ACTION_WITHDRAW)(_withdraw(deps, undo=False))
    app.action(ids.ACTION_EDIT)(_edit(deps))
    app.action(ids.ACTION_OPEN_NOTION)(lambda ack: ack())
    app.action(ids.ACTION_CARRY_OVER)(_carry_over_form(deps))
    app.action(ids.ACTION_SEARCH_NEXT)(_search_next(deps))
    app.view(ids.CARRY_OVER_CALLBACK)(_carry_over(deps))


def _topic_id(body: dict[str, Any]) -> int | None:
    try:
        return int(body["actions"][0]["value"])
    except (KeyError, IndexError, ValueError, TypeError):
        return None


def _withdraw(deps: SlackDeps, *, undo: bool) -> Callable[..., None]:
    def handle(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        topic = deps.topics.withdraw(_topic_id(body), str(body["user"]["id"]), undo=undo)
        if topic is None:
            tell_member(body, client, respond, t(deps.lang, "not_yours"), replace_original=False)
            return
        key = "undo_done" if undo else "withdraw_done"
        tell_member(
            body, client, respond, t(deps.lang, key, title=topic.title), replace_original=True
        )

    return handle


def _edit(deps: SlackDeps) -> Callable[..., None]:
    def handle(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        topic = deps.topics.own_topic(_topic_id(body), str(body["user"]["id"]))
        if topic is None:
            tell_member(body, client, respond, t(deps.lang, "not_yours"), replace_original=False)
            return
        view = topic_modal(
            deps.lang,
            deps.topics.tags.names,
            tag=topic.tag,
            url=topic.url,
            title=topic.title,
            notes=topic.notes,
            topic_id=topic.id,
            minutes=topic.minutes,
        )
        client.views_open(trigger_id=str(body["trigger_id"]), view=view)

    return handle


def _carry_over_form(deps: SlackDeps) -> Callable[..., None]:
    """ "未発表を来週へ": organisers pick the topics that were not presented."""

    def handle(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        if not deps.cycle.may_organize(str(body["user"]["id"])):
            tell_member(
                body, client, respond, t(deps.lang, "organizers_only"), replace_original=False
            )
            return
        meeting = dt.date.fromisoformat(str(body["actions"][0]["value"]))
        topics, waiting = deps.cycle.carry_over_candidates(meeting)
        view = carry_over_modal(deps.lang, meeting, topics, waiting)
        client.views_open(trigger_id=str(body["trigger_id"]), view=view)

    return handle


def _carry_over(deps: SlackDeps) -> Callable[..., None]:
    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        ack()
        state = view.get("state", {}).get("values", {})
        chosen = (
            state.get(ids.BLOCK_CARRY, {}).get(ids.INPUT_CARRY, {}).get("selected_options") or []
        )
        user_id = str(body["user"]["id"])
        done = deps.cycle.carry_over(
            user_id,
            str(view.get("private_metadata") or ""),
            [str(option.get("value", "")) for option in chosen],
        )
        if done.refusal is not None:
            # The refusal may quote the form's values: escape before it reaches Slack.
            tell(client, deps.channel, user_id, escape(done.refusal), [])

    return handle


def _search_next(deps: SlackDeps) -> Callable[..., None]:
    def handle(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        parsed = parse_next_page_value(str(body["actions"][0].get("value", "")))
        if parsed is not None:
            words, page = parsed
            show_search(deps, respond, words, page)

    return handle
