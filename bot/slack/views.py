"""Pure builders for topic cards, replies, the modal and App Home (domain in, dicts out)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.core.i18n import EXAMPLE as EXAMPLE_TEXT
from bot.core.i18n import Language, t
from bot.core.markup import segments
from bot.core.model import Note, Topic, TopicStatus
from bot.core.papers import Paper, shown_byline
from bot.core.slots import SLOT_CHOICES
from bot.slack import ids
from bot.slack.blocks import (
    MAX_BLOCKS,
    SECTION_TEXT_MAX,
    TOTAL_TEXT_BUDGET,
    clip_mrkdwn,
    escape,
    link,
    note_mrkdwn,
    section,
    text_size,
)

Block = dict[str, Any]
View = dict[str, Any]


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text[:75]},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _notes_sections(notes: tuple[Note, ...]) -> list[Block]:
    """Notes as mrkdwn sections, split so no section exceeds Slack's 3,000 characters."""
    out: list[Block] = []
    current = ""
    for note in notes:
        line = note_mrkdwn(note)
        if current and len(current) + 1 + len(line) > SECTION_TEXT_MAX:
            out.append(section(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        out.append(section(current))
    return out


def topic_summary(topic: Topic) -> str:
    """``*[tag]* <url|title>`` — the headline of a topic everywhere in Slack."""
    return f"*{escape(f'[{topic.tag}]')}* {link(topic.url, topic.title)}"


def paper_context(paper: Paper | None, lang: Language) -> Block | None:
    """``authors — venue year · <code>`` under a paper's title; None when nothing is known."""
    if paper is None:
        return None
    parts = [escape(line)] if (line := shown_byline(paper)) else []
    if paper.code_url:
        parts.append(link(paper.code_url, t(lang, "paper_code")))
    return _context(" · ".join(parts)) if parts else None


def topic_card(topic: Topic, lang: Language, vote_emoji: str = "+1") -> tuple[str, list[Block]]:
    """The channel card members vote on: headline, presenter, notes, vote hint and count."""
    withdrawn = topic.status == TopicStatus.WITHDRAWN
    headline = topic_summary(topic)
    if withdrawn:
        headline = f"~{headline}~  {t(lang, 'card_withdrawn')}"
    blocks: list[Block] = [section(headline)]
    if (paper := paper_context(topic.paper, lang)) is not None:
        blocks.append(paper)
    blocks.append(
        _context(
            t(
                lang,
                "card_meta",
                name=escape(topic.presenter.name),
                date=topic.meeting.isoformat(),
            )
        )
    )
    if not withdrawn:
        blocks += _notes_sections(topic.notes)
        blocks.append(_context(t(lang, "card_vote_hint", emoji=vote_emoji, votes=topic.votes)))
    fallback = escape(f"[{topic.tag}] {topic.title} — {topic.presenter.name}")
    return fallback, blocks


def confirmation(
    topic: Topic, lang: Language, hints: tuple[str, ...], paper: str | None
) -> tuple[str, list[Block]]:
    """The submitter's ephemeral receipt: the rendered topic, hints, and an undo button."""
    blocks: list[Block] = [section(t(lang, "accepted_header", date=topic.meeting.isoformat()))]
    blocks.append(section(topic_summary(topic)))
    if paper:
        blocks.append(_context(escape(paper)))
    blocks += _notes_sections(topic.notes)
    if topic.late:
        blocks.append(_context(t(lang, "accepted_late")))
    if topic.card_ts is None:
        blocks.append(_context(f"⚠️ {t(lang, 'card_not_posted')}"))
    for hint in hints:
        blocks.append(_context(f"💡 {escape(hint)}"))
    blocks.append(
        {
            "type": "actions",
            "elements": [
                _button(t(lang, "button_undo"), ids.ACTION_UNDO, str(topic.id), "danger"),
                _button(t(lang, "button_edit"), ids.ACTION_EDIT, str(topic.id)),
            ],
        }
    )
    return t(lang, "accepted_header", date=topic.meeting.isoformat()), blocks


def _code_block(text: str) -> str:
    body = escape(text.replace("```", "`\u200b``"))
    return f"```{clip_mrkdwn(body, SECTION_TEXT_MAX - 8)}```"


def _echo_sections(heading: str, text: str) -> list[tuple[str, Block]]:
    """The member's text in copyable code blocks, split by lines so nothing is cut off;
    each block with the part of ``text`` it shows."""
    pieces: list[str] = []
    for line in text.split("\n"):
        # A single enormous line is cut into pieces that fit a section on their own.
        pieces += [line[i : i + 500] for i in range(0, len(line), 500)] or [""]
    chunks: list[str] = []
    current: str | None = None
    for piece in pieces:
        candidate = piece if current is None else f"{current}\n{piece}"
        if current is not None and len(escape(candidate)) > 2800:
            chunks.append(current)
            candidate = piece
        current = candidate
    if current is not None:
        chunks.append(current)
    blocks = [(chunks[0], section(f"{heading}\n{_code_block(chunks[0])}"))]
    blocks += [(chunk, section(_code_block(chunk))) for chunk in chunks[1:]]
    return blocks


def rejection(problems: list[str], text: str, lang: Language) -> tuple[str, list[Block]]:
    """Every failed rule, a correct example, and the member's own text to copy back."""
    lines = "\n".join(f"• {escape(problem)}" for problem in problems)
    blocks: list[Block] = [
        section(f"*{t(lang, 'rejected_header')}*\n{lines}"),
        section(f"{t(lang, 'example_header')}\n{_code_block(EXAMPLE_TEXT)}"),
    ]
    if text.strip():
        echo = _echo_sections(t(lang, "your_text"), text)
        # The reply must stay within 50 blocks and Slack's total text, or the member
        # would see nothing at all; what does not fit is said, with its size.
        used = text_size(blocks) + text_size(_context(t(lang, "echo_cut", count=len(text))))
        shown = 0
        for count, (part, item) in enumerate(echo):
            if len(blocks) + 2 > MAX_BLOCKS or used + text_size(item) > TOTAL_TEXT_BUDGET:
                rest = max(1, len(text) - shown - count)  # with the newlines between parts
                blocks.append(_context(t(lang, "echo_cut", count=rest)))
                break
            blocks.append(item)
            used += text_size(item)
            shown += len(part)
    fallback = t(lang, "rejected_header") + " " + " / ".join(problems)
    return fallback[:3000], blocks


def help_blocks(lang: Language, tags: tuple[str, ...]) -> tuple[str, list[Block]]:
    body = t(lang, "help_body", tags=" ".join(f"[{tag}]" for tag in tags))
    return t(lang, "help_title"), [section(f"*{t(lang, 'help_title')}*"), section(body)]


def list_blocks(topics: list[Topic], lang: Language, meeting: dt.date) -> tuple[str, list[Block]]:
    """`/topic list`: your topics for the coming meeting, each with edit and withdraw."""
    header = t(lang, "list_header", date=meeting.isoformat())
    if not topics:
        return header, [section(f"*{header}*"), section(t(lang, "list_empty"))]
    blocks: list[Block] = [section(f"*{header}*")]
    for topic in topics[:15]:
        if topic.status == TopicStatus.WITHDRAWN:
            blocks.append(section(f"~{topic_summary(topic)}~  {t(lang, 'card_withdrawn')}"))
            continue
        blocks.append(section(f"{topic_summary(topic)}  · 👍 {topic.votes}"))
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    _button(t(lang, "button_edit"), ids.ACTION_EDIT, str(topic.id)),
                    _button(
                        t(lang, "button_withdraw"), ids.ACTION_WITHDRAW, str(topic.id), "danger"
                    ),
                ],
            }
        )
    return header, blocks


