"""The `/topic` slash command: submit inline, open the form, list, preview, help, search."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.archive.query import parse_query
from bot.archive.search import PAGE_SIZE, page_offset
from bot.core.i18n import t
from bot.core.submission import parse_submission, slack_unescape
from bot.services.topics import Outcome
from bot.slack import ids
from bot.slack.blocks import agenda_blocks, escape, section
from bot.slack.deps import SlackDeps
from bot.slack.forms import topic_modal
from bot.slack.names import SlackNames
from bot.slack.replies import outcome_reply
from bot.slack.richtext import Names, relabel_mentions
from bot.slack.search import search_blocks, search_problem
from bot.slack.views import help_blocks, list_blocks

log = logging.getLogger(__name__)


def register(app: App, *, deps: SlackDeps) -> None:
    app.command(ids.COMMAND)(_topic_command(deps, SlackNames(deps.directory)))


def _topic_command(deps: SlackDeps, names: Names) -> Callable[..., None]:
    def handle(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        text = str(command.get("text") or "")
        word, _, rest = text.strip().partition(" ")
        user_id = str(command["user_id"])
        sub = SUBCOMMANDS.get(word.lower()) if word else None
        if not text.strip():
            open_form(deps, client, str(command["trigger_id"]), str(command.get("channel_id")))
        elif sub is not None and (sub is not _search or rest.strip()):
            sub(deps, respond, user_id, rest.strip())
        else:
            deps.background.submit(_submit_later, deps, respond, command, text, names)

    return handle


def _submit_later(
    deps: SlackDeps, respond: Respond, command: dict[str, Any], text: str, names: Names
) -> None:
    """`/topic TEXT` after the ack: one submission; a failure still reaches the member."""

    def reply(outcome: Outcome) -> None:
        fallback, blocks = outcome_reply(deps, outcome, slack_unescape(outcome.text))
        respond(text=fallback, blocks=blocks, response_type="ephemeral")

    try:
        presenter = deps.directory.presenter(str(command["user_id"]), command.get("user_name"))
        # Mentions named as the form and the shortcut name them (one look-up for all).
        typed = relabel_mentions(text, names)
        draft = parse_submission(typed, deps.topics.tags)
        deps.topics.submit(presenter, draft, typed, tell=reply)
    except Exception:
        log.exception("submission_failed", extra={"user": command.get("user_id")})
        echo = escape(slack_unescape(text))
        respond(text=f"{t(deps.lang, 'internal_error')}\n```{echo}```", response_type="ephemeral")


def open_form(deps: SlackDeps, client: WebClient, trigger_id: str, channel_id: str) -> None:
    this_week, next_week = deps.topics.form_weeks()
    view = topic_modal(
        deps.lang,
        deps.topics.tags.names,
        channel_id=channel_id,
        this_week=this_week,
        next_week=next_week,
    )
    client.views_open(trigger_id=trigger_id, view=view)


def _help(deps: SlackDeps, respond: Respond, user_id: str, rest: str) -> None:
    fallback, blocks = help_blocks(deps.lang, deps.topics.tags.names)
    respond(text=fallback, blocks=blocks, response_type="ephemeral")


def _list(deps: SlackDeps, respond: Respond, user_id: str, rest: str) -> None:
    meeting = deps.topics.coming_meeting()
    fallback, blocks = list_blocks(deps.topics.topics_of(user_id), deps.lang, meeting)
    respond(text=fallback, blocks=blocks, response_type="ephemeral")


def _agenda(deps: SlackDeps, respond: Respond, user_id: str, rest: str) -> None:
    meeting = deps.topics.coming_meeting()
    agenda = deps.cycle.agenda(meeting)  # the one compiled for publishing, slots included
    respond(text=agenda.title, blocks=agenda_blocks(agenda, deps.lang), response_type="ephemeral")


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.split()[0]) if text.split() else None
    except ValueError:
        return None


def _skip_or_unskip(skip: bool) -> Callable[[SlackDeps, Respond, str, str], None]:
    def handle(deps: SlackDeps, respond: Respond, user_id: str, rest: str) -> None:
        if not deps.cycle.may_organize(user_id):
            respond(text=t(deps.lang, "organizers_only"), response_type="ephemeral")
            return
        date = _parse_date(rest)
        if date is None or not deps.cycle.is_meeting_ahead(date):
            usage = t(deps.lang, "skip_usage", weekday=deps.cycle.weekday_name())
            typed = escape(slack_unescape(rest))
            respond(
                text=f"{usage}\n```/topic {'skip' if skip else 'unskip'} {typed}```",
                response_type="ephemeral",
            )
            return
        if skip:
            moved = deps.cycle.skip(date, t(deps.lang, "skip_reason_configured"))
            done = t(deps.lang, "skip_done", date=date.isoformat(), moved=moved)
        else:
            deps.cycle.unskip(date)
            done = t(deps.lang, "unskip_done", date=date.isoformat())
        respond(text=done, response_type="ephemeral")

    return handle


def _search(deps: SlackDeps, respond: Respond, user_id: str, rest: str) -> None:
    show_search(deps, respond, slack_unescape(rest), 1)


def show_search(deps: SlackDeps, respond: Respond, words: str, page: int) -> None:
    """`/topic search WORDS`: past topics by title, notes, tag and presenter, paginated;
    ``tag:論文`` and ``year:2023`` filter."""
    query = parse_query(words, deps.topics.tags)
    if query.problem is not None:
        fallback = search_problem(query, deps.lang, deps.topics.tags.names)
        respond(text=fallback, blocks=[section(fallback)], response_type="ephemeral")
        return
    topics, total = deps.topics.search(query, limit=PAGE_SIZE, offset=page_offset(page))
    blocks = search_blocks(topics, total, page, words, deps.lang)
    respond(text=words, blocks=blocks, response_type="ephemeral", replace_original=page > 1)


SUBCOMMANDS: dict[str, Callable[[SlackDeps, Respond, str, str], None]] = {
    "help": _help,
    "ヘルプ": _help,
    "list": _list,
    "agenda": _agenda,
    "search": _search,
    "検索": _search,
    "skip": _skip_or_unskip(True),
    "unskip": _skip_or_unskip(False),
}
