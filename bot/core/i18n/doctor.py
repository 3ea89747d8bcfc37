"""`studybot doctor`: check names, details and fixes (bot/failures.py reuses the fixes)."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
    # Check names.
    "config": {"ja": "設定", "en": "configuration"},
    "slack_auth": {"ja": "Slack トークン (auth.test)", "en": "Slack token (auth.test)"},
    "slack_scopes": {"ja": "Slack の権限 (scopes)", "en": "Slack scopes"},
    "slack_channel": {"ja": "STUDY_CHANNEL への参加", "en": "bot in STUDY_CHANNEL"},
    "notion_db": {"ja": "Notion データベース", "en": "Notion database"},
    "notion_title": {"ja": "Notion タイトルプロパティ", "en": "Notion title property"},
    "notion_date": {"ja": "Notion 日付プロパティ", "en": "Notion date property"},
    "notion_page": {"ja": "Notion 親ページ", "en": "Notion parent page"},
    "notion": {"ja": "Notion", "en": "Notion"},
    "database": {"ja": "データベース (マイグレーション)", "en": "database (migrations)"},
    "clock": {"ja": "時計とタイムゾーン", "en": "clock and time zone"},
    # Details and fixes.
    "config_ok": {"ja": "studybot run に必要な値はそろっています", "en": "ready for studybot run"},
    "config_fix": {
        "ja": ".env に設定してください（.env.example と docs/setup.md を参照）",
        "en": "set it in .env (see .env.example and docs/setup.md)",
    },
    "skip_no_token": {
        "ja": "SLACK_BOT_TOKEN が未設定のため確認しません",
        "en": "not checked: SLACK_BOT_TOKEN is not set",
    },
    "skip_no_auth": {
        "ja": "トークンが使えないため確認しません",
        "en": "not checked: the token does not work",
    },
    "skip_bad_token": {
        "ja": "SLACK_BOT_TOKEN の形式が違うため確認しません（上の設定の行を直してください）",
        "en": "not checked: SLACK_BOT_TOKEN is not a bot token (see the configuration line above)",
    },
    "skip_unreachable": {
        "ja": "Slack に接続できないため確認しません",
        "en": "not checked: Slack cannot be reached",
    },
    "fix_label": {"ja": "対処", "en": "fix"},
    "skip_no_channel": {
        "ja": "STUDY_CHANNEL が未設定のため確認しません",
        "en": "not checked: STUDY_CHANNEL is not set",
    },
    "skip_no_notion": {
        "ja": "NOTION_TOKEN が未設定: アジェンダは Slack にだけ投稿されます",
        "en": "NOTION_TOKEN is not set: the agenda goes to Slack only",
    },
    "skip_no_notion_target": {
        "ja": "NOTION_DATABASE_ID も NOTION_PARENT_PAGE_ID も未設定のため確認しません",
        "en": "not checked: neither NOTION_DATABASE_ID nor NOTION_PARENT_PAGE_ID is set",
    },
    "auth_ok": {"ja": "ワークスペース {team} の @{user}", "en": "@{user} in workspace {team}"},
    "auth_fix": {
        "ja": "Slack アプリの OAuth & Permissions にある Bot User OAuth Token (xoxb-…) を"
        " SLACK_BOT_TOKEN にコピーしてください",
        "en": "copy the Bot User OAuth Token (xoxb-…) from the Slack app's OAuth & Permissions"
        " page into SLACK_BOT_TOKEN",
    },
    "unreachable": {"ja": "{url} に接続できません", "en": "cannot reach {url}"},
    "slack_unreachable_fix": {
        "ja": "ネットワークと SLACK_API_URL を確認してください",
        "en": "check the network and SLACK_API_URL",
    },
    "scopes_ok": {"ja": "必要な {count} 個すべてあり", "en": "all {count} required scopes"},
    "scopes_unknown": {
        "ja": "Slack が x-oauth-scopes を返さなかったため確認できません",
        "en": "not checked: Slack did not send x-oauth-scopes",
    },
    "scopes_missing": {"ja": "不足: {scopes}", "en": "missing: {scopes}"},
    "scopes_fix": {
        "ja": "OAuth & Permissions > Bot Token Scopes に追加し（または deploy/slack-manifest.yaml"
        " でアプリを更新し）、Reinstall to Workspace で再インストールしてください",
        "en": "add them under OAuth & Permissions > Bot Token Scopes (or update the app from"
        " deploy/slack-manifest.yaml), then reinstall the app to the workspace",
    },
    "channel_ok": {"ja": "#{name} に参加済み", "en": "member of #{name}"},
    "channel_not_member": {
        "ja": "bot が #{name} に参加していません",
        "en": "the bot is not a member of #{name}",
    },
    "channel_invite_fix": {
        "ja": "チャンネル #{name} で /invite @{bot} を実行してください",
        "en": "run /invite @{bot} in #{name}",
    },
    "channel_archived": {"ja": "#{name} はアーカイブ済みです", "en": "#{name} is archived"},
    "channel_archived_fix": {
        "ja": "アーカイブを解除するか、別のチャンネルの ID を STUDY_CHANNEL に設定してください",
        "en": "unarchive it, or set STUDY_CHANNEL to another channel's id",
    },
    "channel_not_found_fix": {
        "ja": "STUDY_CHANNEL がチャンネル ID（チャンネル名 > チャンネル詳細の一番下、C0123…）か"
        "確認し、プライベートチャンネルなら先に /invite @{bot} を実行してください",
        "en": "check that STUDY_CHANNEL is the channel id (channel name > channel details,"
        " at the bottom: C0123…); for a private channel run /invite @{bot} first",
    },
    "channel_scope_fix": {
        "ja": "channels:read と groups:read を Bot Token Scopes に追加して"
        "再インストールしてください",
        "en": "add channels:read and groups:read to the Bot Token Scopes and reinstall the app",
    },
    "slack_error_fix": {
        "ja": "https://api.slack.com/methods/{method} のエラー一覧を参照してください",
        "en": "see the errors listed at https://api.slack.com/methods/{method}",
    },
    "notion_unreachable_fix": {
        "ja": "ネットワークと NOTION_API_URL を確認してください",
        "en": "check the network and NOTION_API_URL",
    },
    "notion_auth_fix": {
        "ja": "インテグレーションの Internal Integration Secret（https://www.notion.so/profile/"
        "integrations）を NOTION_TOKEN にコピーしてください",
        "en": "copy the integration's Internal Integration Secret"
        " (https://www.notion.so/profile/integrations) into NOTION_TOKEN",
    },
    "notion_share_db_fix": {
        "ja": "Notion でデータベースを開き、右上の ••• > コネクト（Connections）で"
        "インテグレーションを追加してください",
        "en": "open the database in Notion, then ••• (top right) > Connections and add"
        " the integration",
    },
    "notion_share_page_fix": {
        "ja": "Notion で親ページを開き、右上の ••• > コネクト（Connections）で"
        "インテグレーションを追加してください",
        "en": "open the parent page in Notion, then ••• (top right) > Connections and add"
        " the integration",
    },
    "notion_db_id_fix": {
        "ja": "データベースの URL の ?v= より前の 32 文字を NOTION_DATABASE_ID にしてください",
        "en": "set NOTION_DATABASE_ID to the 32 characters before ?v= in the database's URL",
    },
    "notion_page_id_fix": {
        "ja": "ページ URL の末尾 32 文字を NOTION_PARENT_PAGE_ID にしてください",
        "en": "set NOTION_PARENT_PAGE_ID to the last 32 characters of the page's URL",
    },
    "notion_capability_fix": {
        "ja": "インテグレーションの機能（Capabilities）で"
        "コンテンツの読み取り・更新・挿入を有効にしてください",
        "en": "enable Read, Update and Insert content in the integration's Capabilities",
    },
    "notion_other_fix": {
        "ja": "しばらくして再実行し、https://status.notion.so を確認してください",
        "en": "try again later and check https://status.notion.so",
    },
    "notion_db_ok": {"ja": "「{title}」に接続できます", "en": "“{title}” is reachable"},
    "notion_no_source": {
        "ja": "データソースがありません（リンクドビューではありませんか）",
        "en": "it has no data source (is it a linked view?)",
    },
    "notion_no_source_fix": {
        "ja": "リンクドデータベースではなく元のデータベースの ID を使ってください",
        "en": "use the id of the original database, not of a linked view",
    },
    "notion_title_ok": {"ja": "「{name}」(title)", "en": "“{name}” (title)"},
    "notion_title_count": {
        "ja": "title プロパティが {count} 個あります（1 個のはずです）",
        "en": "{count} title properties (expected exactly one)",
    },
    "notion_title_fix": {
        "ja": "データベースに名前（title）列が 1 つだけあることを確認してください",
        "en": "make sure the database has exactly one Name (title) column",
    },
    "notion_date_ok": {"ja": "「{name}」(date)", "en": "“{name}” (date)"},
    "notion_date_first": {
        "ja": "「{name}」(date) を使用。別の日付を使うなら NOTION_DATE_PROPERTY を設定",
        "en": "using “{name}” (date); set NOTION_DATE_PROPERTY to choose another",
    },
    # doctor_ before these two (and their fixes): the Notion publisher's messages, joining the
    # catalogue as notion_*, name the same two problems as notion_date_missing/_type.
    "doctor_notion_date_missing": {
        "ja": "日付 (date) プロパティがありません",
        "en": "no property of type date",
    },
    "doctor_notion_date_missing_fix": {
        "ja": "データベースに種類「日付」のプロパティ（例: 日付）を追加してください",
        "en": "add a property of type Date (e.g. 日付 or Date) to the database",
    },
    "notion_date_absent": {
        "ja": "NOTION_DATE_PROPERTY の「{name}」がありません（日付プロパティ: {dates}）",
        "en": "NOTION_DATE_PROPERTY “{name}” does not exist (date properties: {dates})",
    },
    "notion_date_absent_fix": {
        "ja": "「{name}」という日付プロパティを作るか、NOTION_DATE_PROPERTY を既存の"
        "日付プロパティ名にしてください",
        "en": "add a date property named “{name}”, or set NOTION_DATE_PROPERTY to the name"
        " of an existing date property",
    },
    "doctor_notion_date_type": {
        "ja": "「{name}」の種類が {kind} です（date ではありません）",
        "en": "“{name}” is of type {kind}, not date",
    },
    "doctor_notion_date_type_fix": {
        "ja": "Notion で「{name}」の種類を「日付」に変えるか、NOTION_DATE_PROPERTY を"
        "日付プロパティの名前にしてください",
        "en": "change the type of “{name}” to Date in Notion, or set NOTION_DATE_PROPERTY"
        " to a date property",
    },
    "none": {"ja": "なし", "en": "none"},
    "notion_page_ok": {"ja": "「{title}」に接続できます", "en": "“{title}” is reachable"},
    "db_current": {"ja": "{url} は最新 ({rev})", "en": "{url} is up to date ({rev})"},
    "db_new": {
        "ja": "{url} はまだ空です。起動時に作成・マイグレーションされます ({rev})",
        "en": "{url} is empty; it is created and migrated on start ({rev})",
    },
    "db_behind": {
        "ja": "{url} は {current}。起動時に {rev} へマイグレーションされます（データは保持）",
        "en": "{url} is at {current}; it is migrated to {rev} on start (data is kept)",
    },
    "db_ahead": {
        "ja": "{url} のリビジョン {current} はこの studybot より新しいものです",
        "en": "{url} is at revision {current}, newer than this studybot knows",
    },
    "db_ahead_fix": {
        "ja": "studybot を新しい版に更新してください（古い版で使い続けないこと）",
        "en": "upgrade studybot to the newer version (do not run an older one against it)",
    },
    "db_error": {"ja": "{url} を開けません: {error}", "en": "cannot open {url}: {error}"},
    "db_error_fix": {
        "ja": "DATABASE_URL とデータベースサーバーが起動しているかを確認してください",
        "en": "check DATABASE_URL and that the database server is running",
    },
    "clock_ok": {
        "ja": "現在 {now}。次の会 {meeting}、アジェンダ公開 {publish}{late}",
        "en": "now {now}; next meeting {meeting}, agenda published {publish}{late}",
    },
    "clock_late": {"ja": "（公開済み）", "en": " (already published)"},
    "clock_skew": {
        "ja": "このマシンの時計が Slack と {seconds} 秒ずれています",
        "en": "this machine's clock is {seconds} s off Slack's",
    },
    "clock_skew_fix": {
        "ja": "NTP などで時刻同期を有効にしてください（署名検証と予定がずれます）",
        "en": "enable time synchronisation (NTP): request signatures and schedules depend on it",
    },
    "clock_error_fix": {
        "ja": "MEETING_WEEKDAY と SKIP_DATES を確認してください",
        "en": "check MEETING_WEEKDAY and SKIP_DATES",
    },
    "all_ok": {"ja": "すべて OK です。", "en": "All checks passed."},
    "failed": {
        "ja": "{count} 件の問題があります。対処: の手順で直してから再実行してください。",
        "en": "{count} problem(s) found. Apply each fix: and run studybot doctor again.",
    },
}