def _option(text: str, value: str) -> Block:
    return {"text": {"type": "plain_text", "text": text[:75]}, "value": value}


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
        {
            "type": "input",
            "block_id": ids.BLOCK_TAG,
            "label": _plain(t(lang, "modal_tag")),
            "element": tag_element,
        },
        {
            "type": "input",
            "block_id": ids.BLOCK_URL,
            "label": _plain(t(lang, "modal_url")),
            "element": url_element,
        },
        {
            "type": "input",
            "block_id": ids.BLOCK_TITLE,
            "optional": True,
            "label": _plain(t(lang, "modal_title")),
            "hint": _plain(t(lang, "modal_title_hint")),
            "element": title_element,
        },
        {
            "type": "input",
            "block_id": ids.BLOCK_NOTES,
            "optional": True,
            "label": _plain(t(lang, "modal_notes")),
            "hint": _plain(t(lang, "modal_notes_hint")),
            "element": notes_element,
        },
    ]
    blocks.append(_minutes_input(lang, minutes))
    if topic_id is None and this_week and next_week:
        this_option = _option(t(lang, "modal_this_week", date=this_week.isoformat()), "this")
        blocks.append(
            {
                "type": "input",
                "block_id": ids.BLOCK_TARGET,
                "label": _plain(t(lang, "modal_target")),
                "element": {
                    "type": "static_select",
                    "action_id": ids.INPUT_TARGET,
                    "initial_option": this_option,
                    "options": [
                        this_option,
                        _option(t(lang, "modal_next_week", date=next_week.isoformat()), "next"),
                    ],
                },
            }
        )
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
        "title": _plain(t(lang, "modal_heading_edit" if topic_id else "modal_heading")),
        "submit": _plain(t(lang, "modal_submit")),
        "close": _plain(t(lang, "modal_close")),
        "blocks": blocks,
    }


