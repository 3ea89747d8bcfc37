"""The link cache part of the repository: metadata fetched for a normalised source URL."""

from __future__ import annotations

from bot.store.base import StoreBase, upsert
from bot.store.convert import link_meta_values, to_link_meta
from bot.store.models import LinkCacheRow
from bot.store.records import LinkMeta


class LinkCacheRepository(StoreBase):
    """One row per URL, replaced on every fetch."""

    def get_link_meta(self, url: str) -> LinkMeta | None:
        """Cached metadata of a normalised URL."""
        with self._reads.begin() as s:
            row = s.get(LinkCacheRow, url)
            return None if row is None else to_link_meta(row)

    def put_link_meta(self, meta: LinkMeta) -> None:
        """Insert or replace the cached metadata of ``meta.url``."""
        with self._write() as s:
            upsert(s, LinkCacheRow, link_meta_values(meta), keys=("url",))
