"""Initial schema: meetings, topics, votes, events, publications, job runs, link cache."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    _create_meetings()
    _create_topics()
    _create_votes()
    _create_processed_events()
    _create_publications()
    _create_job_runs()
    _create_link_cache()


def downgrade() -> None:
    for table in ("link_cache", "job_runs", "publications", "processed_events", "votes"):
        op.drop_table(table)
    op.drop_index("ix_topics_presenter_id", table_name="topics")
    op.drop_index("ix_topics_normalized_url", table_name="topics")
    op.drop_index("ix_topics_meeting_date_status", table_name="topics")
    op.drop_index("ix_topics_card", table_name="topics")
    op.drop_table("topics")
    op.drop_table("meetings")


def _create_meetings() -> None:
    op.create_table(
        "meetings",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("skip_reason", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("date", name="pk_meetings"),
    )


def _create_topics() -> None:
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("normalized_url", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("presenter_id", sa.String(length=64), nullable=False),
        sa.Column("presenter_name", sa.Text(), nullable=False),
        sa.Column("presenter_email", sa.Text(), nullable=True),
        sa.Column("submitted_at", UTC_DATETIME, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("card_channel", sa.String(length=64), nullable=True),
        sa.Column("card_ts", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("source IN ('slack', 'import', 'seed')", name="ck_topics_source"),
        sa.CheckConstraint(
            "status IN ('active', 'withdrawn', 'presented')", name="ck_topics_status"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_date"], ["meetings.date"], name="fk_topics_meeting_date_meetings"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_topics"),
    )
    op.create_index("ix_topics_card", "topics", ["card_channel", "card_ts"], unique=True)
    op.create_index("ix_topics_meeting_date_status", "topics", ["meeting_date", "status"])
    op.create_index("ix_topics_normalized_url", "topics", ["normalized_url"])
    op.create_index("ix_topics_presenter_id", "topics", ["presenter_id"])


def _create_votes() -> None:
    op.create_table(
        "votes",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("emojis", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name="fk_votes_topic_id_topics", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("topic_id", "member_id", name="pk_votes"),
    )


def _create_processed_events() -> None:
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("processed_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_processed_events"),
    )
    op.create_index("ix_processed_events_processed_at", "processed_events", ["processed_at"])


def _create_publications() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=False),
        sa.Column("claimed_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("incident_notified", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "state IN ('claimed', 'partial', 'complete', 'failed')", name="ck_publications_state"
        ),
        sa.CheckConstraint("target IN ('notion', 'slack')", name="ck_publications_target"),
        sa.ForeignKeyConstraint(
            ["meeting_date"], ["meetings.date"], name="fk_publications_meeting_date_meetings"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_publications"),
        sa.UniqueConstraint("meeting_date", "target", name="uq_publications_meeting_date_target"),
    )


def _create_job_runs() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("run_key", sa.String(length=128), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=False),
        sa.Column("claimed_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("job_id", "run_key", name="pk_job_runs"),
    )


def _create_link_cache() -> None:
    op.create_table(
        "link_cache",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("authors", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("is_paper", sa.Boolean(), nullable=False),
        sa.Column("fetched_at", UTC_DATETIME, nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("url", name="pk_link_cache"),
    )
