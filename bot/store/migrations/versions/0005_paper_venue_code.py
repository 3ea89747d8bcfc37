"""Paper metadata beyond arXiv: the link cache also keeps a paper's venue and code link."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("link_cache") as batch:
        batch.add_column(sa.Column("venue", sa.Text(), nullable=True))
        batch.add_column(sa.Column("code_url", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_cache") as batch:
        batch.drop_column("code_url")
        batch.drop_column("venue")
