"""Every action id, callback id and block id of the Slack surfaces, in one place."""

from __future__ import annotations

COMMAND = "/topic"
MODAL_CALLBACK = "topic_modal"
SHORTCUT_CALLBACK = "submit_as_topic"

ACTION_UNDO = "topic_undo"
ACTION_EDIT = "topic_edit"
ACTION_WITHDRAW = "topic_withdraw"
ACTION_OPEN_NOTION = "agenda_open_notion"
ACTION_CARRY_OVER = "agenda_carry_over"
ACTION_SEARCH_NEXT = "search_next"

BLOCK_TAG = "tag"
BLOCK_URL = "url"
BLOCK_TITLE = "title"
BLOCK_NOTES = "notes"
BLOCK_TARGET = "target"
BLOCK_MINUTES = "minutes"
INPUT_TAG = "tag_select"
INPUT_URL = "url_input"
INPUT_TITLE = "title_input"
INPUT_NOTES = "notes_input"
INPUT_TARGET = "target_select"
INPUT_MINUTES = "minutes_select"

CARRY_OVER_CALLBACK = "carry_over_modal"
BLOCK_CARRY = "carry"
INPUT_CARRY = "carry_select"
