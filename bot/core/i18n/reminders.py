"""Reminders, skipped meetings and carried-over topics."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
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
}
