"""A /topic submission: its validation, refusals and duplicates."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
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
    "title_fallback": {
        "ja": "タイトルを取得できなかったので、URLをタイトルにしました。"
        "/topic list から編集できます。",
        "en": "The title could not be fetched, so the URL is used; edit it from /topic list.",
    },
    "minutes_invalid": {
        "ja": "発表時間は {choices} 分から選んでください（「{value}」は選べません）。",
        "en": "Choose a length of {choices} minutes (“{value}” is not one of them).",
    },
}
