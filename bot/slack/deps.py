"""What the Slack listeners need, handed to each surface's register() in one value."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field

from bot.core.i18n import Language
from bot.services.cycle import CycleService
from bot.services.topics import TopicService
from bot.slack.cards import Cards
from bot.slack.client import Directory
from bot.status import Status


@dataclass
class SlackDeps:
    """The services and adapters the Slack surfaces close over."""

    topics: TopicService
    cards: Cards
    directory: Directory
    lang: Language
    channel: str
    group_name: str
    cycle: CycleService
    # The organisers' week summary in App Home (bot/status.py); None: not shown.
    status: Callable[[], Status] | None = None
    # Submissions are worked on here after the ack, so a burst of them cannot hold up
    # the acks of the requests behind them (Slack gives up after 3 s).
    background: Executor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=4, thread_name_prefix="work")
    )
