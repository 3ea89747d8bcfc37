"""The agenda (Slack and Notion), its timer, late topics and publish failures."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
    "agenda_title": {"ja": "今週のTOPIC", "en": "Topics of the week"},
    "rules": {
        "ja": "※ [論文] [blog] など何に関するTOPICなのかパッと見で分かるようにしましょう。\n"
        "出典を埋め込みURLにしましょう。",
        "en": "※ Tag every topic ([論文], [blog], …) so its kind is visible at a glance.\n"
        "Make the source an embedded link.",
    },
    "votes_suffix": {"ja": "👍 {votes}", "en": "👍 {votes}"},
    "paper_code": {"ja": "コード", "en": "code"},
    "more_in_notion": {"ja": "…ほか {count} 件は Notion で", "en": "…and {count} more in Notion"},
    "more_topics": {"ja": "…ほか {count} 件", "en": "…and {count} more"},
    "open_in_notion": {"ja": "Notion で開く", "en": "Open in Notion"},
    "no_topics": {
        "ja": "まだトピックがありません。/topic で提出しましょう。",
        "en": "No topics yet. Submit one with /topic.",
    },
    "agenda_header": {"ja": "{date} {group} のアジェンダ", "en": "Agenda for {date} {group}"},
    "notion_failed_note": {
        "ja": "⚠️ Notion への書き込みに失敗しました。自動で再試行します。",
        "en": "⚠️ Writing to Notion failed; it is retried automatically.",
    },
    "notion_failed_organizers": {
        "ja": "{date} のアジェンダを Notion に書き込めませんでした: {error}\n"
        "Slack のアジェンダは投稿済みです。Notion は自動で再試行します。",
        "en": "The {date} agenda could not be written to Notion: {error}\n"
        "The Slack agenda is out; Notion is retried automatically.",
    },
    "slack_failed_organizers": {
        "ja": "{date} のアジェンダを Slack に投稿できませんでした: {error}\n"
        "bot がチャンネルに参加しているか、チャンネルが存在しアーカイブされていないか"
        "確認してください（/invite @bot）。自動で再試行します。",
        "en": "The {date} agenda could not be posted to Slack: {error}\n"
        "Check that the bot is in the channel and that the channel exists and is not "
        "archived (/invite @bot). It is retried automatically.",
    },
    "slack_recovered": {
        "ja": "{date} のアジェンダを Slack に投稿できました（復旧）。",
        "en": "The {date} agenda is now posted in Slack (recovered).",
    },
    "notion_recovered": {
        "ja": "{date} のアジェンダを Notion に書き込めました（復旧）。",
        "en": "The {date} agenda is now in Notion (recovered).",
    },
    "late_announce": {
        "ja": "追加トピック: [{tag}] {title} — {name}",
        "en": "Late topic: [{tag}] {title} — {name}",
    },
    "late_addition": {"ja": "（追加）", "en": " (late)"},
    "slot_minutes": {"ja": "({minutes}分)", "en": "({minutes} min)"},
    "if_time_allows": {"ja": "時間があれば", "en": "If time allows"},
    "timer_next": {
        "ja": "⏱ {start} 次は {mentions} さん（{minutes}分）: {titles}",
        "en": "⏱ {start} Next: {mentions} ({minutes} min): {titles}",
    },
}
