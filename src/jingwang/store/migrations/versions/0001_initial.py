"""The initial knowledge store: indicators, sightings, findings, cases, gangs, units, clues,
users and the audit trail.

Revision ID: 0001
Revises:
Create Date: 2025-11-26

Written out in full (not imported from the models) so that it stays what it was when later
revisions change the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CHAIN_ROLES = "'material_supply', 'tech_support', 'promotion', 'payment_settlement', 'perpetrator'"
STATUSES = "'new', 'pushed', 'received', 'verified', 'case_filed', 'closed', 'rejected'"


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=f"pk_{table}")


def _fk(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def _uq(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=f"uq_{table}_{'_'.join(columns)}")


def _ix(table: str, *columns: str) -> None:
    op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def upgrade() -> None:
    """Create every table of the knowledge store."""
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.Column("sighting_count", sa.Integer(), nullable=False),
        _pk("indicators", "id"),
        _uq("indicators", "kind", "value"),
        sa.CheckConstraint("sighting_count >= 0", name="ck_indicators_sighting_count"),
    )
    _ix("indicators", "value")

    op.create_table(
        "sightings",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(256), nullable=False),
        sa.Column("record_id", sa.String(256), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("seen_at", TS, nullable=True),
        sa.Column("ingested_at", TS, nullable=False),
        _pk("sightings", "id"),
        _fk("sightings", "indicator_id", "indicators", ondelete="CASCADE"),
        _uq("sightings", "indicator_id", "source", "record_id", "start"),
        sa.CheckConstraint('start >= 0 AND "end" >= start', name="ck_sightings_span"),
    )
    _ix("sightings", "source", "record_id")

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("detector", sa.String(64), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("evidence", JSON, nullable=True),
        sa.Column("source", sa.String(256), nullable=True),
        sa.Column("record_id", sa.String(256), nullable=True),
        sa.Column("observed_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _pk("findings", "id"),
        _uq("findings", "detector", "category", "source", "record_id"),
        sa.CheckConstraint("score >= 0 AND score <= 1", name="ck_findings_score"),
    )
    _ix("findings", "source", "record_id")

    op.create_table(
        "finding_indicators",
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        _pk("finding_indicators", "finding_id", "indicator_id"),
        _fk("finding_indicators", "finding_id", "findings", ondelete="CASCADE"),
        _fk("finding_indicators", "indicator_id", "indicators", ondelete="CASCADE"),
    )
    _ix("finding_indicators", "indicator_id")

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(64), nullable=False),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("region_code", sa.String(6), nullable=True),
        sa.Column("reported_at", TS, nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _pk("cases", "id"),
        _uq("cases", "case_no"),
    )

    op.create_table(
        "case_indicators",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        _pk("case_indicators", "case_id", "indicator_id"),
        _fk("case_indicators", "case_id", "cases", ondelete="CASCADE"),
        _fk("case_indicators", "indicator_id", "indicators", ondelete="CASCADE"),
    )
    _ix("case_indicators", "indicator_id")

    op.create_table(
        "gangs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("name", sa.String(256), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _pk("gangs", "id"),
        _uq("gangs", "key"),
    )

    op.create_table(
        "gang_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gang_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(32), nullable=True),
        _pk("gang_members", "id"),
        _fk("gang_members", "gang_id", "gangs", ondelete="CASCADE"),
        _fk("gang_members", "indicator_id", "indicators", ondelete="CASCADE"),
        _fk("gang_members", "case_id", "cases", ondelete="CASCADE"),
        _uq("gang_members", "gang_id", "indicator_id"),
        _uq("gang_members", "gang_id", "case_id"),
        sa.CheckConstraint(
            "(indicator_id IS NULL AND case_id IS NOT NULL)"
            " OR (indicator_id IS NOT NULL AND case_id IS NULL)",
            name="ck_gang_members_one_member",
        ),
        sa.CheckConstraint(f"role IS NULL OR role IN ({CHAIN_ROLES})", name="ck_gang_members_role"),
    )
    _ix("gang_members", "indicator_id")
    _ix("gang_members", "case_id")

    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        _pk("units", "id"),
        _fk("units", "parent_id", "units"),
        _uq("units", "code"),
        sa.CheckConstraint(
            "level IN ('ministry', 'province', 'city', 'county')", name="ck_units_level"
        ),
        sa.CheckConstraint("length(region_code) = 6", name="ck_units_region_code"),
    )
    _ix("units", "region_code")

    op.create_table(
        "clues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("gang_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("routing_reason", sa.Text(), nullable=True),
        sa.Column("deadline_at", TS, nullable=True),
        sa.Column("suspects_caught", sa.Integer(), nullable=False),
        sa.Column("money_frozen", sa.Numeric(18, 2), nullable=False),
        sa.Column("cases_solved", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _pk("clues", "id"),
        _fk("clues", "unit_id", "units"),
        _fk("clues", "finding_id", "findings", ondelete="SET NULL"),
        _fk("clues", "case_id", "cases", ondelete="SET NULL"),
        _fk("clues", "gang_id", "gangs", ondelete="SET NULL"),
        sa.CheckConstraint("urgency IN ('immediate', 'urgent', 'normal')", name="ck_clues_urgency"),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="ck_clues_status"),
        sa.CheckConstraint(
            "suspects_caught >= 0 AND cases_solved >= 0 AND money_frozen >= 0",
            name="ck_clues_outcome",
        ),
    )
    _ix("clues", "unit_id", "status")
    _ix("clues", "finding_id")
    _ix("clues", "case_id")
    _ix("clues", "gang_id")

    op.create_table(
        "clue_events",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", TS, nullable=False),
        _pk("clue_events", "id"),
        _fk("clue_events", "clue_id", "clues", ondelete="CASCADE"),
    )
    _ix("clue_events", "clue_id")

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(128), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _pk("users", "id"),
        _fk("users", "unit_id", "units"),
        _uq("users", "username"),
        sa.CheckConstraint(
            "role IN ('admin', 'analyst', 'unit_officer', 'platform', 'command')",
            name="ck_users_role",
        ),
    )

    op.create_table(
        "audit_events",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(128), nullable=True),
        sa.Column("detail", JSON, nullable=True),
        sa.Column("at", TS, nullable=False),
        _pk("audit_events", "id"),
    )
    _ix("audit_events", "object_type", "object_id")
    _ix("audit_events", "actor")
    _ix("audit_events", "at")


def downgrade() -> None:
    """Drop every table of the knowledge store."""
    for table in (
        "audit_events",
        "users",
        "clue_events",
        "clues",
        "units",
        "gang_members",
        "gangs",
        "case_indicators",
        "cases",
        "finding_indicators",
        "findings",
        "sightings",
        "indicators",
    ):
        op.drop_table(table)
