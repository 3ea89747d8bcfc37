"""Submitting, editing and withdrawing topics: the rules of PRODUCT.md section 3."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from bot.core.clock import utc_now
from bot.core.i18n import Language, t
from bot.core.model import NewTopic, Note, Presenter, Topic, TopicStatus
from bot.core.papers import Paper, byline
from bot.core.submission import Draft, Problem, chosen_minutes, parse_submission, validate
from bot.core.tags import TagSet
from bot.core.urls import clean_url, normalize_url
from bot.core.weeks import Cycle, assign_meeting
from bot.store import DuplicateSourceError, NotFoundError, Repository

log = logging.getLogger(__name__)

Target = Literal["auto", "this", "next"]


class SourceMeta(Protocol):
    """What a link lookup tells about a source (``bot.links`` provides it)."""

    @property
    def title(self) -> str | None: ...
    @property
    def authors(self) -> tuple[str, ...]: ...
    @property
    def year(self) -> int | None: ...
    @property
    def is_paper(self) -> bool: ...
    @property
    def ok(self) -> bool: ...
    @property
    def venue(self) -> str | None: ...
    @property
    def code_url(self) -> str | None: ...


class SearchFilter(Protocol):
    """What `/topic search` asks for (``bot.archive.query.SearchQuery``)."""

    @property
    def words(self) -> str: ...
    @property
    def tag(self) -> str | None: ...
    @property
    def year(self) -> int | None: ...


class SourceLookup(Protocol):
    """Fetches a source's metadata safely; never raises for network problems."""

    def resolve(self, url: str) -> SourceMeta: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of a submission: the stored topic, or the problems; hints either way."""

    topic: Topic | None
    problems: tuple[Problem, ...] = ()
    hints: tuple[str, ...] = ()
    text: str = ""
    paper: str | None = None
    duplicate_of: Topic | None = field(default=None)

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


class TopicService:
    """Turns what a member typed into a stored topic, or says exactly what to fix."""

    def __init__(
        self,
        repo: Repository,
        cycle: Cycle,
        *,
        tags: TagSet | None = None,
        lang: Language = "ja",
        lookup: SourceLookup | None = None,
        is_paper_url: Callable[[str], bool] | None = None,
        strict_paper_links: bool = False,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.repo = repo
        self.cycle = cycle
        self.tags = tags or TagSet()
        self.lang: Language = lang
        self.lookup = lookup
        self.is_paper_url = is_paper_url
        self.strict_paper_links = strict_paper_links
        self.clock = clock
        # Set by the wiring: an edit or withdrawal re-publishes an agenda already out.
        self.on_change: Callable[[Topic], object] | None = None
        # Set by the wiring (bot/metrics.py): every new submission's outcome.
        self.on_outcome: Callable[[Outcome], object] | None = None

    def problem_text(self, problem: Problem) -> str:
        return t(self.lang, problem.code, tags=" ".join(self.tags.names), **problem.params)

    def submit_text(self, presenter: Presenter, text: str, *, target: Target = "auto") -> Outcome:
        """A `/topic TEXT` submission."""
        return self.submit_draft(presenter, parse_submission(text, self.tags), text, target=target)

    def submit_draft(
        self,
        presenter: Presenter,
        draft: Draft,
        text: str,
        *,
        target: Target = "auto",
        meeting: dt.date | None = None,
    ) -> Outcome:
        """Validate, complete (title, paper check), place in a meeting and store."""
        outcome = self._submit(presenter, draft, text, target, meeting)
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome

    def _submit(
        self,
        presenter: Presenter,
        draft: Draft,
        text: str,
        target: Target,
        meeting: dt.date | None,
    ) -> Outcome:
        checked = self._check(draft, text)
        if isinstance(checked, Outcome):
            return checked
        now = self.clock()
        meeting, late = self._place(now, target, meeting)
        new = NewTopic(
            meeting=meeting,
            tag=checked.tag,
            title=checked.title,
            url=checked.url,
            normalized_url=checked.normalized_url,
            presenter=presenter,
            submitted_at=now,
            notes=checked.notes,
            late=late,
            minutes=checked.minutes,
        )
        try:
            topic = self.repo.add_topic(new)
        except DuplicateSourceError as error:
            existing = error.existing
            return Outcome(None, (_duplicate(existing),), text=text, duplicate_of=existing)
        hints = checked.hints + self._earlier_hints(new.normalized_url, meeting)
        log.info("topic_submitted", extra={"topic_id": topic.id, "meeting": str(meeting)})
        return Outcome(topic, (), hints, text=text, paper=checked.paper)

    def _check(
        self, draft: Draft, text: str, *, keep_title: str | None = None
    ) -> Checked | Outcome:
        """Every rule of a submission, the same for a new topic and an edit: the problems
        (as a refused Outcome echoing ``text``), or the fields completed (title fetched
        when missing, unless ``keep_title``; the paper check, strict or as a hint)."""
        problems = validate(draft)
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

    def _earlier_hints(self, normalized_url: str, meeting: dt.date) -> tuple[str, ...]:
        """When and by whom the same source was presented before (the latest time)."""
        return tuple(
            t(
                self.lang,
                "duplicate_earlier",
                date=earlier.meeting.isoformat(),
                name=earlier.presenter.name,
                votes=earlier.votes,
            )
            for earlier in self.repo.earlier_topics_with_url(normalized_url, before=meeting)[:1]
        )

    def _place(
        self, now: dt.datetime, target: Target, chosen: dt.date | None
    ) -> tuple[dt.date, bool]:
        """The meeting a new topic joins: the one the member chose while it is still
        ahead of us (the form shows dates when it opens), else the next one."""
        if (
            chosen is not None
            and not self.cycle.is_skipped(chosen)
            and now < self.cycle.meeting_start(chosen)
        ):
            return chosen, now >= self.cycle.publish_at(chosen)
        assignment = assign_meeting(now, self.cycle)
        if target == "next":
            return self.cycle.following(assignment.meeting), False
        return assignment.meeting, assignment.late

    def target_meeting(self, target: Target, chosen: dt.date | None = None) -> dt.date:
        return self._place(self.clock(), target, chosen)[0]

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

    def check_draft(
        self,
        draft: Draft,
        *,
        meeting: dt.date | None = None,
        exclude_topic: int | None = None,
    ) -> list[Problem]:
        """The rules, plus the same-meeting duplicate check, without any network call."""
        problems = validate(draft)
        if problems or draft.url is None:
            return problems
        meeting = meeting or self.coming_meeting()
        key = normalize_url(draft.url)
        for topic in self.repo.topics_for_meeting(meeting):
            if topic.id != exclude_topic and normalize_url(topic.url) == key:
                params: dict[str, str | int] = {
                    "date": topic.meeting.isoformat(),
                    "name": topic.presenter.name,
                    "link": topic.url,
                }
                return [Problem("duplicate_same_meeting", params)]
        return []

    def edit(self, topic_id: int, user_id: str, draft: Draft, text: str = "") -> Outcome:
        """Change a member's own topic under the same rules as a new one (a source already
        on its meeting's agenda included), or say why not; ``text`` comes back if refused."""
        try:
            topic = self.repo.get_topic(topic_id)
        except NotFoundError:
            topic = None
        if topic is None or topic.presenter.user_id != user_id:
            return Outcome(None, (Problem("not_yours"),), text=text)
        same_source = draft.url is not None and normalize_url(draft.url) == normalize_url(topic.url)
        # An emptied title keeps the old one while the source is the same.
        checked = self._check(draft, text, keep_title=topic.title if same_source else None)
        if isinstance(checked, Outcome):
            return checked
        try:
            changed = self.repo.update_topic(
                topic_id,
                tag=checked.tag,
                title=checked.title,
                url=checked.url,
                normalized_url=checked.normalized_url,
                notes=checked.notes,
                minutes=checked.minutes,
            )
        except DuplicateSourceError as error:
            existing = error.existing
            return Outcome(None, (_duplicate(existing),), text=text, duplicate_of=existing)
        self._changed(changed)
        hints = checked.hints + self._earlier_hints(checked.normalized_url, changed.meeting)
        return Outcome(changed, (), hints, text=text, paper=checked.paper)

    def meeting_of(self, topic_id: int) -> dt.date | None:
        """The meeting a topic belongs to, or None if there is no such topic."""
        try:
            return self.repo.get_topic(topic_id).meeting
        except NotFoundError:
            return None

    def withdraw(self, topic_id: int, user_id: str) -> Topic | None:
        """Withdraw a member's own topic; its votes stop counting."""
        topic = self.repo.get_topic(topic_id)
        if topic.presenter.user_id != user_id or topic.status == TopicStatus.WITHDRAWN:
            return None
        self.repo.set_status(topic_id, TopicStatus.WITHDRAWN)
        withdrawn = self.repo.get_topic(topic_id)
        self._changed(withdrawn)
        return withdrawn

    def _changed(self, topic: Topic) -> None:
        if self.on_change is None:
            return
        try:
            self.on_change(topic)
        except Exception:  # the change is stored; the retry job publishes it later
            log.warning("republish_after_change_failed", exc_info=True)

    def topics_without_card(self) -> list[Topic]:
        """Active topics of meetings not yet started whose card was never recorded."""
        now = self.clock()
        return [
            topic
            for meeting in self.repo.meeting_dates()
            if self.cycle.meeting_start(meeting) > now
            for topic in self.repo.topics_for_meeting(meeting)
            if topic.card_ts is None and topic.status == TopicStatus.ACTIVE
        ]

    def search(self, query: SearchFilter, *, limit: int, offset: int) -> tuple[list[Topic], int]:
        """Past topics matching ``query``'s words, tag and year (`/topic search`)."""
        return self.repo.search(
            query.words, limit=limit, offset=offset, tag=query.tag, year=query.year
        )

    def coming_meeting(self) -> dt.date:
        return assign_meeting(self.clock(), self.cycle).meeting

    def topics_of(self, user_id: str) -> list[Topic]:
        return self.repo.topics_of_presenter(user_id, self.coming_meeting())

    def meeting_topics(self, meeting: dt.date | None = None) -> list[Topic]:
        return self.repo.topics_for_meeting(meeting or self.coming_meeting())


def _duplicate(existing: Topic) -> Problem:
    params: dict[str, str | int] = {
        "date": existing.meeting.isoformat(),
        "name": existing.presenter.name,
        "link": existing.url,
    }
    return Problem("duplicate_same_meeting", params)


def _paper_line(meta: SourceMeta) -> str:
    line = byline(Paper(meta.authors, meta.venue, meta.year))
    return f"{meta.title} — {line}" if line else f"{meta.title}"
