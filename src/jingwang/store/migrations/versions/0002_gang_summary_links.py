"""Gangs carry their category, chain role and a summary; gang_links hold the chain between gangs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Add the gang summary columns and the gang_links table."""
    with op.batch_alter_table("gangs") as batch:
        batch.add_column(sa.Column("category", sa.String(32), nullable=True))
        batch.add_column(sa.Column("role", sa.String(32), nullable=True))
        batch.add_column(sa.Column("summary", JSON, nullable=True))
    op.create_table(
        "gang_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upstream_gang_id", sa.Integer(), nullable=False),
        sa.Column("downstream_gang_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("ties", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_gang_links"),
        sa.ForeignKeyConstraint(["upstream_gang_id"], ["gangs.id"],
                                name="fk_gang_links_upstream_gang_id_gangs", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["downstream_gang_id"], ["gangs.id"],
                                name="fk_gang_links_downstream_gang_id_gangs",
                                ondelete="CASCADE"),
        sa.UniqueConstraint("upstream_gang_id", "downstream_gang_id",
                            name="uq_gang_links_upstream_gang_id_downstream_gang_id"),
    )


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_table("gang_links")
    with op.batch_alter_table("gangs") as batch:
        batch.drop_column("summary")
        batch.drop_column("role")
        batch.drop_column("category")
