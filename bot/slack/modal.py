"""The topic form: opening it from the shortcut, and its submission (new or edit)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.i18n import t
from bot.core.submission import Draft, Problem, parse_submission
from bot.services.topics import Target
from bot.slack import ids
from bot.slack.commands import settle
from bot.slack.deps import SlackDeps
from bot.slack.names import SlackNames
from bot.slack.richtext import Names, rich_text_to_notes, split_message
from bot.slack.views import rejection, topic_modal

log = logging.getLogger(__name__)

_FIELD_OF = {
    "tag": ids.BLOCK_TAG,
    "url": ids.BLOCK_URL,
    "dup": ids.BLOCK_URL,
    "tit": ids.BLOCK_TITLE,
    "not": ids.BLOCK_NOTES,
    "min": ids.BLOCK_MINUTES,
}


def register(app: App, *, deps: SlackDeps) -> None:
    # One name cache for both ways in, so the form and the shortcut read mentions alike.
    names = SlackNames(deps.directory)
    app.view(ids.MODAL_CALLBACK)(_submission(deps, names))
    app.shortcut(ids.SHORTCUT_CALLBACK)(_shortcut(deps, names))


def _value(values: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    return dict(values.get(block, {}).get(action, {}) or {})


def draft_from_view(view: dict[str, Any], deps: SlackDeps, names: Names) -> tuple[Draft, Target]:
    """The form's state as a draft, exactly as if it had been typed."""
    values = view.get("state", {}).get("values", {})
    selected = _value(values, ids.BLOCK_TAG, ids.INPUT_TAG).get("selected_option") or {}
    tag_raw = selected.get("value")
    tag = deps.topics.tags.lookup(tag_raw) if tag_raw else None
    url = (_value(values, ids.BLOCK_URL, ids.INPUT_URL).get("value") or "").strip() or None
    title = " ".join((_value(values, ids.BLOCK_TITLE, ids.INPUT_TITLE).get("value") or "").split())
    notes = rich_text_to_notes(
        _value(values, ids.BLOCK_NOTES, ids.INPUT_NOTES).get("rich_text_value"), names
    )
    target_option = _value(values, ids.BLOCK_TARGET, ids.INPUT_TARGET).get("selected_option") or {}
    target: Target = "next" if target_option.get("value") == "next" else "auto"
    length = _value(values, ids.BLOCK_MINUTES, ids.INPUT_MINUTES).get("selected_option") or {}
    minutes = length.get("value")
    source = parse_submission(f"[x] {url}", deps.topics.tags) if url else None
    draft = Draft(
        raw_tag=tag_raw,
        tag=tag.name if tag else None,
        title=title,
        url=source.url if source else None,
        notes=notes,
        bad_urls=source.bad_urls if source else (),
        notes_chars=sum(len(n.text) for n in notes),
        minutes=str(minutes) if minutes is not None else None,
    )
    return draft, target


def _submission(deps: SlackDeps, names: Names) -> Callable[..., None]:
    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        draft, target = draft_from_view(view, deps, names)
        meta = json.loads(view.get("private_metadata") or "{}")
        topic_id = meta.get("topic_id")
        chosen = _shown_date(meta, target)
        if topic_id:
            meeting = deps.topics.meeting_of(int(topic_id))
        else:
            meeting = deps.topics.target_meeting(target, chosen)
        problems = deps.topics.check_draft(draft, meeting=meeting, exclude_topic=topic_id)
        if problems:
            ack(response_action="errors", errors=_field_errors(deps, problems))
            return
        ack()
        user_id = str(body["user"]["id"])
        if topic_id:
            _edit(deps, client, user_id, int(topic_id), draft)
            return
        presenter = deps.directory.presenter(user_id, body["user"].get("name"))
        outcome = deps.topics.submit_draft(
            presenter, draft, _echo(draft), target=target, meeting=chosen
        )

        def reply(fallback: str, blocks: list[Any]) -> None:
            tell(client, deps.channel, user_id, fallback, blocks)

        settle(deps, outcome, _echo(draft), reply)

    return handle


def _field_errors(deps: SlackDeps, problems: list[Problem]) -> dict[str, str]:
    """Each failed rule shown under the field it is about (Slack's inline errors)."""
    errors: dict[str, str] = {}
    for problem in problems:
        block = _FIELD_OF.get(problem.code[:3], ids.BLOCK_URL)
        errors.setdefault(block, deps.topics.problem_text(problem)[:150])
    return errors


def _shown_date(meta: dict[str, Any], target: str) -> dt.date | None:
    """The meeting date the form showed for the member's choice when it opened."""
    try:
        return dt.date.fromisoformat(str(meta.get(target if target == "next" else "this")))
    except ValueError:
        return None


def _edit(deps: SlackDeps, client: WebClient, user_id: str, topic_id: int, draft: Draft) -> None:
    """The edit under every rule of a new topic; refused, the member's text comes back."""
    outcome = deps.topics.edit(topic_id, user_id, draft, _echo(draft))
    if outcome.topic is None:
        problems = [deps.topics.problem_text(p) for p in outcome.problems]
        if outcome.duplicate_of is not None:
            problems.append(deps.cards.permalink_note(outcome.duplicate_of))
        fallback, blocks = rejection([p for p in problems if p], outcome.text, deps.lang)
        tell(client, deps.channel, user_id, fallback, blocks)
        return
    deps.cards.refresh(outcome.topic.id)
    done = t(deps.lang, "edited_done", title=outcome.topic.title)
    tell(client, deps.channel, user_id, done, [])


def _echo(draft: Draft) -> str:
    lines = [f"[{draft.raw_tag or ''}] {draft.title} {draft.url or ''}".strip()]
    lines += [f"{'  ' * note.depth}- {note.text}" for note in draft.notes]
    return "\n".join(lines)


def tell(client: WebClient, channel: str, user_id: str, text: str, blocks: list[Any]) -> None:
    """An ephemeral message in the study channel, or a DM if that is impossible."""
    try:
        client.chat_postEphemeral(channel=channel, user=user_id, text=text, blocks=blocks or None)
    except SlackApiError:
        client.chat_postMessage(channel=user_id, text=text, blocks=blocks or None)


def _shortcut(deps: SlackDeps, names: Names) -> Callable[..., None]:
    def handle(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        shared = split_message(shortcut.get("message", {}) or {}, names)
        header = parse_submission(shared.header, deps.topics.tags)
        # The notes go through the form's own converter, so both paths store the same.
        draft = replace(header, notes=header.notes + shared.notes)
        coming = deps.topics.coming_meeting()
        view = topic_modal(
            deps.lang,
            deps.topics.tags.names,
            tag=draft.tag,
            url=draft.url,
            title=draft.title or None,
            notes=draft.notes,
            channel_id=str((shortcut.get("channel") or {}).get("id", "")),
            this_week=coming,
            next_week=deps.topics.cycle.following(coming),
        )
        client.views_open(trigger_id=str(shortcut["trigger_id"]), view=view)

    return handle
