"""A submission's outcome rendered for the member, and sent where they can see it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.i18n import t
from bot.core.submission import Problem
from bot.services.topics import Outcome
from bot.slack import ids
from bot.slack.deps import SlackDeps
from bot.slack.views import confirmation, rejection

# A problem code's first three letters -> the form field it is shown under.
_FIELD_OF = {
    "tag": ids.BLOCK_TAG,
    "url": ids.BLOCK_URL,
    "dup": ids.BLOCK_URL,
    "tit": ids.BLOCK_TITLE,
    "not": ids.BLOCK_NOTES,
    "min": ids.BLOCK_MINUTES,
}


def outcome_reply(deps: SlackDeps, outcome: Outcome, echo: str) -> tuple[str, list[Any]]:
    """The receipt of a new topic, "changed" for an edit, or every failed rule with the
    member's ``echo`` to copy back (and the existing card of a duplicate)."""
    if outcome.topic is None:
        problems = [deps.topics.problem_text(p) for p in outcome.problems]
        if outcome.duplicate_of is not None:
            problems.append(deps.cards.permalink_note(outcome.duplicate_of))
        return rejection([p for p in problems if p], echo, deps.lang)
    if outcome.edited:
        return t(deps.lang, "edited_done", title=outcome.topic.title), []
    return confirmation(outcome.topic, deps.lang, outcome.hints, outcome.paper)


def field_errors(deps: SlackDeps, problems: Sequence[Problem]) -> dict[str, str]:
    """Each failed rule shown under the field it is about (Slack's inline errors)."""
    errors: dict[str, str] = {}
    for problem in problems:
        block = _FIELD_OF.get(problem.code[:3], ids.BLOCK_URL)
        errors.setdefault(block, deps.topics.problem_text(problem)[:150])
    return errors


def tell(client: WebClient, channel: str, user_id: str, text: str, blocks: list[Any]) -> None:
    """An ephemeral message in the study channel, or a DM if that is impossible."""
    try:
        client.chat_postEphemeral(channel=channel, user=user_id, text=text, blocks=blocks or None)
    except SlackApiError:
        client.chat_postMessage(channel=user_id, text=text, blocks=blocks or None)
