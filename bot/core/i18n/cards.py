"""Topic cards in the channel and the replies to their buttons."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
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
    "card_not_posted": {
        "ja": "トピックは保存しましたが、チャンネルへのカード投稿に失敗しました。"
        "ボットがチャンネルに招待されているか幹事に確認してください（`/invite @studybot`）。",
        "en": "Your topic is saved, but its card could not be posted in the channel. "
        "Ask an organiser to check the bot is in the channel (`/invite @studybot`).",
    },
    "existing_card": {"ja": "既存のカード: {link}", "en": "The existing card: {link}"},
}
