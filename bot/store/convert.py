"""Conversions between table rows and the frozen values the repository hands out."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot.core.model import Meeting, Note, Presenter, Topic, TopicStatus
from bot.core.papers import Paper
from bot.store.records import LinkMeta, Publication, as_state, as_target

if TYPE_CHECKING:  # an ORM object or a Core row of bot.store.reads: the same attributes
    from sqlalchemy import Row

    from bot.store.models import LinkCacheRow, MeetingRow, PublicationRow, TopicRow


def require_aware(moment: dt.datetime) -> dt.datetime:
    """Refuse naive datetimes: every stored time is an instant."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime refused, pass an aware one: {moment!r}")
    return moment


def fold(text: str) -> str:
    """Normalise text for matching: NFKC (full-width Latin, half-width kana) and casefold."""
    return unicodedata.normalize("NFKC", text).casefold()


def search_text(row: TopicRow) -> str:
    """The folded text that ``Repository.search`` matches against."""
    notes = (note.text for note in load_notes(row.notes))
    return fold("\n".join([row.tag, row.title, row.presenter_name, *notes]))


def escape_like(term: str) -> str:
    r"""Escape LIKE wildcards so user words match literally (escape character ``\``)."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def dump_notes(notes: Iterable[Note]) -> str:
    """Serialise notes as a JSON list of ``{"text", "depth"}``."""
    return json.dumps([{"text": n.text, "depth": n.depth} for n in notes], ensure_ascii=False)


def load_notes(raw: str) -> tuple[Note, ...]:
    """Parse the JSON written by :func:`dump_notes`."""
    return tuple(Note(text=str(item["text"]), depth=int(item["depth"])) for item in json.loads(raw))


def split_emojis(raw: str) -> frozenset[str]:
    """Parse the comma-separated emoji set of a vote row."""
    return frozenset(name for name in raw.split(",") if name)


def join_emojis(names: Iterable[str]) -> str:
    """Serialise an emoji set, sorted so equal sets are equal strings."""
    return ",".join(sorted(set(names)))


def check_emoji(name: str) -> str:
    """Refuse reaction names that would corrupt the comma-separated set."""
    if not name or "," in name:
        raise ValueError(f"invalid reaction name: {name!r}")
    return name


def to_meeting(row: MeetingRow | Row[Any]) -> Meeting:
    """Row -> Meeting."""
    return Meeting(date=row.date, skipped=row.skipped, skip_reason=row.skip_reason)


def to_topic(row: TopicRow | Row[Any], votes: int) -> Topic:
    """Row plus its vote count -> Topic."""
    return Topic(
        id=row.id,
        meeting=row.meeting_date,
        tag=row.tag,
        title=row.title,
        url=row.url,
        presenter=Presenter(row.presenter_id, row.presenter_name, row.presenter_email),
        submitted_at=row.submitted_at,
        notes=load_notes(row.notes),
        votes=votes,
        status=TopicStatus(row.status),
        card_channel=row.card_channel,
        card_ts=row.card_ts,
        late=row.late,
        minutes=row.minutes,
    )


def to_publication(row: PublicationRow) -> Publication:
    """Row -> Publication."""
    return Publication(
        meeting=row.meeting_date,
        target=as_target(row.target),
        state=as_state(row.state),
        claimed_by=row.claimed_by,
        claimed_at=row.claimed_at,
        updated_at=row.updated_at,
        external_id=row.external_id,
        channel=row.channel,
        progress=row.progress,
        last_error=row.last_error,
        incident_notified=row.incident_notified,
    )


def to_link_meta(row: LinkCacheRow | Row[Any]) -> LinkMeta:
    """Row -> LinkMeta."""
    return LinkMeta(
        url=row.url,
        title=row.title,
        authors=tuple(str(a) for a in json.loads(row.authors)),
        year=row.year,
        is_paper=row.is_paper,
        ok=row.ok,
        fetched_at=row.fetched_at,
        venue=row.venue,
        code_url=row.code_url,
    )


def link_meta_values(meta: LinkMeta) -> dict[str, object]:
    """LinkMeta -> column values of ``link_cache``."""
    return {
        "url": meta.url,
        "title": meta.title,
        "authors": json.dumps(list(meta.authors), ensure_ascii=False),
        "year": meta.year,
        "is_paper": meta.is_paper,
        "ok": meta.ok,
        "fetched_at": require_aware(meta.fetched_at),
        "venue": meta.venue,
        "code_url": meta.code_url,
    }


def to_paper(meta: LinkMeta) -> Paper | None:
    """The reading-list facts of a cached lookup; None when it names none of them."""
    paper = Paper(meta.authors, meta.venue, meta.year, meta.code_url)
    return None if paper.empty else paper
