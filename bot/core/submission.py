"""Parsing a `/topic` text into a draft topic, and the rules every submission must meet."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.core.markup import URL_MAX, markdown_link
from bot.core.model import Note
from bot.core.slots import SLOT_CHOICES
from bot.core.tags import TagSet, split_leading_tag
from bot.core.urls import clean_url, is_http_url

TITLE_MAX = 200
NOTES_MAX_LINES = 30
NOTES_MAX_CHARS = 3000

_NOTE_MARKER = re.compile(r"^(?P<indent>[ \t\u3000]*)(?P<marker>[-・*•‐－]\s*|[0-9]+[.)]\s+)?")
# Slack's escaped forms: <url>, <url|label>, <@U1|name>, <#C1|name>, <!here>.
_SLACK_TOKEN = re.compile(r"<(?P<body>[^<>\n]+)>")
_MD_LINK = re.compile(r"\[(?P<label>[^\[\]\n]*)\]\(\s*(?P<url>[^\s()]+)\s*\)")
_BARE_URL = re.compile(r"(?P<url>\b[a-zA-Z][a-zA-Z0-9+.\-]{1,15}://[^\s<>]+)")
_UNSAFE_SCHEME = re.compile(r"\b(?:javascript|data|vbscript|file):\S+", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
# An emoji shortcode, skin tone included (``:fire:``, ``:+1::skin-tone-2:``): its colons
# are part of the title, not separators to trim.
_SHORTCODE = re.compile(r":[a-z0-9_+'\-]+:(?::skin-tone-[2-6]:)?", re.IGNORECASE)
_KEPT = re.compile(r"\x01(\d+)\x01")
_TITLE_TRIM = " -—–|:：/"
_TRAILING_PUNCT = ".,;:!?、。)）」』】"


@dataclass(frozen=True, slots=True)
class Link:
    """A link found in user text: its URL and the label the user drew it on, if any."""

    url: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    """What a member submitted, before validation: every part may be missing or wrong."""

    raw_tag: str | None
    tag: str | None
    title: str
    url: str | None
    notes: tuple[Note, ...] = ()
    extra_tags: tuple[str, ...] = ()
    bad_urls: tuple[str, ...] = ()
    notes_chars: int = 0
    # The slot length chosen in the form, as sent ("5", "10", "15"); None: an even share.
    minutes: str | None = None


def chosen_minutes(draft: Draft) -> int | None:
    """The draft's slot length in minutes, None when none (or no valid one) was chosen."""
    if draft.minutes is None or draft.minutes.strip() not in {str(m) for m in SLOT_CHOICES}:
        return None
    return int(draft.minutes)


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule, as a value: a message key and its parameters."""

    code: str
    params: dict[str, str | int] = field(default_factory=dict)


def slack_unescape(text: str) -> str:
    """Undo Slack's ``&amp;``/``&lt;``/``&gt;`` escaping of user text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _slack_token(body: str) -> tuple[str, Link | None]:
    """Replacement text for one ``<...>`` token, and the link it carries."""
    target, _, label = body.partition("|")
    if target.startswith("!"):
        name = label or target[1:].split("^")[0]
        # A user group's label is its handle, with or without Slack's own "@".
        return "@" + name.removeprefix("subteam").lstrip("@"), None
    if target.startswith("@"):
        return "@" + (label or target[1:]), None
    if target.startswith("#"):
        return "#" + (label or target[1:]), None
    if target.startswith("mailto:"):
        return label or target[7:], None
    return "", Link(slack_unescape(target), slack_unescape(label) if label else None)


def extract_links(text: str) -> tuple[str, list[Link]]:
    """Take every link out of one line, leaving a placeholder where each stood.

    Accepts the forms Slack and people produce: ``<url>``, ``<url|label>``, Markdown
    ``[label](url)`` (also ``[label](<url>)``) and bare URLs of any scheme.
    """
    links: list[Link] = []

    def keep(link: Link) -> str:
        links.append(link)
        return f"\x00{len(links) - 1}\x00"

    def md(match: re.Match[str]) -> str:
        url = match.group("url")
        inner = _SLACK_TOKEN.fullmatch(url)
        if inner is not None:
            url = inner.group("body").partition("|")[0]
        return keep(Link(slack_unescape(url), slack_unescape(match.group("label")) or None))

    def slack(match: re.Match[str]) -> str:
        replacement, link = _slack_token(match.group("body"))
        return keep(link) if link is not None else replacement

    def bare(match: re.Match[str]) -> str:
        url = match.group("url")
        stripped = url.rstrip(_TRAILING_PUNCT)
        return keep(Link(slack_unescape(stripped))) + url[len(stripped) :]

    text = _MD_LINK.sub(md, re.sub(r"\[([^\[\]\n]*)\]\(<([^<>\n]+)>\)", r"[\1](\2)", text))
    text = _SLACK_TOKEN.sub(slack, text)
    text = _BARE_URL.sub(bare, _UNSAFE_SCHEME.sub(lambda m: keep(Link(m.group(0))), text))
    return text, links


def note_text(line: str) -> str:
    """One note's text from Slack-escaped text: links as Markdown links, labels kept."""
    stripped, links = extract_links(line)

    def put(match: re.Match[str]) -> str:
        link = links[int(match.group(1))]
        if link.label and link.label != link.url and is_http_url(link.url):
            return markdown_link(link.label, link.url)
        return link.url

    return slack_unescape(_PLACEHOLDER.sub(put, stripped)).strip()


