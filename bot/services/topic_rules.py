"""What a submission must meet and how it is completed (PRODUCT.md section 3): the values
``TopicService`` hands back, and the completion of a draft that passed ``validate``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.core.i18n import Language, t
from bot.core.model import Note, Presenter, Topic
from bot.core.papers import Paper, byline
from bot.core.submission import Draft, Problem, chosen_minutes
from bot.core.urls import clean_url, normalize_url
from bot.services.ports import SourceLookup, SourceMeta

log = logging.getLogger(__name__)

Target = Literal["auto", "this", "next"]


@dataclass(frozen=True, slots=True)
class Member:
    """A member known by id whose name and e-mail (a directory look-up, slow) are only
    asked for once a new topic is about to be stored."""

    user_id: str
    presenter: Callable[[], Presenter]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of a submission: the stored topic, or the problems; hints either way."""

    topic: Topic | None
    problems: tuple[Problem, ...] = ()
    hints: tuple[str, ...] = ()
    text: str = ""
    paper: str | None = None
    duplicate_of: Topic | None = field(default=None)
    edited: bool = False  # the topic is a member's changed topic, not a new one

    @property
    def accepted(self) -> bool:
        return self.topic is not None


@dataclass(frozen=True, slots=True)
class Checked:
    """A draft that passed every rule, completed and ready to store."""

    tag: str
    title: str
    url: str
    normalized_url: str
    notes: tuple[Note, ...]
    paper: str | None
    hints: tuple[str, ...]
    minutes: int | None = None


@dataclass(frozen=True, slots=True)
class Sources:
    """How a submission's source is looked up and judged (is it a paper?)."""

    lang: Language
    lookup: SourceLookup | None = None
    is_paper_url: Callable[[str], bool] | None = None
    strict_paper_links: bool = False

    def complete(
        self,
        draft: Draft,
        text: str,
        problems: Sequence[Problem],
        *,
        keep_title: str | None = None,
    ) -> Checked | Outcome:
        """A draft whose ``problems`` (from ``validate``, run once by the caller) are
        known: the refusal (an Outcome echoing ``text``), or its fields completed (title
        fetched when missing, unless ``keep_title``; the paper check, strict or as a hint)."""
        if problems or draft.url is None or draft.tag is None:
            return Outcome(None, tuple(problems), text=text)
        hints: list[str] = []
        title, paper = draft.title or keep_title or "", None
        wanted = not title or draft.tag == "論文" or self._paper_url(draft.url)
        meta = self._meta(clean_url(draft.url)) if wanted else None
        if meta is not None and meta.ok and meta.title:
            paper = _paper_line(meta) if meta.is_paper else None
            title = title or meta.title[:200]
        if not title:
            title = clean_url(draft.url)[:200]
            hints.append(t(self.lang, "title_fallback"))
        if draft.tag == "論文" and not self._looks_like_paper(draft.url, meta):
            if self.strict_paper_links:
                return Outcome(None, (Problem("not_a_paper"),), text=text)
            hints.append(t(self.lang, "not_a_paper"))
        return Checked(
            tag=draft.tag,
            title=title,
            url=clean_url(draft.url),
            normalized_url=normalize_url(draft.url),
            notes=draft.notes,
            paper=paper,
            hints=tuple(hints),
            minutes=chosen_minutes(draft),
        )

    def _meta(self, url: str) -> SourceMeta | None:
        if self.lookup is None:
            return None
        try:
            return self.lookup.resolve(url)
        except Exception:  # a lookup must never cost a member their submission
            log.warning("source_lookup_failed", exc_info=True)
            return None

    def _paper_url(self, url: str) -> bool:
        """A paper's link is looked up whatever its tag: the reading list wants its authors."""
        return self.is_paper_url(url) if self.is_paper_url else False

    def _looks_like_paper(self, url: str, meta: SourceMeta | None) -> bool:
        if meta is not None and meta.is_paper:
            return True
        return self.is_paper_url(url) if self.is_paper_url else True


def duplicate_problem(existing: Topic) -> Problem:
    """The meeting already has this source: when, by whom, and its link."""
    params: dict[str, str | int] = {
        "date": existing.meeting.isoformat(),
        "name": existing.presenter.name,
        "link": existing.url,
    }
    return Problem("duplicate_same_meeting", params)


def refused_duplicate(existing: Topic, text: str) -> Outcome:
    return Outcome(None, (duplicate_problem(existing),), text=text, duplicate_of=existing)


def _paper_line(meta: SourceMeta) -> str:
    line = byline(Paper(meta.authors, meta.venue, meta.year))
    return f"{meta.title} — {line}" if line else f"{meta.title}"
