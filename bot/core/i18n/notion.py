"""The Notion publisher's messages for the organisers (hints on a failed publish)."""

from __future__ import annotations

from bot.core.i18n.types import Language

MESSAGES: dict[str, dict[Language, str]] = {
    "notion_publish_unauthorized": {
        "ja": "Notion がトークンを受け付けませんでした。NOTION_TOKEN にインテグレーションの"
        "シークレットを設定し直してください。",
        "en": "Notion refused the token. Set NOTION_TOKEN to the integration's secret again.",
    },
    "notion_publish_restricted": {
        "ja": "Notion インテグレーションに権限がありません（{detail}）。インテグレーションの設定で"
        "コンテンツの読み取り・更新・挿入を許可してください。",
        "en": "The Notion integration lacks a capability ({detail}). In its settings allow "
        "reading, updating and inserting content.",
    },
    "notion_publish_database_missing": {
        "ja": "Notion のデータベース {id} を開けません。データベースを開き、右上の「…」→"
        "「接続」からこのインテグレーションを追加して共有してください"
        "（NOTION_DATABASE_ID も確認してください）。",
        "en": "Notion database {id} is not accessible. Open it, choose “…” → “Connections” "
        "and add this integration (and check NOTION_DATABASE_ID).",
    },
    "notion_publish_parent_missing": {
        "ja": "Notion のページ {id} を開けません。ページを開き、右上の「…」→「接続」から"
        "このインテグレーションを追加して共有してください"
        "（NOTION_PARENT_PAGE_ID も確認してください）。",
        "en": "Notion page {id} is not accessible. Open it, choose “…” → “Connections” and "
        "add this integration (and check NOTION_PARENT_PAGE_ID).",
    },
    "notion_publish_page_missing": {
        "ja": "アジェンダのページ {id} を開けません。ゴミ箱にあれば復元し、インテグレーションと"
        "共有されているか確認してください。",
        "en": "The agenda page {id} is not accessible. Restore it from the trash if it is "
        "there, and check that it is shared with the integration.",
    },
    "notion_publish_invalid": {
        "ja": "Notion がアジェンダの書き込みを受け付けませんでした: {detail}",
        "en": "Notion refused to write the agenda: {detail}",
    },
    "notion_publish_no_data_source": {
        "ja": "Notion のデータベース {id} にデータソースがありません。",
        "en": "Notion database {id} has no data source.",
    },
    "notion_publish_no_title": {
        "ja": "Notion のデータベース {id} にタイトルのプロパティがありません。",
        "en": "Notion database {id} has no title property.",
    },
    "notion_publish_date_missing": {
        "ja": "NOTION_DATE_PROPERTY の「{name}」というプロパティがデータベースにありません"
        "（日付のプロパティ: {dates}）。名前を合わせるか、NOTION_DATE_PROPERTY を空にして"
        "ください。",
        "en": "The database has no property “{name}” named by NOTION_DATE_PROPERTY (date "
        "properties: {dates}). Fix the name, or leave NOTION_DATE_PROPERTY empty.",
    },
    "notion_publish_date_type": {
        "ja": "NOTION_DATE_PROPERTY の「{name}」は日付のプロパティではありません（種類: {kind}）。"
        "Notion でプロパティの種類を「日付」にするか、NOTION_DATE_PROPERTY を日付の"
        "プロパティにしてください。",
        "en": "“{name}”, named by NOTION_DATE_PROPERTY, is not a date property (it is "
        "{kind}). Make it a date property in Notion, or name a date property.",
    },
    "notion_publish_unavailable": {
        "ja": "Notion が応答しません（{detail}）。しばらくしてから自動で再試行します。",
        "en": "Notion is not answering ({detail}); it is retried automatically later.",
    },
    "notion_publish_block_limit": {
        "ja": "Notion ワークスペースのブロック数の上限に達したため、アジェンダを書き込めません"
        "（メンバーが2人以上の無料プランは API で作れるブロックが累計 1,000 個まで。削除しても"
        "戻りません）。ワークスペースを有料プランにするか、メンバーが1人のワークスペースに"
        "データベースを移してください。Slack のアジェンダはそのまま届きます。（{detail}）",
        "en": "The Notion workspace has reached its block limit, so the agenda cannot be "
        "written (Free workspaces with more than one member may create 1,000 blocks in all "
        "through the API; deleting blocks does not give them back). Upgrade the workspace, "
        "or move the database to a single-member workspace. The Slack agenda is still "
        "posted. ({detail})",
    },
    "notion_publish_page_changed": {
        "ja": "書き込み中にアジェンダのページが変更されました。自動で再試行します。",
        "en": "The agenda page changed while it was written; it is retried automatically.",
    },
}
