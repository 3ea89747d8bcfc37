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
        "（今週のアジェンダのプレビュー）、`/topic search 単語`（過去のトピック検索）、"
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
        "week), `/topic search WORDS` (past topics), `/topic help`.\n"
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
    "card_not_posted": {
        "ja": "トピックは保存しましたが、チャンネルへのカード投稿に失敗しました。"
        "ボットがチャンネルに招待されているか幹事に確認してください（`/invite @studybot`）。",
        "en": "Your topic is saved, but its card could not be posted in the channel. "
        "Ask an organiser to check the bot is in the channel (`/invite @studybot`).",
    },
    "existing_card": {"ja": "既存のカード: {link}", "en": "The existing card: {link}"},
    "late_addition": {"ja": "（追加）", "en": " (late)"},
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
