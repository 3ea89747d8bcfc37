"""The archive commands (import, export) and /topic search."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
    "import_meeting": {
        "ja": "{date} の回 — 取り込み {imported} 件、取り込み済み {present} 件",
        "en": "meeting {date} — {imported} imported, {present} already present",
    },
    "import_votes": {"ja": "（投票 {votes} 票を復元）", "en": " ({votes} votes restored)"},
    "import_no_topics": {"ja": "トピックが見つかりません", "en": "no topics found"},
    "import_no_meeting": {
        "ja": "回の日付が見つからないため取り込みません"
        "（先頭に「YYYY-MM-DD 勉強会名」の行が必要です）",
        "en": "no meeting date, nothing imported (the text must start with a "
        "“YYYY-MM-DD group name” line)",
    },
    "import_failed": {"ja": "読み込めません: {error}", "en": "cannot read: {error}"},
    "import_lines_skipped": {"ja": "{count} 行を飛ばしました:", "en": "{count} lines skipped:"},
    "import_skipped_line": {
        "ja": "{line} 行目（{reason}）: {text}",
        "en": "line {line} ({reason}): {text}",
    },
    "import_more_skipped": {"ja": "…ほか {count} 行", "en": "…and {count} more"},
    "import_total": {
        "ja": "合計: {files} ファイル、{meetings} 回、取り込み {imported} 件、"
        "取り込み済み {present} 件、飛ばした行 {skipped} 行、読み込めないファイル {failed} 件",
        "en": "Total: {files} files, {meetings} meetings, {imported} topics imported, "
        "{present} already present, {skipped} lines skipped, {failed} files unreadable",
    },
    "error_not_found": {"ja": "ファイルがありません", "en": "no such file"},
    "error_binary": {"ja": "テキストファイルではありません", "en": "not a text file"},
    "error_os": {"ja": "読み込みエラー（{detail}）", "en": "read error ({detail})"},
    "reason_before_title": {
        "ja": "回のタイトル行より前の行",
        "en": "text before the meeting's title line",
    },
    "reason_before_presenter": {
        "ja": "最初の発表者（@名前）より前の行",
        "en": "text before the first presenter (@Name)",
    },
    "reason_note_without_topic": {
        "ja": "トピックのないメモ",
        "en": "note without a topic above it",
    },
    "reason_no_title": {"ja": "タグだけでタイトルがない", "en": "a tag without a title"},
    "reason_bad_date": {"ja": "存在しない日付", "en": "not a valid date"},
    "reason_votes": {
        "ja": "票数が大きすぎるため復元しません",
        "en": "implausible vote count, not restored",
    },
    "reason_other_meeting": {
        "ja": "2回目以降の回（一括取り込みで扱います）",
        "en": "a further meeting (the import command reads every meeting)",
    },
    "reason_no_presenter_name": {"ja": "@ の後に名前がない", "en": "@ without a name"},
    "export_written": {
        "ja": "{count} 件のトピックを {path} に書き出しました",
        "en": "{count} topics written to {path}",
    },
    "export_failed": {
        "ja": "{path} に書き出せません（{detail}）",
        "en": "cannot write {path} ({detail})",
    },
    "export_empty": {"ja": "書き出すトピックがありません", "en": "no topics to export"},
    "search_header": {
        "ja": "「{words}」の検索結果: {total} 件（{first}〜{last} 件目）",
        "en": "Results for “{words}”: {total} ({first}–{last})",
    },
    "search_bad_tag": {
        "ja": "「{value}」というタグはありません（使えるタグ: {tags}）。"
        "例: `/topic search tag:論文 year:2023 拡散` — 入力: {words}",
        "en": "There is no tag “{value}” (tags: {tags}). "
        "Example: `/topic search tag:paper year:2023 diffusion` — you typed: {words}",
    },
    "search_bad_year": {
        "ja": "「{value}」は年として読めません。例: `/topic search year:2023` — 入力: {words}",
        "en": "“{value}” is not a year. Example: `/topic search year:2023` — you typed: {words}",
    },
    "search_none": {
        "ja": "「{words}」に一致する過去のトピックはありません。",
        "en": "No past topic matches “{words}”.",
    },
    "search_page_empty": {
        "ja": "「{words}」の検索結果はこれ以上ありません（全 {total} 件）。",
        "en": "No more results for “{words}” ({total} in all).",
    },
    "search_meta": {"ja": "{date} の回 · {name} · {votes}", "en": "{date} · {name} · {votes}"},
    "search_next": {"ja": "次の {count} 件", "en": "Next {count}"},
}
