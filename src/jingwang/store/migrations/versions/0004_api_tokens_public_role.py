"""API tokens for machines; citizen reports; the user roles of the API (``public`` in place of
``command``); an index for finding overdue clues.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_ROLES = ("admin", "analyst", "unit_officer", "platform", "public")
OLD_ROLES = ("admin", "analyst", "unit_officer", "platform", "command")


def _role_check(roles: tuple[str, ...]) -> str:
    return f"role IN ({', '.join(repr(r) for r in roles)})"


def upgrade() -> None:
    """Create api_tokens; let users carry the new role vocabulary."""
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_tokens_user_id_users",
                                ondelete="CASCADE"),
        sa.UniqueConstraint("digest", name="uq_api_tokens_digest"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("region_code", sa.String(6), nullable=True),
        sa.Column("contact", sa.String(256), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.UniqueConstraint("record_id", name="uq_reports_record_id"),
    )
    op.create_index("ix_reports_received_at", "reports", ["received_at"])
    op.create_index("ix_clues_status_deadline_at", "clues", ["status", "deadline_at"])
    op.execute("UPDATE users SET role = 'analyst' WHERE role = 'command'")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_role", type_="check")
        batch.create_check_constraint("role", _role_check(NEW_ROLES))


def downgrade() -> None:
    """Drop api_tokens and restore the old role vocabulary."""
    op.execute("UPDATE users SET role = 'analyst' WHERE role = 'public'")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_role"), type_="check")
        batch.create_check_constraint("role", _role_check(OLD_ROLES))
    op.drop_index("ix_clues_status_deadline_at", table_name="clues")
    op.drop_index("ix_reports_received_at", table_name="reports")
    op.drop_table("reports")
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")
