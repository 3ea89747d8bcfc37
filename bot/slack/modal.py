"""The topic form: opening it from the shortcut, and its submission (new or edit)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.submission import Draft, Problem, parse_submission
from bot.core.tags import TagSet
from bot.services.topics import Member, Outcome, Target
from bot.slack import ids
from bot.slack.deps import SlackDeps
from bot.slack.forms import topic_modal
from bot.slack.names import SlackNames
from bot.slack.replies import field_errors, outcome_reply, tell
from bot.slack.richtext import Names, rich_text_to_notes, split_message

log = logging.getLogger(__name__)


def register(app: App, *, deps: SlackDeps) -> None:
    # One name cache for both ways in, so the form and the shortcut read mentions alike.
    names = SlackNames(deps.directory)
    app.view(ids.MODAL_CALLBACK)(_submission(deps, names))
    app.shortcut(ids.SHORTCUT_CALLBACK)(_shortcut(deps, names))


@dataclass(frozen=True, slots=True)
class Form:
    """A submitted form as typed values: the draft exactly as if it had been typed."""

    draft: Draft
    target: Target
    shown: dt.date | None  # the meeting date the form showed for that choice
    topic_id: int | None  # an edit of this topic; None for a new one

    @property
    def text(self) -> str:
        """The member's entries as one text, echoed back when the submission is refused."""
        draft = self.draft
        lines = [f"[{draft.raw_tag or ''}] {draft.title} {draft.url or ''}".strip()]
        lines += [f"{'  ' * note.depth}- {note.text}" for note in draft.notes]
        return "\n".join(lines)


def _submission(deps: SlackDeps, names: Names) -> Callable[..., None]:
    """The form's submission: read it, one ``submit`` (which acks through ``answer`` once
    the rules are checked, before anything slow), and the reply in the channel."""

    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        form = read_form(view, deps.topics.tags, names)
        user_id, name = str(body["user"]["id"]), body["user"].get("name")

        def answer(problems: Sequence[Problem]) -> None:
            if problems:  # shown under the fields; the member fixes them in the open form
                ack(response_action="errors", errors=field_errors(deps, problems))
            else:
                ack()

        def reply(outcome: Outcome) -> None:
            tell(client, deps.channel, user_id, *outcome_reply(deps, outcome, form.text))

        deps.topics.submit(
            Member(user_id, lambda: deps.directory.presenter(user_id, name)),
            form.draft,
            form.text,
            target=form.target,
            meeting=form.shown,
            topic_id=form.topic_id,
            answer=answer,
            tell=reply,
        )

    return handle


def _value(values: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    return dict(values.get(block, {}).get(action, {}) or {})


def read_form(view: dict[str, Any], tags: TagSet, names: Names) -> Form:
    """The form's state and metadata as a Form."""
    values = view.get("state", {}).get("values", {})
    selected = _value(values, ids.BLOCK_TAG, ids.INPUT_TAG).get("selected_option") or {}
    tag_raw = selected.get("value")
    tag = tags.lookup(tag_raw) if tag_raw else None
    url = (_value(values, ids.BLOCK_URL, ids.INPUT_URL).get("value") or "").strip() or None
    title = " ".join((_value(values, ids.BLOCK_TITLE, ids.INPUT_TITLE).get("value") or "").split())
    notes = rich_text_to_notes(
        _value(values, ids.BLOCK_NOTES, ids.INPUT_NOTES).get("rich_text_value"), names
    )
    target_option = _value(values, ids.BLOCK_TARGET, ids.INPUT_TARGET).get("selected_option") or {}
    target: Target = "next" if target_option.get("value") == "next" else "auto"
    length = _value(values, ids.BLOCK_MINUTES, ids.INPUT_MINUTES).get("selected_option") or {}
    minutes = length.get("value")
    source = parse_submission(f"[x] {url}", tags) if url else None
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
    meta = json.loads(view.get("private_metadata") or "{}")
    topic_id = meta.get("topic_id")
    return Form(draft, target, _shown_date(meta, target), int(topic_id) if topic_id else None)


def _shown_date(meta: dict[str, Any], target: str) -> dt.date | None:
    """The meeting date the form showed for the member's choice when it opened."""
    try:
        return dt.date.fromisoformat(str(meta.get(target if target == "next" else "this")))
    except ValueError:
        return None


def _shortcut(deps: SlackDeps, names: Names) -> Callable[..., None]:
    def handle(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        shared = split_message(shortcut.get("message", {}) or {}, names)
        header = parse_submission(shared.header, deps.topics.tags)
        # The notes go through the form's own converter, so both paths store the same.
        draft = replace(header, notes=header.notes + shared.notes)
        this_week, next_week = deps.topics.form_weeks()
        view = topic_modal(
            deps.lang,
            deps.topics.tags.names,
            tag=draft.tag,
            url=draft.url,
            title=draft.title or None,
            notes=draft.notes,
            channel_id=str((shortcut.get("channel") or {}).get("id", "")),
            this_week=this_week,
            next_week=next_week,
        )
        client.views_open(trigger_id=str(shortcut["trigger_id"]), view=view)

    return handle
