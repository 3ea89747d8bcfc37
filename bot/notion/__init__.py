"""Notion side of studybot: pure block builders and the publishing adapter."""

# The Notion-Version header every request sends (the publisher and doctor share it).
NOTION_VERSION = "2025-09-03"