def _minutes_input(lang: Language, minutes: int | None) -> Block:
    """The optional slot length: 5 / 10 / 15 minutes; unset means an even share."""
    options = [_option(t(lang, "modal_minutes_option", minutes=m), str(m)) for m in SLOT_CHOICES]
    element: Block = {
        "type": "static_select",
        "action_id": ids.INPUT_MINUTES,
        "placeholder": _plain(t(lang, "modal_minutes_hint")),
        "options": options,
    }
    if minutes in SLOT_CHOICES:
        element["initial_option"] = options[SLOT_CHOICES.index(minutes)]
    return {
        "type": "input",
        "block_id": ids.BLOCK_MINUTES,
        "optional": True,
        "label": _plain(t(lang, "modal_minutes")),
        "hint": _plain(t(lang, "modal_minutes_hint")),
        "element": element,
    }


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text[:150]}


def home_view(
    lang: Language,
    meeting_start: dt.datetime,
    mine: list[Topic],
    meeting_topics: list[Topic],
) -> View:
    """App Home: next meeting, your topics, and the coming meeting's topics with votes."""
    when = meeting_start.strftime("%Y-%m-%d %H:%M")
    blocks: list[Block] = [
        {"type": "header", "text": _plain(t(lang, "home_next", when=when))},
        section(f"*{t(lang, 'home_mine')}*"),
    ]
    live_mine = [x for x in mine if x.status != TopicStatus.WITHDRAWN]
    blocks += [section(topic_summary(x)) for x in live_mine[:10]] or [
        section(t(lang, "list_empty"))
    ]
    blocks += [{"type": "divider"}, section(f"*{t(lang, 'home_all')}*")]
    live = [x for x in meeting_topics if x.status != TopicStatus.WITHDRAWN]
    lines = [f"{topic_summary(x)} — {escape(x.presenter.name)} · 👍 {x.votes}" for x in live[:40]]
    blocks += [section(line) for line in lines] or [section(escape(t(lang, "no_topics")))]
    if len(live) > 40:
        blocks.append(_context(t(lang, "more_topics", count=len(live) - 40)))
    return {"type": "home", "blocks": blocks[:100]}


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
        blocks = [
            {
                "type": "input",
                "block_id": ids.BLOCK_CARRY,
                "optional": True,
                "label": _plain(t(lang, "carry_over_label")),
                "element": {
                    "type": "multi_static_select",
                    "action_id": ids.INPUT_CARRY,
                    "options": options,
                    **({"initial_options": preselected} if preselected else {}),
                },
            }
        ]
    return {
        "type": "modal",
        "callback_id": ids.CARRY_OVER_CALLBACK,
        "private_metadata": meeting.isoformat(),
        "title": _plain(t(lang, "carry_over_title")),
        "submit": _plain(t(lang, "carry_over_submit")),
        "close": _plain(t(lang, "modal_close")),
        "blocks": blocks,
    }
