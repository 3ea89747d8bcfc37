"""The command line: its help, errors, the demo and each command's lines."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
    "demo_loading": {
        "ja": "サンプルの提出を読み込み中: {path}",
        "en": "Loading sample submissions: {path}",
    },
    "demo_loaded": {
        "ja": "受付 {accepted} 件、却下 {rejected} 件（却下理由は下に表示）",
        "en": "{accepted} accepted, {rejected} refused (reasons below)",
    },
    "demo_rejected": {"ja": "却下された提出:", "en": "Refused submissions:"},
    "demo_written": {"ja": "出力ファイル:", "en": "Files written:"},
    "cli_publishing": {
        "ja": "票を集計し直してアジェンダを公開しています…",
        "en": "Reconciling votes and publishing the agenda…",
    },
    "cli_published": {
        "ja": "{date} のアジェンダを公開しました（トピック {topics} 件）。",
        "en": "Published the {date} agenda ({topics} topics).",
    },
    "cli_publish_skipped": {
        "ja": "{date} は公開しませんでした: {why}",
        "en": "Did not publish {date}: {why}",
    },
    "cli_meeting_skipped": {
        "ja": "{date} の勉強会はお休みです（{reason}）。何も作成・送信していません。",
        "en": "The {date} meeting is skipped ({reason}); nothing was created or sent.",
    },
    "cli_publish_busy": {
        "ja": "{date} のアジェンダは別のプロセスが公開中です（{holder}、{since} から）。"
        "終わると最新の内容で公開し直されます。",
        "en": "Another process is publishing the {date} agenda ({holder}, since {since}); "
        "it publishes the latest state when done.",
    },
    "cli_slack_failed": {
        "ja": "  Slack へのアジェンダ投稿に失敗しました（自動で再試行されます）: {error}",
        "en": "  Posting the agenda to Slack failed (it is retried automatically): {error}",
    },
    "cli_notion_failed": {
        "ja": "  Notion への書き込みに失敗しました（自動で再試行されます）: {error}",
        "en": "  Writing to Notion failed (it is retried automatically): {error}",
    },
    "cli_reminded": {"ja": "リマインドを送りました。", "en": "Reminder sent."},
    "cli_not_reminded": {
        "ja": "リマインドは送りませんでした（全員提出済み、送信済み、またはお休みの週）。",
        "en": "No reminder sent (everyone submitted, already sent, or a week off).",
    },
    "cli_reconciled": {
        "ja": "{date} の票を Slack のリアクションと照合しました: 修正 {count} 件",
        "en": "Reconciled the {date} votes with Slack's reactions: {count} corrected",
    },
    # The command line (bot/cli, bot/failures.py).
    "fail_fix": {"ja": "対処: {fix}", "en": "fix: {fix}"},
    "fail_unexpected": {
        "ja": "予期しないエラー（{kind}）: {detail}",
        "en": "unexpected error ({kind}): {detail}",
    },
    "fail_debug_fix": {
        "ja": "studybot --debug で同じコマンドを実行し、表示された内容を添えて報告してください",
        "en": "run the same command with studybot --debug and report what it prints",
    },
    "fail_database": {
        "ja": "データベースへの書き込み・読み込みに失敗しました: {detail}",
        "en": "the database failed: {detail}",
    },
    "db_cannot_create": {
        "ja": "データベースのファイルを作れません（{detail}）",
        "en": "cannot create the database file ({detail})",
    },
    "db_cannot_open": {
        "ja": "データベースを開けません（{detail}）",
        "en": "cannot open the database ({detail})",
    },
    "fail_file": {"ja": "ファイル {path}: {detail}", "en": "file {path}: {detail}"},
    "fail_file_fix": {
        "ja": "パスと、このユーザーの読み書きの権限を確認してください",
        "en": "check the path and that this user may read and write it",
    },
    "db_read_only": {
        "ja": "データベースに書き込めません（読み取り専用か壊れています）: {detail}",
        "en": "the database cannot be written (read-only or damaged): {detail}",
    },
    "db_read_only_fix": {
        "ja": "DATABASE_URL のファイルと、そのフォルダにこのユーザーが書き込めるか確認してください"
        "（壊れているならバックアップから戻してください）",
        "en": "check that this user can write the DATABASE_URL file and its folder "
        "(restore a backup if the file is damaged)",
    },
    "db_in_use": {
        "ja": "このデータベース（{database}）は別の studybot run（プロセス {pid}）が使用中です。"
        "SQLite のファイル 1 つにつき動かせる bot は 1 つだけです",
        "en": "another studybot run (process {pid}) is already serving this database "
        "({database}); one SQLite file serves one process",
    },
    "db_in_use_fix": {
        "ja": "先に動いている方を止めてください。複数台（レプリカ）で動かすなら DATABASE_URL を"
        " PostgreSQL にしてください",
        "en": "stop the running one first; to run several replicas, point DATABASE_URL at "
        "PostgreSQL",
    },
    "cli_description": {
        "ja": "機械学習勉強会（週 1 回）のための Slack bot。",
        "en": "Slack bot for a weekly ML study group (勉強会).",
    },
    "cli_usage": {"ja": "使い方: ", "en": "usage: "},
    "cli_positionals": {"ja": "引数", "en": "positional arguments"},
    "cli_options": {"ja": "オプション", "en": "options"},
    "cli_commands": {"ja": "コマンド", "en": "commands"},
    "cli_h_help": {"ja": "このヘルプを表示して終了", "en": "show this help and exit"},
    "cli_h_version": {"ja": "バージョンを表示して終了", "en": "show the version and exit"},
    "cli_h_debug": {
        "ja": "エラー時に Python のトレースバックも表示（報告用）",
        "en": "on an error, also print Python's traceback (for a bug report)",
    },
    "cli_h_demo": {
        "ja": "サンプルの 1 週間からアジェンダを作る（オフライン、アカウント不要）",
        "en": "compile a sample week's agenda offline (no accounts)",
    },
    "cli_h_out": {"ja": "出力ファイルを書くフォルダ", "en": "directory for the output files"},
    "cli_h_preview": {
        "ja": "次回のアジェンダを現時点の内容で表示（読み取りのみ）",
        "en": "show the coming agenda as it stands (read only)",
    },
    "cli_h_date": {"ja": "会の日付 YYYY-MM-DD", "en": "meeting date YYYY-MM-DD"},
    "cli_h_format": {
        "ja": "出力の形式（md、csv、bib は論文の BibTeX）",
        "en": "output format (md, csv, or bib: the papers as BibTeX)",
    },
    "cli_h_manifest": {
        "ja": "Slack アプリのマニフェスト（YAML）を表示",
        "en": "print the Slack app manifest (YAML)",
    },
    "cli_h_http": {
        "ja": "HTTP モード: bot の公開 https URL（例: https://bot.example.com）",
        "en": "HTTP mode: the bot's public https URL (e.g. https://bot.example.com)",
    },
    "cli_h_run": {
        "ja": "bot を起動（SLACK_APP_TOKEN があれば Socket Mode、なければ HTTP）",
        "en": "run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)",
    },
    "cli_h_publish": {
        "ja": "会のアジェンダを今すぐ公開（公開済みなら更新）",
        "en": "publish (or update) a meeting's agenda now",
    },
    "cli_h_remind": {
        "ja": "次回の会のリマインドを今すぐ送る",
        "en": "send the reminder for the coming meeting now",
    },
    "cli_h_votes": {"ja": "投票の保守", "en": "vote maintenance"},
    "cli_h_reconcile": {
        "ja": "Slack のリアクションから票数を数え直す",
        "en": "rebuild tallies from Slack reactions",
    },
    "cli_h_doctor": {
        "ja": "設定・Slack・Notion・データベース・時計を確認",
        "en": "check the configuration, Slack, Notion, database and clock",
    },
    "cli_h_import": {
        "ja": "過去のアジェンダ（Notion のテキスト書き出しか Markdown）を取り込む",
        "en": "import past agenda pages (Notion text export or Markdown)",
    },
    "cli_h_files": {"ja": "取り込むファイル", "en": "files to import"},
    "cli_h_export": {
        "ja": "アーカイブを Markdown か CSV で書き出す",
        "en": "export the archive as Markdown or CSV",
    },
    "cli_h_since": {"ja": "最初の会の日付 YYYY-MM-DD", "en": "first meeting YYYY-MM-DD"},
    "cli_h_export_out": {
        "ja": "標準出力ではなくこのファイルに書く",
        "en": "write here, not to standard output",
    },
    "cli_error": {"ja": "{prog}: エラー: {message}", "en": "{prog}: error: {message}"},
    "cli_err_required": {"ja": "次の引数が必要です: {a1}", "en": "missing arguments: {a1}"},
    "cli_err_choice": {
        "ja": "{a1}: {a2} は使えません（使える値: {a3}）",
        "en": "{a1}: {a2} is not allowed (use one of {a3})",
    },
    "cli_err_unrecognized": {"ja": "不明な引数です: {a1}", "en": "unknown arguments: {a1}"},
    "cli_err_expected_one": {
        "ja": "{a1} には値が 1 つ必要です",
        "en": "{a1} needs a value",
    },
    "cli_err_argument": {"ja": "{a1}: {a2}", "en": "{a1}: {a2}"},
    "cli_bad_date": {
        "ja": "日付は YYYY-MM-DD で指定してください（「{value}」は使えません）",
        "en": "expected a date YYYY-MM-DD, got “{value}”",
    },
    "cli_not_meeting_day": {
        "ja": "{date} は会の日（{weekday}）ではありません。次の会の日: {dates}",
        "en": "{date} is not a meeting day ({weekday}); the coming meeting days: {dates}",
    },
    "manifest_http_empty": {
        "ja": "--http に URL がありません。HTTP モードなら --http https://bot.example.com、"
        "Socket Mode なら --http を付けずに実行してください",
        "en": "--http needs a URL: --http https://bot.example.com for HTTP mode, or leave "
        "--http out for Socket Mode",
    },
    "manifest_http_bad": {
        "ja": "--http「{value}」は https:// で始まる URL ではありません。"
        "例: --http https://bot.example.com",
        "en": "--http “{value}” is not an https:// URL. Example: --http https://bot.example.com",
    },
    "manifest_http_events": {
        "ja": "--http には /slack/events を付けないでください（自動で付きます）: --http {base}",
        "en": "leave /slack/events out of --http (it is added for you): --http {base}",
    },
    "demo_throwaway": {
        "ja": "デモのデータベースは一時的なもので、終了時に削除されました"
        "（preview や export には残りません）。",
        "en": "The demo's database was temporary and is gone now "
        "(preview and export will not show it).",
    },
    "import_nothing": {
        "ja": "アジェンダが 1 件も見つかりませんでした。日付入りの見出し"
        "（例: 2024-05-16 機械学習勉強会）と @名前 の行があるファイルを指定してください",
        "en": "no agenda found. Give files with a dated title (e.g. 2024-05-16 機械学習勉強会) "
        "and @Name lines",
    },
}
