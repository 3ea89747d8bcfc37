"""The Protocols services (and the adapters they drive) depend on; the store satisfies them.

Each area keeps its Protocols in its own section below.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Protocol

# --- publishing ---

PublicationTarget = Literal["slack", "notion"]


class BodyStore(Protocol):
    """Where the Notion publisher's memory of a page body is kept (an opaque string)."""

    def claim_publication(
        self, meeting: dt.date, target: PublicationTarget, owner: str
    ) -> object: ...
    def load_body_state(self, meeting: dt.date) -> str | None: ...
    def save_body_state(self, meeting: dt.date, state: str) -> None: ...
