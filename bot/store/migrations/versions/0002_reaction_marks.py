"""Reaction marks: the newest event per member, emoji and topic, so order cannot skew votes."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "reaction_marks",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("emoji", sa.String(length=100), nullable=False),
        sa.Column("event_micros", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name="fk_reaction_marks_topic_id_topics",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("topic_id", "member_id", "emoji", name="pk_reaction_marks"),
    )


def downgrade() -> None:
    op.drop_table("reaction_marks")
