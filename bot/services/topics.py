"""Submitting, editing and withdrawing topics: the use cases of PRODUCT.md section 3."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.core.clock import utc_now
from bot.core.i18n import Language, t
from bot.core.model import NewTopic, Presenter, Topic, TopicStatus
from bot.core.submission import Draft, Problem, parse_submission, validate
from bot.core.tags import TagSet
from bot.core.urls import normalize_url
from bot.core.weeks import Cycle, assign_meeting
from bot.services.ports import CardPoster, SearchFilter, SourceLookup, TopicServiceStore
from bot.services.topic_rules import (
    Checked,
    Member,
    Outcome,
    Sources,
    Target,
    duplicate_problem,
    refused_duplicate,
)
from bot.store.records import DuplicateSourceError, NotFoundError

log = logging.getLogger(__name__)

# Re-exported: the wiring and the Slack surfaces name these through this module.
__all__ = ["Answer", "Member", "Outcome", "SourceLookup", "Target", "Tell", "TopicService"]

# Told the form's problems before any slow work (the form's ack: inline errors or none).
Answer = Callable[[Sequence[Problem]], object]
# Told the outcome as soon as it is known: the member's receipt goes out before a late
# topic re-publishes the agenda.
Tell = Callable[[Outcome], object]


class TopicService:
    """Turns what a member typed into a stored topic, or says exactly what to fix."""

    def __init__(
        self,
        repo: TopicServiceStore,
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
        self.sources = Sources(lang, lookup, is_paper_url, strict_paper_links)
        self.clock = clock
        # Set by the wiring: the channel's cards; without them topics are only stored.
        self.cards: CardPoster | None = None
        # Set by the wiring: a late topic joins the agenda that is already out.
        self.on_late: Callable[[Topic], object] | None = None
        # Set by the wiring: an edit or withdrawal re-publishes an agenda already out.
        self.on_change: Callable[[Topic], object] | None = None
        # Set by the wiring (bot/metrics.py): every new submission's outcome.
        self.on_outcome: Callable[[Outcome], object] | None = None

    def problem_text(self, problem: Problem) -> str:
        return t(self.lang, problem.code, tags=" ".join(self.tags.names), **problem.params)

    # -- the use cases the Slack surfaces call -----------------------------------------

    def submit(
        self,
        presenter: Presenter | Member,
        draft: Draft,
        text: str,
        *,
        target: Target = "auto",
        meeting: dt.date | None = None,
        topic_id: int | None = None,
        answer: Answer | None = None,
        tell: Tell | None = None,
    ) -> Outcome:
        """A submission from start to end: every rule checked once, the topic stored,
        its card posted and recorded, the member told, a late topic added to the agenda
        already out. With ``topic_id`` it is an edit of that topic (see ``edit``).

        ``answer``, for the form, is told the rules' problems (and a source already on
        the meeting) before anything slow; then a refused form ends there."""
        if topic_id is not None:
            user_id = presenter.user_id
            return self.edit(topic_id, user_id, draft, text, answer=answer, tell=tell)
        problems = validate(draft)
        if answer is not None:
            problems = self._form_problems(draft, problems, self.target_meeting(target, meeting))
            answer(problems)
            if problems:
                return Outcome(None, tuple(problems), text=text)
        member = presenter if isinstance(presenter, Presenter) else presenter.presenter()
        outcome = self._store(member, draft, text, target, meeting, problems)
        if outcome.topic is not None:
            outcome = replace(outcome, topic=self._post_card(outcome.topic))
        if tell is not None:
            tell(outcome)
        if outcome.topic is not None and outcome.topic.late and self.on_late is not None:
            self.on_late(outcome.topic)
        return outcome

    def edit(
        self,
        topic_id: int,
        user_id: str,
        draft: Draft,
        text: str = "",
        *,
        answer: Answer | None = None,
        tell: Tell | None = None,
    ) -> Outcome:
        """Change a member's own topic under the same rules as a new one (a source already
        on its meeting's agenda included), or say why not; ``text`` comes back if refused.
        The card shows the change; an agenda already out is published again."""
        problems: list[Problem] | None = None
        if answer is not None:
            meeting = self.meeting_of(topic_id) or self.coming_meeting()
            problems = self._form_problems(draft, validate(draft), meeting, exclude=topic_id)
            answer(problems)
            if problems:
                return Outcome(None, tuple(problems), text=text)
        outcome = self._edit(topic_id, user_id, draft, text, problems)
        if outcome.topic is not None and self.cards is not None:
            self.cards.refresh(outcome.topic.id)
        if tell is not None:
            tell(outcome)
        return outcome

    def withdraw(self, topic_id: int | None, user_id: str, *, undo: bool = False) -> Topic | None:
        """Withdraw a member's own topic (its votes stop counting), or None when there is
        no such topic of theirs still active. Its card shows it, or goes with ``undo``."""
        topic = self.own_topic(topic_id, user_id)
        if topic is None or topic.status == TopicStatus.WITHDRAWN:
            return None
        self.repo.set_status(topic.id, TopicStatus.WITHDRAWN)
        withdrawn = self.repo.get_topic(topic.id)
        self._changed(withdrawn)
        if self.cards is not None:
            if undo:
                self.cards.delete(withdrawn)
            else:
                self.cards.refresh(withdrawn.id)
        return withdrawn

    # -- storing without the card (imports, the demo, benches and tests) ---------------

    def submit_text(self, presenter: Presenter, text: str, *, target: Target = "auto") -> Outcome:
        """A `/topic TEXT` submission, stored; no card is posted."""
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
        return self._store(presenter, draft, text, target, meeting, validate(draft))

    def _store(
        self,
        presenter: Presenter,
        draft: Draft,
        text: str,
        target: Target,
        meeting: dt.date | None,
        problems: Sequence[Problem],
    ) -> Outcome:
        """Complete the draft whose ``problems`` are known and store it (no card)."""
        checked = self.sources.complete(draft, text, problems)
        if isinstance(checked, Checked):
            outcome = self._add(presenter, checked, text, target, meeting)
        else:
            outcome = checked
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome

    def _add(
        self,
        presenter: Presenter,
        checked: Checked,
        text: str,
        target: Target,
        chosen: dt.date | None,
    ) -> Outcome:
        now = self.clock()
        meeting, late = self._place(now, target, chosen)
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
            return refused_duplicate(error.existing, text)
        hints = checked.hints + self._earlier_hints(new.normalized_url, meeting)
        log.info("topic_submitted", extra={"topic_id": topic.id, "meeting": str(meeting)})
        return Outcome(topic, (), hints, text=text, paper=checked.paper)

    def _edit(
        self,
        topic_id: int,
        user_id: str,
        draft: Draft,
        text: str,
        problems: Sequence[Problem] | None,
    ) -> Outcome:
        """The owner rule, then the rules (unless the form already ran them), then store."""
        topic = self.own_topic(topic_id, user_id)
        if topic is None:
            return Outcome(None, (Problem("not_yours"),), text=text)
        same_source = draft.url is not None and normalize_url(draft.url) == normalize_url(topic.url)
        # An emptied title keeps the old one while the source is the same.
        checked = self.sources.complete(
            draft,
            text,
            validate(draft) if problems is None else problems,
            keep_title=topic.title if same_source else None,
        )
        if isinstance(checked, Outcome):
            return checked
        try:
            changed = self._update(topic_id, checked)
        except DuplicateSourceError as error:
            return refused_duplicate(error.existing, text)
        self._changed(changed)
        hints = checked.hints + self._earlier_hints(checked.normalized_url, changed.meeting)
        return Outcome(changed, (), hints, text=text, paper=checked.paper, edited=True)

    def _update(self, topic_id: int, checked: Checked) -> Topic:
        return self.repo.update_topic(
            topic_id,
            tag=checked.tag,
            title=checked.title,
            url=checked.url,
            normalized_url=checked.normalized_url,
            notes=checked.notes,
            minutes=checked.minutes,
        )

    def _post_card(self, topic: Topic) -> Topic:
        """The new topic's card, its place recorded; without it the topic stays stored
        and the member's receipt says so (the publish posts it again)."""
        where = self.cards.send(topic) if self.cards is not None else None
        return topic if where is None else self.repo.set_card(topic.id, *where)

    def _form_problems(
        self,
        draft: Draft,
        problems: list[Problem],
        meeting: dt.date,
        *,
        exclude: int | None = None,
    ) -> list[Problem]:
        """The rules' ``problems``, else a source already on ``meeting``: what the form
        shows under its fields, found without any network call."""
        if problems or draft.url is None:
            return problems
        key = normalize_url(draft.url)
        for topic in self.repo.topics_for_meeting(meeting):
            if topic.id != exclude and normalize_url(topic.url) == key:
                return [duplicate_problem(topic)]
        return []

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

    def _changed(self, topic: Topic) -> None:
        if self.on_change is None:
            return
        try:
            self.on_change(topic)
        except Exception:  # the change is stored; the retry job publishes it later
            log.warning("republish_after_change_failed", exc_info=True)

    # -- what the surfaces show -------------------------------------------------------

    def own_topic(self, topic_id: int | None, user_id: str) -> Topic | None:
        """The member's own topic ``topic_id``; None when there is none or it is another's."""
        try:
            topic = self.repo.get_topic(topic_id) if topic_id else None
        except NotFoundError:
            return None
        return topic if topic is not None and topic.presenter.user_id == user_id else None

    def meeting_of(self, topic_id: int) -> dt.date | None:
        """The meeting a topic belongs to, or None if there is no such topic."""
        try:
            return self.repo.get_topic(topic_id).meeting
        except NotFoundError:
            return None

    def form_weeks(self) -> tuple[dt.date, dt.date]:
        """The meetings the form offers: the coming one and the one after it."""
        coming = self.coming_meeting()
        return coming, self.cycle.following(coming)

    def meeting_start(self, meeting: dt.date) -> dt.datetime:
        return self.cycle.meeting_start(meeting)

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
