"""One wiring place: settings -> store -> services -> Slack adapters -> Bolt app."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient

from bot.core.clock import utc_now
from bot.core.tags import TagSet
from bot.jobs import reminder_trigger
from bot.links.fetcher import SafeFetcher
from bot.links.metadata import CACHED_FAILURE, LinkMetadata, LinkResolver, still_cached
from bot.metrics import Metrics
from bot.notion.ledger import RepoLedger
from bot.services.cycle import CycleService, NotionTarget, SkipRegistry
from bot.services.ports import NotionJournal
from bot.services.publications import NotionRecord
from bot.services.topics import SourceLookup, TopicService
from bot.services.votes import VoteService
from bot.settings import Settings
from bot.slack import reactions
from bot.slack.agenda import SlackAgenda
from bot.slack.app import create_app, listener_pool
from bot.slack.cards import Cards
from bot.slack.client import Directory, make_client
from bot.slack.deps import SlackDeps
from bot.slack.followups import AckGate, FollowUps
from bot.slack.reactions import CoalescingRefresher, SlackReactions
from bot.status import Status, collect_status
from bot.store import Database, LinkMeta, Repository, open_database


@dataclass
class Runtime:
    """Everything `studybot run` holds while it runs."""

    settings: Settings
    database: Database
    repo: Repository
    client: WebClient
    topics: TopicService
    deps: SlackDeps
    app: App
    votes: VoteService
    refresher: CoalescingRefresher
    cycle: CycleService
    listeners: Executor
    metrics: Metrics = dataclasses.field(default_factory=lambda: Metrics(enabled=False))

    def healthy(self) -> bool:
        try:
            self.repo.meeting_dates()
        except Exception:
            return False
        return True

    def recover_cards(self) -> int:
        """On start: cards posted but never recorded (a crash) are adopted, missing ones
        posted, and their members get the receipt they never had."""
        recovered = self.deps.cards.recover(self.topics.topics_without_card())
        for topic in recovered:
            if topic.card_ts is not None:
                self.deps.cards.receipt(topic)
        return len(recovered)

    def close(self) -> None:
        """Finish what was acked (events, submissions, card refreshes), then let go of the
        database: an event Slack saw acknowledged is never dropped on shutdown."""
        self.listeners.shutdown(wait=True)
        self.deps.background.shutdown(wait=True)
        self.refresher.flush()
        self.database.dispose()


def _secret(value: object) -> str | None:
    get = getattr(value, "get_secret_value", None)
    return str(get()) if get else None


def build_runtime(
    settings: Settings,
    *,
    clock: Callable[[], dt.datetime] = utc_now,
    lookup: Callable[[Repository], SourceLookup] | None = None,
    notion: Callable[[NotionJournal], NotionTarget | None] | None = None,
    card_refresh_interval: float = 2.0,
    owner: str | None = None,
) -> Runtime:
    """Wire the bot from settings; tests call this with fake Slack/Notion URLs.

    ``notion`` builds the Notion target from the journal it is to report to.
    """
    database = open_database(settings.database_url)
    repo = Repository(database, clock=clock)
    token = _secret(settings.slack_bot_token) or ""
    client = make_client(token, settings.slack_api_url)
    metrics = Metrics(enabled=settings.metrics)
    metrics.watch_slack(client)
    base_cycle = settings.cycle()
    skips = SkipRegistry(repo, base_cycle.is_holiday)
    cycle = dataclasses.replace(base_cycle, is_holiday=skips)
    topics = TopicService(
        repo,
        cycle,
        tags=TagSet(),
        lang=settings.language,
        lookup=lookup(repo) if lookup else None,
        is_paper_url=_paper_check(),
        strict_paper_links=settings.strict_paper_links,
        clock=clock,
    )
    channel = settings.study_channel or ""
    cards = Cards(client, repo, channel, settings.language, settings.vote_emojis[0])
    directory = Directory(client)
    refresher = CoalescingRefresher(cards.refresh, interval=card_refresh_interval)
    votes = VoteService(repo, settings.vote_emojis, directory, on_change=refresher.request)
    # The Notion publisher reports to a journal the services own: it writes no record.
    notion_target = (notion or notion_publisher(settings, metrics))(NotionRecord(repo))
    cycle_service = CycleService(
        repo,
        cycle,
        SlackAgenda(client, channel, settings.language, directory),
        votes,
        skips=skips,
        reader=SlackReactions(client),
        notion=notion_target,
        lang=settings.language,
        group_name=settings.group_name,
        organizers=settings.organizers,
        roster=settings.roster,
        clock=clock,
        owner=owner,
        post_card=cards.ensure,
        meeting_minutes=settings.meeting_minutes,
        timer=settings.meeting_timer,
    )
    topics.on_change = cycle_service.topic_changed
    topics.cards = cards
    topics.on_late = cycle_service.add_late_topic
    # A submission's card and receipt wait while other requests wait for their ack.
    gate = AckGate()
    reminder = reminder_trigger(settings.reminder_cron, cycle)

    def status() -> Status:
        return collect_status(
            repo,
            cycle,
            now=clock(),
            next_reminder=lambda now: reminder.get_next_fire_time(None, now),
            skip_reason=lambda date: cycle_service.skipped_reason(date) or "",
            roster=settings.roster,
            members=cycle_service.missing_members,
            notion=notion_target is not None,
            group_name=settings.group_name,
        )

    topics.on_outcome = lambda o: metrics.submission(o.accepted, (p.code for p in o.problems))
    votes.on_applied = metrics.vote
    cards.on_post = metrics.card_post
    cycle_service.metrics = metrics
    deps = SlackDeps(
        topics=topics,
        cards=cards,
        directory=directory,
        lang=settings.language,
        channel=channel,
        group_name=settings.group_name,
        cycle=cycle_service,
        background=FollowUps(gate),
        status=status,
    )
    listeners = listener_pool()
    app = create_app(
        listener_executor=listeners,
        token=token,
        signing_secret=_secret(settings.slack_signing_secret),
        client=client,
        deps=deps,
        extra=[lambda app: reactions.register(app, votes=votes), gate.register],
    )
    return Runtime(
        settings,
        database,
        repo,
        client,
        topics,
        deps,
        app,
        votes,
        refresher,
        cycle_service,
        listeners,
        metrics,
    )


def notion_publisher(
    settings: Settings, metrics: Metrics | None = None
) -> Callable[[NotionJournal], NotionTarget | None]:
    """The Notion publisher when NOTION_TOKEN and a target are configured, else none."""

    def build(journal: NotionJournal) -> NotionTarget | None:
        if not settings.notion_enabled or settings.notion_token is None:
            return None
        from bot.notion.publisher import NotionPublisher, make_client

        client = make_client(settings.notion_token.get_secret_value(), settings.notion_api_url)
        if metrics is not None:
            metrics.watch_httpx(client.client, "notion")
        return NotionPublisher(
            client,
            journal,
            database_id=settings.notion_database_id,
            parent_page_id=settings.notion_parent_page_id,
            date_property=settings.notion_date_property,
            lang=settings.language,
            ledger=RepoLedger(journal),
        )

    return build


class StoreLinkCache:
    """Link metadata cached in the database: a success for good, a failure briefly."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def get(self, url: str) -> LinkMetadata | None:
        meta = self.repo.get_link_meta(url)
        if meta is None or not still_cached(meta.ok, meta.fetched_at, dt.datetime.now(dt.UTC)):
            return None
        return LinkMetadata(
            url=meta.url,
            title=meta.title,
            authors=meta.authors,
            year=meta.year,
            is_paper=meta.is_paper,
            ok=meta.ok,
            note=None if meta.ok else CACHED_FAILURE,
            venue=meta.venue,
            code_url=meta.code_url,
        )

    def put(self, meta: LinkMetadata) -> None:
        self.repo.put_link_meta(
            LinkMeta(
                url=meta.url,
                title=meta.title,
                authors=meta.authors,
                year=meta.year,
                is_paper=meta.is_paper,
                ok=meta.ok,
                fetched_at=dt.datetime.now(dt.UTC),
                venue=meta.venue,
                code_url=meta.code_url,
            )
        )


def safe_lookup(repo: Repository) -> SourceLookup:
    """The production link lookup: the safe fetcher, the arXiv API, the database cache."""
    return LinkResolver(SafeFetcher(), cache=StoreLinkCache(repo))


def _paper_check() -> Callable[[str], bool]:
    from bot.links.metadata import paper_kind

    return lambda url: paper_kind(url) is not None
