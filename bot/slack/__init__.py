"""Slack side of studybot: one module per surface plus pure Block Kit builders."""
