"""`studybot status` and the organisers' App Home summary (#18)."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
    "status_meeting": {"ja": "次の勉強会: {date} {time}", "en": "Coming meeting: {date} {time}"},
    "status_skipped": {"ja": "お休み: {date}（{reason}）", "en": "Skipped: {date} ({reason})"},
    "status_topics": {"ja": "トピック {count} 件（投票順）:", "en": "{count} topics (by votes):"},
    "status_topic": {
        "ja": "  [{tag}] {title} — {presenter} · 👍 {votes}",
        "en": "  [{tag}] {title} — {presenter} · 👍 {votes}",
    },
    "status_missing": {
        "ja": "未提出 {count} 人: {members}",
        "en": "Not submitted yet ({count}): {members}",
    },
    "status_missing_unknown": {
        "ja": "未提出: ROSTER 未設定のため不明（リマインドはチャンネルのメンバーで数えます）",
        "en": "Not submitted: unknown without ROSTER (the reminder counts the channel's members)",
    },
    "status_next_reminder": {"ja": "次のリマインド: {when}", "en": "Next reminder: {when}"},
    "status_next_publish": {"ja": "次の公開: {when}", "en": "Next publish: {when}"},
    "status_last_publish": {
        "ja": "前回の公開（{target}）: {date} {state}",
        "en": "Last publish ({target}): {date} {state}",
    },
    "status_last_publish_none": {
        "ja": "前回の公開（{target}）: まだありません",
        "en": "Last publish ({target}): none yet",
    },
    "status_error": {"ja": "    エラー: {error}", "en": "    error: {error}"},
    "status_retries": {"ja": "Notion 再試行待ち: {dates}", "en": "Pending Notion retries: {dates}"},
    "status_leases": {
        "ja": "処理中のロック: {name}（{holder}, {since} から）",
        "en": "Lease held: {name} by {holder} since {since}",
    },
    "status_none": {"ja": "なし", "en": "none"},
    "status_home_heading": {"ja": "今週の状況（運営向け）", "en": "This week (organisers)"},
    "cli_h_status": {
        "ja": "今週の状況（次の勉強会・お休み・トピックと投票・未提出・次のリマインドと公開・"
        "前回の公開結果・Notion 再試行・ロック）をデータベースから表示",
        "en": "where the week stands (coming meeting, skips, topics and votes, who has not "
        "submitted, next reminder and publish, last publish per target, Notion retries, "
        "leases), read from the database",
    },
    "cli_h_status_format": {"ja": "出力形式（text または json）", "en": "output format"},
}
