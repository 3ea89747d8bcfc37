"""Pure builders for the modals: the topic form (new or edit) and the carry-over choice."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.core.i18n import Language, t
from bot.core.markup import segments
from bot.core.model import Note, Topic
from bot.core.slots import SLOT_CHOICES
from bot.slack import ids
from bot.slack.blocks import plain, section

Block = dict[str, Any]
View = dict[str, Any]


def _option(text: str, value: str) -> Block:
    return {"text": {"type": "plain_text", "text": text[:75]}, "value": value}


def _input(
    block_id: str, label: str, element: Block, *, hint: str | None = None, optional: bool = False
) -> Block:
    """A form field with its label, and the hint under it when there is one."""
    block: Block = {"type": "input", "block_id": block_id}
    if optional:
        block["optional"] = True
    block["label"] = plain(label)
    if hint is not None:
        block["hint"] = plain(hint)
    block["element"] = element
    return block


def notes_rich_text(notes: tuple[Note, ...]) -> Block:
    """Notes as a rich_text value (for prefilling the modal), links keeping their labels."""
    elements: list[Block] = []
    for note in notes:
        inline: list[Block] = []
        for seg in segments(note.text):
            if seg.url:
                inline.append({"type": "link", "url": seg.url, "text": seg.text})
            else:
                inline.append({"type": "text", "text": seg.text})
        elements.append(
            {
                "type": "rich_text_list",
                "style": "bullet",
                "indent": min(note.depth, 6),
                "elements": [{"type": "rich_text_section", "elements": inline}],
            }
        )
    return {"type": "rich_text", "elements": elements}


def topic_modal(
    lang: Language,
    tags: tuple[str, ...],
    *,
    tag: str | None = None,
    url: str | None = None,
    title: str | None = None,
    notes: tuple[Note, ...] = (),
    topic_id: int | None = None,
    channel_id: str | None = None,
    this_week: dt.date | None = None,
    next_week: dt.date | None = None,
    minutes: int | None = None,
) -> View:
    """The submission form: tag, source URL, title (optional), notes, length (optional),
    target meeting."""
    tag_element: Block = {
        "type": "static_select",
        "action_id": ids.INPUT_TAG,
        "placeholder": {"type": "plain_text", "text": t(lang, "modal_tag_placeholder")},
        "options": [_option(f"[{name}]", name) for name in tags],
    }
    if tag in tags:
        tag_element["initial_option"] = _option(f"[{tag}]", tag)
    url_element: Block = {
        "type": "url_text_input",
        "action_id": ids.INPUT_URL,
        "placeholder": {"type": "plain_text", "text": "https://arxiv.org/abs/2301.00808"},
    }
    if url:
        url_element["initial_value"] = url[:3000]
    title_element: Block = {
        "type": "plain_text_input",
        "action_id": ids.INPUT_TITLE,
        "max_length": 200,
    }
    if title:
        title_element["initial_value"] = title[:200]
    notes_element: Block = {"type": "rich_text_input", "action_id": ids.INPUT_NOTES}
    if notes:
        notes_element["initial_value"] = notes_rich_text(notes)
    blocks: list[Block] = [
        _input(ids.BLOCK_TAG, t(lang, "modal_tag"), tag_element),
        _input(ids.BLOCK_URL, t(lang, "modal_url"), url_element),
        _input(
            ids.BLOCK_TITLE,
            t(lang, "modal_title"),
            title_element,
            hint=t(lang, "modal_title_hint"),
            optional=True,
        ),
        _input(
            ids.BLOCK_NOTES,
            t(lang, "modal_notes"),
            notes_element,
            hint=t(lang, "modal_notes_hint"),
            optional=True,
        ),
    ]
    blocks.append(_minutes_input(lang, minutes))
    if topic_id is None and this_week and next_week:
        this_option = _option(t(lang, "modal_this_week", date=this_week.isoformat()), "this")
        target_element: Block = {
            "type": "static_select",
            "action_id": ids.INPUT_TARGET,
            "initial_option": this_option,
            "options": [
                this_option,
                _option(t(lang, "modal_next_week", date=next_week.isoformat()), "next"),
            ],
        }
        blocks.append(_input(ids.BLOCK_TARGET, t(lang, "modal_target"), target_element))
    metadata = json.dumps(
        {
            "topic_id": topic_id,
            "channel_id": channel_id,
            "this": this_week.isoformat() if this_week else None,
            "next": next_week.isoformat() if next_week else None,
        }
    )
    return {
        "type": "modal",
        "callback_id": ids.MODAL_CALLBACK,
        "private_metadata": metadata,
        "title": plain(t(lang, "modal_heading_edit" if topic_id else "modal_heading")),
        "submit": plain(t(lang, "modal_submit")),
        "close": plain(t(lang, "modal_close")),
        "blocks": blocks,
    }


def _minutes_input(lang: Language, minutes: int | None) -> Block:
    """The optional slot length: 5 / 10 / 15 minutes; unset means an even share."""
    options = [_option(t(lang, "modal_minutes_option", minutes=m), str(m)) for m in SLOT_CHOICES]
    element: Block = {
        "type": "static_select",
        "action_id": ids.INPUT_MINUTES,
        "placeholder": plain(t(lang, "modal_minutes_hint")),
        "options": options,
    }
    if minutes in SLOT_CHOICES:
        element["initial_option"] = options[SLOT_CHOICES.index(minutes)]
    hint = t(lang, "modal_minutes_hint")
    return _input(ids.BLOCK_MINUTES, t(lang, "modal_minutes"), element, hint=hint, optional=True)


def carry_over_modal(
    lang: Language, meeting: dt.date, topics: list[Topic], waiting: frozenset[int] = frozenset()
) -> View:
    """Choose the topics that were not presented; they move on with their votes. Those in
    ``waiting`` (they did not fit the hour) come first, marked and already chosen."""
    mark = t(lang, "carry_over_waiting")
    options = [
        _option(
            f"{mark if x.id in waiting else ''}[{x.tag}] {x.title} — {x.presenter.name}"[:75],
            str(x.id),
        )
        for x in topics[:100]
    ]
    preselected = [o for o, x in zip(options, topics, strict=False) if x.id in waiting]
    blocks: list[Block] = [section(t(lang, "carry_over_label"))]
    if options:
        element: Block = {
            "type": "multi_static_select",
            "action_id": ids.INPUT_CARRY,
            "options": options,
            **({"initial_options": preselected} if preselected else {}),
        }
        label = t(lang, "carry_over_label")
        blocks = [_input(ids.BLOCK_CARRY, label, element, optional=True)]
    return {
        "type": "modal",
        "callback_id": ids.CARRY_OVER_CALLBACK,
        "private_metadata": meeting.isoformat(),
        "title": plain(t(lang, "carry_over_title")),
        "submit": plain(t(lang, "carry_over_submit")),
        "close": plain(t(lang, "modal_close")),
        "blocks": blocks,
    }
