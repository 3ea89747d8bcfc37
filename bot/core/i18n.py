"""Every user-facing string, in Japanese (default) and English."""

from __future__ import annotations

from typing import Literal

Language = Literal["ja", "en"]

EXAMPLE = "/topic [論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808\n- 要点のメモ\n  - 詳細"

_MESSAGES: dict[str, dict[Language, str]] = {
    "tag_missing": {
        "ja": "タグがありません。先頭に [論文] [blog] などのタグを付けてください"
        "（使えるタグ: {tags}）。",
        "en": "No tag. Start with a tag such as [論文] or [blog] (known tags: {tags}).",
    },
    "tag_unknown": {
        "ja": "タグ「{tag}」は登録されていません。使えるタグ: {tags}",
        "en": "The tag “{tag}” is not known. Known tags: {tags}",
    },
    "tag_multiple": {
        "ja": "タグは1つだけにしてください（余分なタグ: {tags}）。",
        "en": "Use exactly one tag (extra: {tags}).",
    },
    "url_missing": {
        "ja": "出典のURL（http/https）がありません。出典を埋め込みURLにしましょう。",
        "en": "No source URL (http/https). Every topic needs its source as a link.",
    },
    "url_scheme": {
        "ja": "出典は http または https のURLにしてください（「{url}」は使えません）。",
        "en": "The source must be an http or https URL (“{url}” is not allowed).",
    },
    "url_too_long": {
        "ja": "出典のURLが長すぎます（{length}文字、最大{max}文字）。Notion が受け付けないため、"
        "短い形（論文ならarXivのabsページなど）か短縮URLにしてください。",
        "en": "The source URL is too long ({length} characters, at most {max}). Notion would "
        "refuse it: use a shorter form (e.g. the paper's arXiv abs page) or a short link.",
    },
    "title_missing": {
        "ja": "タイトルがありません。1〜200文字で入力してください。",
        "en": "No title. Enter 1 to 200 characters.",
    },
    "title_too_long": {
        "ja": "タイトルが長すぎます（{length}文字）。{max}文字以内にしてください。",
        "en": "The title is too long ({length} characters); the limit is {max}.",
    },
    "notes_too_many_lines": {
        "ja": "メモが{count}行あります。{max}行以内にしてください。",
        "en": "The notes have {count} lines; the limit is {max}.",
    },
    "notes_too_long": {
        "ja": "メモが{count}文字あります。{max}文字以内にしてください。",
        "en": "The notes have {count} characters; the limit is {max}.",
    },
    "duplicate_same_meeting": {
        "ja": "この出典は {date} の回にすでに {name} さんが提出しています: {link}",
        "en": "This source was already submitted for {date} by {name}: {link}",
    },
    "duplicate_earlier": {
        "ja": "{date} に {name} が発表済み ({votes}票)",
        "en": "Presented on {date} by {name} ({votes} votes)",
    },
    "not_a_paper": {
        "ja": "[論文] のリンクが論文ページ（arXiv、OpenReview、ACL Anthology、DOI など）"
        "ではないようです。",
        "en": "The link of this [論文] topic does not look like a paper "
        "(arXiv, OpenReview, ACL Anthology, DOI, …).",
    },
    "rejected_header": {
        "ja": "トピックを受け付けられませんでした。",
        "en": "Your topic was not accepted.",
    },
    "example_header": {"ja": "正しい例:", "en": "A correct example:"},
    "your_text": {
        "ja": "入力した内容（コピーして直してください）:",
        "en": "What you typed (copy it and fix it):",
    },
    "echo_cut": {
        "ja": "…入力が長すぎるため、残り約 {count} 文字は表示できません。手元の控えから"
        "コピーしてください。",
        "en": "…your text is too long to show in full; about {count} more characters are "
        "not shown. Copy them from your own draft.",
    },
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
    "title_fallback": {
        "ja": "タイトルを取得できなかったので、URLをタイトルにしました。"
        "/topic list から編集できます。",
        "en": "The title could not be fetched, so the URL is used; edit it from /topic list.",
    },
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
    "card_withdrawn": {"ja": "（取り下げ）", "en": "(withdrawn)"},
    "card_meta": {"ja": "発表: {name} · {date} の回", "en": "Presenter: {name} · meeting {date}"},
    "card_vote_hint": {
        "ja": ":{emoji}: で投票 · 現在 {votes} 票",
        "en": "React with :{emoji}: to vote · {votes} votes so far",
    },
    "accepted_header": {
        "ja": "✅ {date} の回のトピックとして受け付けました。",
        "en": "✅ Your topic is in for the {date} meeting.",
    },
    "accepted_late": {
        "ja": "アジェンダ公開後の追加として、公開済みのアジェンダに追記されます。",
        "en": "The agenda is already out: this is added to it as a late addition.",
    },
    "button_undo": {"ja": "取り消す", "en": "Undo"},
    "button_edit": {"ja": "編集", "en": "Edit"},
    "button_withdraw": {"ja": "取り下げ", "en": "Withdraw"},
    "undo_done": {"ja": "提出を取り消しました: {title}", "en": "Submission undone: {title}"},
    "withdraw_done": {"ja": "取り下げました: {title}", "en": "Withdrawn: {title}"},
    "not_yours": {
        "ja": "自分が提出したトピックだけ変更できます。",
        "en": "You can only change topics you submitted.",
    },
    "edited_done": {"ja": "トピックを更新しました: {title}", "en": "Topic updated: {title}"},
    "help_title": {"ja": "/topic の使い方", "en": "How to use /topic"},
    "help_body": {
        "ja": "*提出*: `/topic [タグ] タイトル URL` — 2行目以降に `-` や `・` でメモ"
        "（インデントで入れ子）。\n"
        "例:\n```/topic [論文] ConvNeXt V2 https://arxiv.org/abs/2301.00808\n"
        "- マスク付きオートエンコーダで事前学習\n  - ImageNet で SOTA```\n"
        "タグ: {tags}（【】や［］でも可）。URL は `<url|ラベル>` や `[ラベル](url)` でもOK。"
        "タイトルを省くとリンク先から取得します。\n"
        "*フォームで提出*: `/topic` だけ送るとフォームが開きます。\n"
        "*メッセージから*: メッセージの「…」→「トピックとして提出」。\n"
        "*その他*: `/topic list`（自分のトピックの編集・取り下げ）、`/topic agenda`"
        "（今週のアジェンダのプレビュー）、`/topic search 単語`（過去のトピック検索。"
        "`tag:論文` や `year:2023` で絞り込み）、"
        "`/topic help`。\n投票はトピックカードに :+1: でリアクション。",
        "en": "*Submit*: `/topic [tag] Title URL` — notes on the next lines starting with `-` "
        "(indent to nest).\n"
        "Example:\n```/topic [paper] ConvNeXt V2 https://arxiv.org/abs/2301.00808\n"
        "- pre-trained with masked autoencoders\n  - SOTA on ImageNet```\n"
        "Tags: {tags} (also in 【】 or ［］). The URL may be `<url|label>` or `[label](url)`. "
        "Leave the title out and it is fetched from the link.\n"
        "*With a form*: send just `/topic`.\n"
        "*From a message*: “…” on the message → “トピックとして提出”.\n"
        "*More*: `/topic list` (edit or withdraw yours), `/topic agenda` (preview this "
        "week), `/topic search WORDS` (past topics; narrow with `tag:paper` or `year:2023`), "
        "`/topic help`.\n"
        "Vote by reacting :+1: on a topic card.",
    },
    "list_header": {"ja": "{date} の回のあなたのトピック", "en": "Your topics for {date}"},
    "list_empty": {
        "ja": "まだ提出していません。`/topic` で提出できます。",
        "en": "Nothing submitted yet. Use `/topic` to submit.",
    },
    "modal_heading": {"ja": "トピックを提出", "en": "Submit a topic"},
    "modal_heading_edit": {"ja": "トピックを編集", "en": "Edit your topic"},
    "modal_submit": {"ja": "提出", "en": "Submit"},
    "modal_close": {"ja": "キャンセル", "en": "Cancel"},
    "modal_tag": {"ja": "タグ", "en": "Tag"},
    "modal_tag_placeholder": {"ja": "タグを選択", "en": "Choose a tag"},
    "modal_url": {"ja": "出典URL", "en": "Source URL"},
    "modal_title": {"ja": "タイトル", "en": "Title"},
    "modal_title_hint": {
        "ja": "空欄ならリンク先のタイトルを使います。",
        "en": "Leave empty to use the linked page's title.",
    },
    "modal_notes": {"ja": "メモ", "en": "Notes"},
    "modal_notes_hint": {
        "ja": "箇条書き・リンク付きテキストはそのまま残ります（30行・3,000文字まで）。",
        "en": "Bullets and linked text are kept (up to 30 lines, 3,000 characters).",
    },
    "modal_target": {"ja": "発表する回", "en": "Meeting"},
    "modal_minutes": {"ja": "発表時間", "en": "Length"},
    "modal_minutes_hint": {
        "ja": "選ばなければ会議の時間を均等に分けます。",
        "en": "Unset: an even share of the meeting.",
    },
    "modal_minutes_option": {"ja": "{minutes}分", "en": "{minutes} min"},
    "minutes_invalid": {
        "ja": "発表時間は {choices} 分から選んでください（「{value}」は選べません）。",
        "en": "Choose a length of {choices} minutes (“{value}” is not one of them).",
    },
    "modal_this_week": {"ja": "次の回（{date}）", "en": "Coming meeting ({date})"},
    "modal_next_week": {"ja": "その次の回（{date}）", "en": "The one after ({date})"},
    "home_next": {"ja": "次回の勉強会: {when}", "en": "Next meeting: {when}"},
    "home_mine": {"ja": "あなたのトピック", "en": "Your topics"},
    "home_all": {"ja": "次回のトピック（投票数）", "en": "Topics for the next meeting (votes)"},
    "internal_error": {
        "ja": "処理中にエラーが起きました。入力は失われていません。もう一度お試しください。",
        "en": "Something went wrong on our side. Nothing you typed is lost; please try again.",
    },
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
    "reminder": {
        "ja": "📝 {date} の勉強会のトピックがまだの方: {mentions}\n"
        "`/topic [タグ] タイトル URL` で提出してください（`/topic help` で使い方）。",
        "en": "📝 Still no topic for the {date} meeting: {mentions}\n"
        "Submit with `/topic [tag] Title URL` (`/topic help` for help).",
    },
    "skip_announce": {
        "ja": "🛌 {date} の勉強会はお休みです（{reason}）。"
        "トピック {moved} 件を次回 {next} に移しました。",
        "en": "🛌 No meeting on {date} ({reason}). {moved} topics moved to {next}.",
    },
    "unskip_announce": {
        "ja": "📅 {date} の勉強会は予定どおり開催します。",
        "en": "📅 The {date} meeting is on again.",
    },
    "skip_reason_configured": {"ja": "お休み設定", "en": "skipped by the organisers"},
    "skip_reason_holiday": {"ja": "祝日", "en": "public holiday"},
    "carried_over": {
        "ja": "未発表のトピック {count} 件を次回 {date} に持ち越しました（投票数もそのまま）。",
        "en": "{count} topics not presented carried over to {date}, votes included.",
    },
    "carry_over_button": {"ja": "未発表を来週へ", "en": "Carry over the rest"},
    "carry_over_title": {"ja": "未発表を来週へ", "en": "Carry over"},
    "carry_over_label": {
        "ja": "発表できなかったトピック（選んだものを次回へ、投票数ごと）",
        "en": "Topics not presented (moved to the next meeting with their votes)",
    },
    "carry_over_waiting": {"ja": "⏳時間外 ", "en": "⏳ not reached "},
    "carry_over_submit": {"ja": "持ち越す", "en": "Carry over"},
    "carry_over_bad_date": {
        "ja": "「{date}」の回は持ち越せません。持ち越せるのは、アジェンダの公開後から"
        "次の勉強会が始まるまでの回だけです。アジェンダのメッセージのボタンから開き直してください。",
        "en": "The meeting “{date}” cannot be carried over: only a meeting whose agenda is out, "
        "until the next meeting starts. Open the form again from the agenda message.",
    },
    "carry_over_not_in_meeting": {
        "ja": "選んだトピック（{ids}）は {date} の回の未発表トピックではありません。"
        "何も変更していません。アジェンダのボタンからフォームを開き直して選び直してください。",
        "en": "The chosen topics ({ids}) are not open topics of the {date} meeting. Nothing "
        "was changed. Open the form again from the agenda message and choose again.",
    },
    "organizers_only": {
        "ja": "この操作は幹事（ORGANIZERS）だけができます。",
        "en": "Only the organisers (ORGANIZERS) can do this.",
    },
    "skip_usage": {
        "ja": "日付は YYYY-MM-DD で、今日以降の開催曜日（{weekday}）を指定してください。例: "
        "`/topic skip 2026-12-31`",
        "en": "Give a date YYYY-MM-DD, today or later, on the meeting weekday ({weekday}). "
        "Example: `/topic skip 2026-12-31`",
    },
    "skip_done": {
        "ja": "{date} をお休みにしました（トピック {moved} 件を次回へ移動）。",
        "en": "{date} is skipped ({moved} topics moved to the next meeting).",
    },
    "unskip_done": {"ja": "{date} を開催日に戻しました。", "en": "{date} is on again."},
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
    # Configuration (bot/settings.py): each line is "VARIABLE: message".
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
    # The command line (bot/__main__.py, bot/failures.py).
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
    "card_not_posted": {
        "ja": "トピックは保存しましたが、チャンネルへのカード投稿に失敗しました。"
        "ボットがチャンネルに招待されているか幹事に確認してください（`/invite @studybot`）。",
        "en": "Your topic is saved, but its card could not be posted in the channel. "
        "Ask an organiser to check the bot is in the channel (`/invite @studybot`).",
    },
    "existing_card": {"ja": "既存のカード: {link}", "en": "The existing card: {link}"},
    "late_addition": {"ja": "（追加）", "en": " (late)"},
    "slot_minutes": {"ja": "({minutes}分)", "en": "({minutes} min)"},
    "if_time_allows": {"ja": "時間があれば", "en": "If time allows"},
    "timer_next": {
        "ja": "⏱ {start} 次は {mentions} さん（{minutes}分）: {titles}",
        "en": "⏱ {start} Next: {mentions} ({minutes} min): {titles}",
    },
    # studybot status / App Home summary for organisers (#18)
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


def t(lang: Language, key: str, **params: object) -> str:
    """The message ``key`` in ``lang`` with ``params`` filled in."""
    template = _MESSAGES[key][lang]
    return template.format(**params) if params else template


def keys() -> frozenset[str]:
    """Every message key (tests check each exists in both languages)."""
    return frozenset(_MESSAGES)


def languages_of(key: str) -> frozenset[str]:
    return frozenset(_MESSAGES[key])
