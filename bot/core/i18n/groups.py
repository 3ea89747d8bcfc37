"""GROUPS_FILE (bot/groups.py): each line is "GROUPS_FILE <group>.<key>: message"."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
    "grp_unreadable": {
        "ja": "ファイル「{path}」を読めません（{reason}）",
        "en": "cannot read the file “{path}” ({reason})",
    },
    "grp_syntax": {
        "ja": "YAML の書き方に誤りがあります（{line} 行目: {problem}）",
        "en": "YAML syntax error at line {line}: {problem}",
    },
    "grp_top_shape": {
        "ja": "先頭に groups: を置き、その下に勉強会を 1 つ以上「- id: …」の形で並べてください",
        "en": "expected a top-level groups: list with at least one “- id: …” entry",
    },
    "grp_not_mapping": {
        "ja": "勉強会は「id: …」「channel: …」のような キー: 値 の組で書いてください",
        "en": "each group must be a mapping of keys such as “id: …” and “channel: …”",
    },
    "grp_unknown_key": {
        "ja": "キー「{name}」は使えません",
        "en": "unknown key “{name}”",
    },
    "grp_did_you_mean": {
        "ja": "（「{suggestion}」の間違いではありませんか）",
        "en": " (did you mean “{suggestion}”?)",
    },
    "grp_id_missing": {
        "ja": "勉強会ごとに id（例: ml）が必要です",
        "en": "every group needs an id (e.g. ml)",
    },
    "grp_id_shape": {
        "ja": "id「{value}」は使えません。英小文字か数字で始まり、英小文字・数字・_・- だけの "
        "32 文字以内にしてください",
        "en": "id “{value}” is not allowed: start with a lowercase letter or digit and use only "
        "lowercase letters, digits, _ and -, at most 32 characters",
    },
    "grp_id_duplicate": {
        "ja": "id「{value}」は別の勉強会でも使われています",
        "en": "id “{value}” is used by another group too",
    },
    "grp_channel_missing": {
        "ja": "勉強会ごとにチャンネル ID（C0123… の形）が必要です",
        "en": "every group needs its channel id (such as C0123…)",
    },
    "grp_channel_duplicate": {
        "ja": "チャンネル {value} は勉強会「{other}」でも使われています"
        "（1 チャンネルに 1 つの勉強会）",
        "en": "channel {value} is also the channel of group “{other}” (one group per channel)",
    },
    "grp_publish_order": {
        "ja": "{publish} は meeting_time（{meeting}）より前にしてください（アジェンダは会の前に"
        "公開します）",
        "en": "{publish} must be before meeting_time ({meeting}): the agenda goes out before "
        "the meeting",
    },
    "grp_not_served": {
        "ja": "GROUPS_FILE: {count} つの勉強会（{ids}）は設定として正しいですが、"
        "複数の勉強会の運用はまだできません（issue #16）。今は 1 つの勉強会だけを書いてください",
        "en": "GROUPS_FILE: {count} groups ({ids}) are valid, but serving several "
        "groups is not built yet (issue #16); list one group for now",
    },
    "grp_ok": {
        "ja": "GROUPS_FILE: {count} つの勉強会（{ids}）",
        "en": "GROUPS_FILE: {count} group(s) ({ids})",
    },
}
