"""Pure builders for topic cards, replies and App Home (domain in, dicts out; the modals
are in bot/slack/forms.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.core.i18n import EXAMPLE as EXAMPLE_TEXT
from bot.core.i18n import Language, t
from bot.core.model import Note, Topic, TopicStatus
from bot.core.papers import Paper, shown_byline
from bot.slack import ids
from bot.slack.blocks import (
    MAX_BLOCKS,
    SECTION_TEXT_MAX,
    TOTAL_TEXT_BUDGET,
    clip_mrkdwn,
    escape,
    link,
    note_mrkdwn,
    plain,
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


def home_view(
    lang: Language,
    meeting_start: dt.datetime,
    mine: list[Topic],
    meeting_topics: list[Topic],
) -> View:
    """App Home: next meeting, your topics, and the coming meeting's topics with votes."""
    when = meeting_start.strftime("%Y-%m-%d %H:%M")
    blocks: list[Block] = [
        {"type": "header", "text": plain(t(lang, "home_next", when=when))},
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
