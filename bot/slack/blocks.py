"""Pure Block Kit builders: domain values in, Slack-safe dicts out, never an API call."""

from __future__ import annotations

import re
from typing import Any

from bot.core.agenda import Agenda, agenda_order
from bot.core.i18n import Language, t
from bot.core.markup import link_label, segments
from bot.core.model import Note, Topic
from bot.core.text import clip
from bot.slack import ids

MAX_BLOCKS = 50
SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
# Slack refuses a message whose blocks hold about 12,000 characters of text in all
# (``msg_blocks_too_long``; undocumented, measured by bolt-js users in
# slackapi/bolt-js#2509 and #2867, counted with some slack for the containers), so the
# builders keep a margin under it.
TOTAL_TEXT_MAX = 12_000
TOTAL_TEXT_BUDGET = 11_000

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


# The indivisible pieces of mrkdwn: a ``<...>`` link or mention, an entity, a character.
_ATOM = re.compile(r"<[^<>]*>|&(?:amp|lt|gt);|.", re.DOTALL)


def clip_mrkdwn(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with "…", never inside an entity or a link.

    A ``<url|label>`` that does not fit whole is replaced by as much of its label as
    fits (plain text, still escaped), so the message keeps reading and never carries
    half a URL that Slack would refuse or mis-render.
    """
    if len(text) <= limit:
        return text
    return _fit(text, limit - 1) + "…"


def _fit(text: str, room: int) -> str:
    out: list[str] = []
    used = 0
    for match in _ATOM.finditer(text):
        atom = match.group()
        if used + len(atom) <= room:
            out.append(atom)
            used += len(atom)
            continue
        if atom.startswith("<") and len(atom) > 1:
            label = atom[1:-1].rpartition("|")[2] if "|" in atom else ""
            out.append(_fit(label, room - used))
        break
    return "".join(out)


def text_size(value: Any) -> int:
    """Characters of every ``text`` string in a block tree: what Slack's total counts."""
    if isinstance(value, dict):
        return sum(
            len(item) if key == "text" and isinstance(item, str) else text_size(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return sum(text_size(item) for item in value)
    return 0


def topic_line(topic: Topic, lang: Language = "ja", slot: str = "") -> str:
    """``[tag] <url|title> — presenter · 👍 n``, after its ``slot`` (``*17:00* (10分) ``)."""
    late = t(lang, "late_addition") if topic.late else ""
    votes = t(lang, "votes_suffix", votes=topic.votes)
    line = (
        f"{slot}{escape(f'[{topic.tag}]')} {link(topic.url, topic.title)}"
        f" — {escape(topic.presenter.name)} · {votes}{late}"
    )
    if len(line) > SECTION_TEXT_MAX:
        line = f"{slot}{escape(f'[{topic.tag}]')} {escape(clip(topic.title, 200))} · {votes}"
    return line


def _agenda_items(agenda: Agenda, lang: Language) -> list[tuple[Block, int]]:
    """The agenda's sections in order, each with the number of topics it shows: a topic
    line (with its start time and length when the agenda has slots), and the
    "if time allows" heading before the topics that do not fit."""
    schedule = agenda.schedule
    if schedule is None:
        return [(section(topic_line(topic, lang)), 1) for topic in agenda_order(agenda)]
    items: list[tuple[Block, int]] = []
    for item in schedule.fitted:
        assert item.start is not None
        minutes = t(lang, "slot_minutes", minutes=item.minutes)
        slot = f"*{schedule.clock(item.start)}* {minutes} "
        items.append((section(topic_line(item.topic, lang, slot)), 1))
    if schedule.overflow:
        items.append((section(f"*{escape(t(lang, 'if_time_allows'))}*"), 0))
        items += [(section(topic_line(item.topic, lang)), 1) for item in schedule.overflow]
    return items


def plain(text: str) -> Block:
    """A plain_text object, cut to the 150 characters Slack allows in labels and titles."""
    return {"type": "plain_text", "text": text[:150]}


def section(mrkdwn: str) -> Block:
    """A mrkdwn section, clipped to Slack's 3,000 characters without breaking markup."""
    text = clip_mrkdwn(mrkdwn, SECTION_TEXT_MAX)
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def agenda_blocks(
    agenda: Agenda,
    lang: Language = "ja",
    notion_url: str | None = None,
    *,
    note: str | None = None,
    carry_over: bool = False,
) -> list[Block]:
    """The agenda message: header, one section per topic, folding the tail to fit 50 blocks."""
    header = clip(
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
                "action_id": ids.ACTION_OPEN_NOTION,
            }
        )
    if carry_over:
        buttons.append(
            {
                "type": "button",
                "text": {"type": "plain_text", "text": t(lang, "carry_over_button")},
                "action_id": ids.ACTION_CARRY_OVER,
                "value": agenda.meeting.isoformat(),
            }
        )
    if buttons:
        tail.append({"type": "actions", "elements": buttons})
    topics = agenda_order(agenda)
    if not topics:
        blocks.append(section(escape(t(lang, "no_topics"))))
        return blocks + tail
    key = "more_in_notion" if notion_url else "more_topics"

    def fold(hidden: int) -> Block:
        text = t(lang, key, count=hidden)
        return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}

    # Topics go in while both the 50 blocks and the total text allow, keeping room
    # for the fold line; the first topic that does not fit folds it and the rest.
    fixed = text_size(blocks) + text_size(tail) + text_size(fold(len(topics)))
    room = MAX_BLOCKS - len(blocks) - len(tail)
    items = _agenda_items(agenda, lang)
    shown: list[Block] = []
    shown_topics = 0
    used = fixed
    for index, (item, count) in enumerate(items):
        last = index == len(items) - 1
        slots = room - len(shown) - (0 if last else 1)
        size = text_size(item)
        if slots < 1 or used + size > TOTAL_TEXT_BUDGET:
            break
        shown.append(item)
        shown_topics += count
        used += size
    if shown and len(shown) < len(items) and items[len(shown) - 1][1] == 0:
        shown.pop()  # a heading with none of its topics under it
    blocks += shown
    hidden = len(topics) - shown_topics
    if hidden:
        blocks.append(fold(hidden))
    return blocks + tail


def agenda_fallback_text(agenda: Agenda, lang: Language = "ja") -> str:
    """Plain notification text for the agenda message."""
    return t(lang, "agenda_header", date=agenda.meeting.isoformat(), group=agenda.group_name)
