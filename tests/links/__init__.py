"""Tests of safe link fetching and metadata (bot.links)."""