def parse_notes(lines: list[str]) -> tuple[Note, ...]:
    """Bullet lines (``-``, ``・``, ``*``, ``•``) to notes nested by indentation."""
    notes: list[Note] = []
    indents: list[int] = []
    for line in lines:
        if not line.strip():
            continue
        match = _NOTE_MARKER.match(line)
        assert match is not None  # the pattern matches every string
        indent = len(match.group("indent").expandtabs(4).replace("\u3000", "  "))
        while indents and indents[-1] > indent:
            indents.pop()
        if not indents or indents[-1] < indent:
            indents.append(indent)
        text = note_text(line[match.end() :])
        if text:
            notes.append(Note(text=text, depth=len(indents) - 1))
    return tuple(notes)


def _has_marker(line: str) -> bool:
    match = _NOTE_MARKER.match(line)
    return match is not None and bool(match.group("marker"))


_UNSEEN = frozenset({"Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp"})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def slack_escape(text: str) -> str:
    """Slack's escaping of user text (the inverse of :func:`slack_unescape`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _trim_title(text: str) -> str:
    """Trim separators from both ends, keeping the colons of emoji shortcodes."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x01{len(kept) - 1}\x01"

    trimmed = _SHORTCODE.sub(keep, text).strip(_TITLE_TRIM)
    return _KEPT.sub(lambda match: kept[int(match.group(1))], trimmed)


def _clean_title(text: str) -> str:
    # Zero-width and other invisible characters would make a title that looks empty.
    text = " ".join(slack_unescape(text).translate(_INVISIBLE).split())
    text = _trim_title(text)
    if all(unicodedata.category(char) in _UNSEEN for char in text):
        return ""
    return text


def _label_in_place(link: Link) -> str:
    """What a link leaves in the title line: its label, where the member drew it."""
    if link.label and link.label != link.url and is_http_url(link.url):
        # The rest of the line is still Slack-escaped; _clean_title unescapes it all once.
        return f" {slack_escape(link.label)} "
    return " "


def parse_submission(text: str, tags: TagSet) -> Draft:
    """Parse what a member typed after ``/topic`` (Slack-escaped) into a draft.

    Never raises: whatever the text, the result says what was found, and
    :func:`validate` says what is missing.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    head = lines[0] if lines else ""
    rest = lines[1:]
    # A source on its own line right under the title belongs to the header.
    if (
        rest
        and not _has_marker(rest[0])
        and extract_links(rest[0])[1]
        and not extract_links(head)[1]
    ):
        head = f"{head} {rest.pop(0)}"

    raw_tag: str | None = None
    tag: str | None = None
    extra: list[str] = []
    found = split_leading_tag(head)
    if found is not None:
        raw_tag = found.raw
        known = tags.lookup(found.raw)
        tag = known.name if known else None
        head = found.rest
        while (more := split_leading_tag(head)) is not None and tags.lookup(more.raw):
            extra.append(more.raw)
            head = more.rest

    stripped, links = extract_links(head)
    http_links = [link for link in links if is_http_url(link.url)]
    bad = tuple(link.url for link in links if not is_http_url(link.url))
    source = http_links[0] if http_links else None
    title = _clean_title(
        _PLACEHOLDER.sub(lambda m: _label_in_place(links[int(m.group(1))]), stripped)
    )
    extra_notes = tuple(
        Note(markdown_link(link.label, link.url) if link.label else link.url)
        for link in http_links[1:]
    )
    notes = parse_notes(rest) + extra_notes
    chars = sum(len(note.text) for note in notes)
    return Draft(
        raw_tag=raw_tag,
        tag=tag,
        title=title,
        url=source.url if source else None,
        notes=notes,
        extra_tags=tuple(extra),
        bad_urls=bad,
        notes_chars=chars,
    )


def validate(draft: Draft, *, require_title: bool = False) -> list[Problem]:
    """Every rule the draft breaks, in the order a member should fix them."""
    problems: list[Problem] = []
    if draft.raw_tag is None:
        problems.append(Problem("tag_missing"))
    elif draft.tag is None:
        problems.append(Problem("tag_unknown", {"tag": draft.raw_tag}))
    elif draft.extra_tags:
        problems.append(Problem("tag_multiple", {"tags": ", ".join(draft.extra_tags)}))
    if draft.url is None:
        if draft.bad_urls:
            problems.append(Problem("url_scheme", {"url": draft.bad_urls[0][:100]}))
        else:
            problems.append(Problem("url_missing"))
    elif len(clean_url(draft.url)) > URL_MAX:
        # Notion refuses the whole agenda page over one such link: say so now, not on Thursday.
        problems.append(
            Problem("url_too_long", {"length": len(clean_url(draft.url)), "max": URL_MAX})
        )
    if len(draft.title) > TITLE_MAX:
        problems.append(Problem("title_too_long", {"length": len(draft.title), "max": TITLE_MAX}))
    elif require_title and not draft.title:
        problems.append(Problem("title_missing"))
    if len(draft.notes) > NOTES_MAX_LINES:
        problems.append(
            Problem("notes_too_many_lines", {"count": len(draft.notes), "max": NOTES_MAX_LINES})
        )
    if draft.notes_chars > NOTES_MAX_CHARS:
        problems.append(
            Problem("notes_too_long", {"count": draft.notes_chars, "max": NOTES_MAX_CHARS})
        )
    if draft.minutes is not None and chosen_minutes(draft) is None:
        choices = " / ".join(str(m) for m in SLOT_CHOICES)
        problems.append(
            Problem("minutes_invalid", {"value": draft.minutes[:20], "choices": choices})
        )
    return problems


def render_inline(tag: str, title: str, url: str, notes: tuple[Note, ...]) -> str:
    """The `/topic` text that submits this topic (what the help and examples show)."""
    lines = [f"[{tag}] {title} {url}"]
    lines += [f"{'  ' * note.depth}- {note.text}" for note in notes]
    return "\n".join(lines)
