"""Slack surfaces: /topic help and list, the submission modal, App Home."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
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
    "modal_this_week": {"ja": "次の回（{date}）", "en": "Coming meeting ({date})"},
    "modal_next_week": {"ja": "その次の回（{date}）", "en": "The one after ({date})"},
    "home_next": {"ja": "次回の勉強会: {when}", "en": "Next meeting: {when}"},
    "home_mine": {"ja": "あなたのトピック", "en": "Your topics"},
    "home_all": {"ja": "次回のトピック（投票数）", "en": "Topics for the next meeting (votes)"},
    "internal_error": {
        "ja": "処理中にエラーが起きました。入力は失われていません。もう一度お試しください。",
        "en": "Something went wrong on our side. Nothing you typed is lost; please try again.",
    },
    "organizers_only": {
        "ja": "この操作は幹事（ORGANIZERS）だけができます。",
        "en": "Only the organisers (ORGANIZERS) can do this.",
    },
}
