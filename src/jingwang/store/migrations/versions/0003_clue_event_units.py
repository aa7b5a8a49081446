"""Clue events say what they record (status change, routing, forwarding, escalation, outcome),
which unit held the clue after them, and the outcome figures they report.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

Events written before this revision are status changes; they are given the unit their clue is
routed to now, the best that can be known of them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIONS = "'status', 'route', 'forward', 'escalate', 'outcome'"


def upgrade() -> None:
    """Add action, unit_id and the outcome figures to clue_events."""
    with op.batch_alter_table("clue_events") as batch:
        batch.add_column(sa.Column("action", sa.String(16), nullable=False,
                                   server_default="status"))
        batch.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("suspects_caught", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("money_frozen", sa.Numeric(18, 2), nullable=True))
        batch.add_column(sa.Column("cases_solved", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_clue_events_unit_id_units"), "units", ["unit_id"], ["id"])
        batch.create_check_constraint(op.f("ck_clue_events_action"), f"action IN ({ACTIONS})")
        batch.create_index(op.f("ix_clue_events_unit_id"), ["unit_id"])
    op.execute(
        "UPDATE clue_events SET unit_id = "
        "(SELECT clues.unit_id FROM clues WHERE clues.id = clue_events.clue_id)"
    )


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("clue_events") as batch:
        batch.drop_index(op.f("ix_clue_events_unit_id"))
        batch.drop_constraint(op.f("ck_clue_events_action"), type_="check")
        batch.drop_constraint(op.f("fk_clue_events_unit_id_units"), type_="foreignkey")
        batch.drop_column("cases_solved")
        batch.drop_column("money_frozen")
        batch.drop_column("suspects_caught")
        batch.drop_column("unit_id")
        batch.drop_column("action")
