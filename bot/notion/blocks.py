"""Agenda to Notion blocks, pure: no API calls, and never a text object over the limit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.agenda import Agenda, TimedSection, timed_sections
from bot.core.i18n import Language, t
from bot.core.markup import link_label, segments
from bot.core.model import Note, Topic
from bot.core.papers import Paper, shown_byline

TEXT_LIMIT = 2000  # characters per rich text object (Notion counts UTF-16 units)
RICH_TEXT_ITEMS = 100  # rich text objects per array

Block = dict[str, Any]


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` UTF-16 units, losing nothing."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if size + width > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current or not pieces:
        pieces.append("".join(current))
    return pieces


LINK_URL_LIMIT = 2000  # UTF-16 units of text.link.url; Notion also wants http(s)


def linkable(url: str) -> bool:
    """Whether Notion accepts ``url`` as a rich text link (else the request is refused)."""
    scheme = url.split(":", 1)[0].lower()
    return scheme in ("http", "https") and _utf16_len(url) <= LINK_URL_LIMIT


def text(content: str, url: str | None = None, *, bold: bool = False) -> list[Block]:
    """Rich text objects for ``content``, split at the limit, linked when ``url`` is set.

    A URL Notion would refuse as a link (too long, not http/https) is kept as plain
    text after the label, so one odd link cannot stop the whole page being written.
    """
    if url and not linkable(url):
        content = url if content == url else f"{content} ({url})"
        url = None
    objects: list[Block] = []
    if url:
        content = link_label(content, url)
    for piece in split_text(content):
        body: Block = {"content": piece}
        if url:
            body["link"] = {"url": url}
        item: Block = {"type": "text", "text": body}
        if bold:
            item["annotations"] = {"bold": True}
        objects.append(item)
    return objects


def _note_rich_text(note: Note) -> list[Block]:
    rich: list[Block] = []
    for seg in segments(note.text):
        rich += text(seg.text, seg.url)
    return rich


def _chunks(rich: list[Block]) -> list[list[Block]]:
    return [rich[i : i + RICH_TEXT_ITEMS] for i in range(0, len(rich), RICH_TEXT_ITEMS)] or [[]]


def _bullets(notes: tuple[Note, ...]) -> list[Block]:
    """Notes to nested bulleted list items; a deeper note becomes a child of the one above."""
    roots: list[Block] = []
    stack: list[tuple[int, Block]] = []
    for note in notes:
        for rich in _chunks(_note_rich_text(note)):
            block: Block = {
                "object": "block",
                "type": "bulleted_list_item",
                "bulleted_list_item": {"rich_text": rich},
            }
            while stack and stack[-1][0] >= note.depth:
                stack.pop()
            if stack:
                parent = stack[-1][1]["bulleted_list_item"]
                parent.setdefault("children", []).append(block)
            else:
                roots.append(block)
            stack.append((note.depth, block))
    return roots


def topic_blocks(topic: Topic, lang: Language = "ja") -> list[Block]:
    """A topic: ``[tag] `` + the linked title + the vote count, then its notes as bullets."""
    late = t(lang, "late_addition") if topic.late else ""
    rich = text(f"[{topic.tag}] ")
    rich += text(topic.title, topic.url)
    rich += text(f"  {t(lang, 'votes_suffix', votes=topic.votes)}{late}")
    paragraph: Block = {
        "object": "block",
        "type": "paragraph",
        "paragraph": {"rich_text": rich},
    }
    byline = paper_paragraph(topic.paper, lang)
    return [paragraph, *([byline] if byline else []), *_bullets(topic.notes)]


def paper_paragraph(paper: Paper | None, lang: Language = "ja") -> Block | None:
    """``authors — venue year · code`` as a gray line under a paper's title, or None."""
    if paper is None:
        return None
    rich: list[Block] = text(line) if (line := shown_byline(paper)) else []
    if paper.code_url:
        rich += (text(" · ") if rich else []) + text(t(lang, "paper_code"), paper.code_url)
    for item in rich:
        item["annotations"] = {**item.get("annotations", {}), "color": "gray"}
    return (
        {"object": "block", "type": "paragraph", "paragraph": {"rich_text": rich}} if rich else None
    )


def presenter_heading(
    name: str,
    notion_user_id: str | None,
    start: str | None = None,
    minutes: int | None = None,
    lang: Language = "ja",
) -> Block:
    """``@name`` (a mention when known), with its slot ``17:00 … (10分)`` when it has one."""
    if notion_user_id:
        rich: list[Block] = [
            {"type": "mention", "mention": {"type": "user", "user": {"id": notion_user_id}}}
        ]
    else:
        rich = text(f"@{name}")
    if start is not None and minutes is not None:
        rich = [*text(f"{start} "), *rich, *text(f" {t(lang, 'slot_minutes', minutes=minutes)}")]
    return {"object": "block", "type": "heading_3", "heading_3": {"rich_text": rich}}


def _section_blocks(section: TimedSection, lang: Language, users: Mapping[str, str]) -> list[Block]:
    presenter = section.presenter
    blocks = [
        presenter_heading(
            presenter.name, users.get(presenter.user_id), section.start, section.minutes, lang
        )
    ]
    for topic in section.topics:
        blocks += topic_blocks(topic, lang)
    return blocks


def agenda_blocks(
    agenda: Agenda,
    lang: Language = "ja",
    notion_users: Mapping[str, str] | None = None,
) -> list[Block]:
    """The page body, shaped like the group's page: heading, rules, presenters, topics.

    ``notion_users`` maps Slack user ids to Notion user ids for presenter mentions.
    """
    users = notion_users or {}
    blocks: list[Block] = [
        {
            "object": "block",
            "type": "heading_2",
            "heading_2": {"rich_text": text(t(lang, "agenda_title"))},
        },
        {
            "object": "block",
            "type": "callout",
            "callout": {"rich_text": text(t(lang, "rules")), "icon": {"emoji": "📌"}},
        },
    ]
    if not agenda.sections:
        blocks.append(
            {
                "object": "block",
                "type": "paragraph",
                "paragraph": {"rich_text": text(t(lang, "no_topics"))},
            }
        )
    fitted, overflow = timed_sections(agenda)
    for section in fitted:
        blocks += _section_blocks(section, lang, users)
    if overflow:
        # Listed, never dropped: the group reaches them if the hour allows.
        blocks.append(
            {
                "object": "block",
                "type": "heading_2",
                "heading_2": {"rich_text": text(t(lang, "if_time_allows"))},
            }
        )
        for section in overflow:
            blocks += _section_blocks(section, lang, users)
    return blocks


def page_properties(
    title_property: str, date_property: str | None, agenda: Agenda
) -> dict[str, Any]:
    """Properties of the agenda page: the title, and the meeting date when there is one."""
    props: dict[str, Any] = {title_property: {"title": text(agenda.title)}}
    if date_property:
        props[date_property] = {"date": {"start": agenda.meeting.isoformat()}}
    return props


def plain_text(blocks: list[Block]) -> str:
    """All text of a block tree in order (tests and previews use it)."""
    out: list[str] = []
    for block in blocks:
        body = block[block["type"]]
        out.append(
            "".join(
                item["text"]["content"] if item["type"] == "text" else "@mention"
                for item in body.get("rich_text", [])
            )
        )
        out.append(plain_text(body.get("children", [])))
    return "\n".join(part for part in out if part)
