"""Pure Block Kit builders: domain values in, Slack-safe dicts out, never an API call."""

from __future__ import annotations

from typing import Any

from bot.core.agenda import Agenda, agenda_order
from bot.core.i18n import Language, t
from bot.core.markup import link_label, segments
from bot.core.model import Note, Topic

MAX_BLOCKS = 50
SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150

Block = dict[str, Any]


def escape(text: str) -> str:
    """Escape user text for mrkdwn: ``&``, ``<`` and ``>``; no mention can survive it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _safe_url(url: str) -> str:
    return url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace(" ", "%20")


def link(url: str, label: str) -> str:
    """``<url|label>`` with both parts made safe; plain label when there is no URL."""
    if not url:
        return escape(label)
    return f"<{_safe_url(url)}|{escape(link_label(label, url)) or escape(url)}>"


def note_mrkdwn(note: Note) -> str:
    """One note line as mrkdwn, embedded links kept with their labels."""
    body = "".join(
        link(seg.url, seg.text) if seg.url else escape(seg.text) for seg in segments(note.text)
    )
    return f"{'    ' * note.depth}• {body}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def topic_line(topic: Topic, lang: Language = "ja") -> str:
    """``[tag] <url|title> — presenter · 👍 n``."""
    late = t(lang, "late_addition") if topic.late else ""
    votes = t(lang, "votes_suffix", votes=topic.votes)
    line = (
        f"{escape(f'[{topic.tag}]')} {link(topic.url, topic.title)}"
        f" — {escape(topic.presenter.name)} · {votes}{late}"
    )
    if len(line) > SECTION_TEXT_MAX:
        line = f"{escape(f'[{topic.tag}]')} {escape(_clip(topic.title, 200))} · {votes}"
    return line


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(mrkdwn, SECTION_TEXT_MAX)}}


def agenda_blocks(
    agenda: Agenda,
    lang: Language = "ja",
    notion_url: str | None = None,
    *,
    note: str | None = None,
    carry_over: bool = False,
) -> list[Block]:
    """The agenda message: header, one section per topic, folding the tail to fit 50 blocks."""
    header = _clip(
        t(lang, "agenda_header", date=agenda.meeting.isoformat(), group=agenda.group_name),
        HEADER_TEXT_MAX,
    )
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": header}}]
    tail: list[Block] = []
    if note:
        tail.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(note)}]})
    buttons: list[Block] = []
    if notion_url:
        buttons.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": t(lang, "open_in_notion")},
                "url": notion_url,
                "action_id": "agenda_open_notion",
            }
        )
    if carry_over:
        buttons.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": t(lang, "carry_over_button")},
                "action_id": "agenda_carry_over",
                "value": agenda.meeting.isoformat(),
            }
        )
    if buttons:
        tail.append({"type": "actions", "elements": buttons})
    topics = agenda_order(agenda)
    if not topics:
        blocks.append(section(escape(t(lang, "no_topics"))))
        return blocks + tail
    room = MAX_BLOCKS - len(blocks) - len(tail)
    shown = topics if len(topics) <= room else topics[: room - 1]
    blocks += [section(topic_line(topic, lang)) for topic in shown]
    hidden = len(topics) - len(shown)
    if hidden:
        key = "more_in_notion" if notion_url else "more_topics"
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": t(lang, key, count=hidden)}],
            }
        )
    return blocks + tail


def agenda_fallback_text(agenda: Agenda, lang: Language = "ja") -> str:
    """Plain notification text for the agenda message."""
    return t(lang, "agenda_header", date=agenda.meeting.isoformat(), group=agenda.group_name)
