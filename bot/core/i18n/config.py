"""Configuration (bot/settings.py): each line is "VARIABLE: message"."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
    "cfg_header": {
        "ja": "studybot: 設定に問題があります（.env か環境変数を直してください）:",
        "en": "studybot: configuration problems (fix them in .env or the environment):",
    },
    "cfg_time": {
        "ja": "00:00〜23:59 の HH:MM で指定してください（「{value}」は使えません）",
        "en": "expected HH:MM between 00:00 and 23:59, got “{value}”",
    },
    "cfg_duration": {
        "ja": "2h、30m、1h30m のような長さで指定してください（「{value}」は使えません）",
        "en": "expected a duration such as 2h, 30m or 1h30m, got “{value}”",
    },
    "cfg_emojis": {
        "ja": "リアクション名を 1 つ以上指定してください（例: +1）",
        "en": "list at least one reaction name, e.g. +1",
    },
    "cfg_emoji_name": {
        "ja": "「{value}」はリアクション名ではありません。+1 や thumbsup のような Slack の名前"
        "（コロンなし）を指定してください",
        "en": "“{value}” is not a reaction name: use Slack's name such as +1 or thumbsup",
    },
    "cfg_dates": {
        "ja": "YYYY-MM-DD の日付をカンマ区切りで指定してください（「{value}」は使えません）",
        "en": "expected YYYY-MM-DD dates, comma-separated, got “{value}”",
    },
    "cfg_zone": {
        "ja": "タイムゾーン「{value}」は不明です。Asia/Tokyo のような IANA 名を指定してください",
        "en": "unknown time zone “{value}”: use an IANA name such as Asia/Tokyo",
    },
    "cfg_weekday": {
        "ja": "曜日「{value}」は不明です。使える値: {valid}（または 月 火 水 木 金 土 日）",
        "en": "unknown weekday “{value}”; use one of {valid} (or 月 火 水 木 金 土 日)",
    },
    "cfg_reminder": {
        "ja": "「wed 12:00」の形か、「0 12 * * wed」のような 5 項目の crontab で指定してください"
        "（「{value}」は使えません）",
        "en": "expected “wed 12:00” or a 5-field crontab such as “0 12 * * wed”, got “{value}”",
    },
    "cfg_db_url": {
        "ja": "データベース URL ではありません（例: sqlite:///data/studybot.db）",
        "en": "not a database URL (e.g. sqlite:///data/studybot.db)",
    },
    "cfg_db_driver": {
        "ja": "データベース「{driver}」には対応していません。sqlite:///PATH か "
        "postgresql+psycopg://USER@HOST/DB を指定してください",
        "en": "unsupported database “{driver}”: use sqlite:///PATH or "
        "postgresql+psycopg://USER@HOST/DB",
    },
    "cfg_url": {
        "ja": "https:// で始まる URL を指定してください（「{value}」は使えません）",
        "en": "expected an https:// URL, got “{value}”",
    },
    "cfg_url_https": {
        "ja": "http:// ではトークンが暗号化されずに送られます。https:// にしてください"
        "（http:// は 127.0.0.1 と localhost だけ可）",
        "en": "http:// sends the token unencrypted: use https:// (http:// is allowed only for "
        "127.0.0.1 and localhost)",
    },
    "cfg_publish_order": {
        "ja": "{publish} は MEETING_TIME（{meeting}）より前にしてください（アジェンダは会の前に"
        "公開します）",
        "en": "{publish} must be before MEETING_TIME ({meeting}): the agenda goes out before "
        "the meeting",
    },
    "cfg_notion_url": {
        "ja": "この URL に Notion の ID（32 文字）が見つかりません。ページかデータベースを開いた"
        "ときの URL をそのまま貼るか、32 文字の ID だけを指定してください",
        "en": "no Notion id (32 characters) in this URL: paste the URL of the page or database "
        "as it opens, or just its 32-character id",
    },
    "cfg_int": {"ja": "整数で指定してください", "en": "expected a whole number"},
    "cfg_bool": {"ja": "true か false で指定してください", "en": "expected true or false"},
    "cfg_choice": {"ja": "{valid} のどれかを指定してください", "en": "use one of {valid}"},
    "cfg_meeting_minutes": {
        "ja": "会議の長さ（分）は 5〜600 で指定してください（「{value}」は使えません）",
        "en": "the meeting's length in minutes must be from 5 to 600 (not “{value}”)",
    },
    "cfg_range": {
        "ja": "{low}〜{high} の範囲で指定してください",
        "en": "expected a value from {low} to {high}",
    },
    "cfg_invalid": {"ja": "値が正しくありません", "en": "invalid value"},
    "cfg_bot_token_missing": {
        "ja": "bot の実行に必要です（xoxb- で始まる Bot User OAuth Token）",
        "en": "required to run the bot (the Bot User OAuth Token, xoxb-…)",
    },
    "cfg_bot_token_format": {
        "ja": "xoxb- で始まる bot トークンにしてください（OAuth & Permissions の "
        "Bot User OAuth Token）",
        "en": "must be a bot token starting with xoxb- "
        "(OAuth & Permissions > Bot User OAuth Token)",
    },
    "cfg_channel_missing": {
        "ja": "bot の実行に必要です（C0123… のようなチャンネル ID）",
        "en": "required to run the bot (a channel id such as C0123…)",
    },
    "cfg_channel_shape": {
        "ja": "「{value}」はチャンネル ID ではありません。チャンネル名 > チャンネル詳細の"
        "一番下にある C0123… の ID を指定してください",
        "en": "“{value}” is not a channel id: use the C0123… id shown at the bottom of the "
        "channel's details (click the channel name)",
    },
    "cfg_app_token_format": {
        "ja": "xapp- で始まるアプリレベルトークンにしてください",
        "en": "must be an app-level token starting with xapp-",
    },
    "cfg_signing_missing": {
        "ja": "HTTP モードで必要です（設定するか、Socket Mode なら SLACK_APP_TOKEN を設定）",
        "en": "required in HTTP mode (set it, or set SLACK_APP_TOKEN for Socket Mode)",
    },
    "cfg_notion_target": {
        "ja": "アジェンダページの置き場所として設定してください（または NOTION_PARENT_PAGE_ID）",
        "en": "set it (or NOTION_PARENT_PAGE_ID) so the agenda page has a home",
    },
}
