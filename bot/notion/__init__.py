"""Notion side of studybot: pure block builders and the publishing adapter."""
