"""Plain-text helpers shared by every surface (Slack blocks, search results, the CLI)."""

from __future__ import annotations

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when it was cut.

    Plain text only: mrkdwn with links or entities goes through
    ``bot.slack.blocks.clip_mrkdwn``, which never cuts inside them."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
