"""SQLAlchemy models of the knowledge store: one class per entity of the data model.

Indicators and where they were seen; findings, cases and gangs that tie indicators together;
police units, the clues pushed to them and every change to a clue; users and the audit trail.
The schema is created and changed only by the Alembic migrations beside this module
(``migrations/versions``); a test checks that the two agree.

Fixed vocabularies (urgency, status, unit level, user role, chain role) are enforced twice: by
``@validates`` when an attribute is set (a clear ``ValueError`` at once) and by a CHECK
constraint in the database. Crime categories are only checked in Python, so adding one to
:data:`jingwang.categories.CATEGORIES` needs no migration.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from jingwang.categories import (
    CATEGORIES,
    CHAIN_ROLES,
    CLUE_ACTIONS,
    CLUE_STATUSES,
    UNIT_LEVELS,
    URGENCIES,
    USER_ROLES,
)
from jingwang.store.timeutil import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only
_REGION_CODE = re.compile(r"^[0-9]{6}$")


def _in(column: str, values: dict[str, str] | tuple[str, ...]) -> str:
    """SQL text ``column IN ('a', 'b')`` for a CHECK constraint."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _check_vocab(field: str, value: str | None, vocab: dict[str, str], optional: bool) -> Any:
    if value is None and optional:
        return None
    if value not in vocab:
        raise ValueError(f"{field} {value!r} is not one of: {', '.join(vocab)}")
    return value


def _check_region(value: str | None, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if value is None or not _REGION_CODE.match(value):
        raise ValueError(f"region_code {value!r} is not a 6-digit GB/T 2260 code")
    return value


class Base(DeclarativeBase):
    """Declarative base; its metadata names every constraint by :data:`NAMING_CONVENTION`."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012


finding_indicators = Table(
    "finding_indicators",
    Base.metadata,
    Column("finding_id", ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator_id", ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "indicator_id"),
)

case_indicators = Table(
    "case_indicators",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator_id", ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "indicator_id"),
)


class Indicator(Base):
    """A phone, card, domain, account… in canonical form; ``(kind, value)`` is unique."""

    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("kind", "value"),
        Index(None, "value"),
        CheckConstraint("sighting_count >= 0", name="sighting_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    sighting_count: Mapped[int] = mapped_column(default=0)

    findings: Mapped[list[Finding]] = relationship(
        secondary=finding_indicators, back_populates="indicators"
    )
    cases: Mapped[list[Case]] = relationship(secondary=case_indicators, back_populates="indicators")

    @validates("kind", "value")
    def _not_empty(self, key: str, value: str) -> str:
        if not value:
            raise ValueError(f"indicator {key} must not be empty")
        return value

    def __repr__(self) -> str:
        return f"<Indicator {self.id} {self.kind}:{self.value}>"


class Sighting(Base):
    """One indicator seen in one source record: where, when, as written, and the text around it.

    Unique on ``(indicator_id, source, record_id, start)``: ingesting a record again adds
    nothing. That unique index also serves lookups by ``indicator_id`` (its first column).
    """

    __tablename__ = "sightings"
    __table_args__ = (
        UniqueConstraint("indicator_id", "source", "record_id", "start"),
        Index(None, "source", "record_id"),
        CheckConstraint('start >= 0 AND "end" >= start', name="span"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(256))
    record_id: Mapped[str] = mapped_column(String(256))
    start: Mapped[int]
    end: Mapped[int]
    raw: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")
    seen_at: Mapped[datetime | None]
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)

    indicator: Mapped[Indicator] = relationship()


class Finding(Base):
    """A detector's result: category, score 0–1, an explanation a person can read, evidence.

    Unique on ``(detector, category, source, record_id)`` when source and record are given, so
    running a detector again over the same record adds no second finding.
    """

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("detector", "category", "source", "record_id"),
        Index(None, "source", "record_id"),
        CheckConstraint("score >= 0 AND score <= 1", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    detector: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    source: Mapped[str | None] = mapped_column(String(256))
    record_id: Mapped[str | None] = mapped_column(String(256))
    observed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    indicators: Mapped[list[Indicator]] = relationship(
        secondary=finding_indicators, back_populates="findings"
    )

    @validates("category")
    def _category(self, key: str, value: str) -> str:
        return _check_vocab(key, value, CATEGORIES, optional=False)

    @validates("score")
    def _score(self, key: str, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"score {value!r} is not between 0 and 1")
        return float(value)


class Case(Base):
    """A case (案件) known to the police, with the indicators that belong to it."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(512))
    category: Mapped[str | None] = mapped_column(String(32))
    region_code: Mapped[str | None] = mapped_column(String(6))
    reported_at: Mapped[datetime | None]
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    indicators: Mapped[list[Indicator]] = relationship(
        secondary=case_indicators, back_populates="cases"
    )

    @validates("category")
    def _category(self, key: str, value: str | None) -> str | None:
        return _check_vocab(key, value, CATEGORIES, optional=True)

    @validates("region_code")
    def _region(self, key: str, value: str | None) -> str | None:
        return _check_region(value, optional=True)


class Gang(Base):
    """A gang (团伙) found by linking; ``key`` is stable across re-runs of the linking."""

    __tablename__ = "gangs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str | None] = mapped_column(String(256))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # What linking concluded about the gang as a whole: its main category and chain role, and a
    # summary (regions involved, records, counts) for pages and reports.
    category: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str | None] = mapped_column(String(32))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    members: Mapped[list[GangMember]] = relationship(
        back_populates="gang", cascade="all, delete-orphan"
    )


class GangLink(Base):
    """An upstream gang serving a downstream one (a PII seller whose data feeds a fraud gang),
    with the weight of the ties linking found between them."""

    __tablename__ = "gang_links"
    __table_args__ = (UniqueConstraint("upstream_gang_id", "downstream_gang_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    upstream_gang_id: Mapped[int] = mapped_column(ForeignKey("gangs.id", ondelete="CASCADE"))
    downstream_gang_id: Mapped[int] = mapped_column(ForeignKey("gangs.id", ondelete="CASCADE"))
    weight: Mapped[float] = mapped_column(Float, default=0.0)
    ties: Mapped[int] = mapped_column(default=0)


class GangMember(Base):
    """An indicator or a case (exactly one) in a gang, with its chain role when known."""

    __tablename__ = "gang_members"
    __table_args__ = (
        UniqueConstraint("gang_id", "indicator_id"),
        UniqueConstraint("gang_id", "case_id"),
        Index(None, "indicator_id"),
        Index(None, "case_id"),
        CheckConstraint(
            "(indicator_id IS NULL AND case_id IS NOT NULL)"
            " OR (indicator_id IS NOT NULL AND case_id IS NULL)",
            name="one_member",
        ),
        CheckConstraint(f"role IS NULL OR {_in('role', CHAIN_ROLES)}", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gang_id: Mapped[int] = mapped_column(ForeignKey("gangs.id", ondelete="CASCADE"))
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE")
    )
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(32))

    gang: Mapped[Gang] = relationship(back_populates="members")
    indicator: Mapped[Indicator | None] = relationship()
    case: Mapped[Case | None] = relationship()

    @validates("role")
    def _role(self, key: str, value: str | None) -> str | None:
        return _check_vocab(key, value, CHAIN_ROLES, optional=True)


class Unit(Base):
    """A police unit: GB/T 2260 region code, level, parent (部 → 省 → 市 → 县)."""

    __tablename__ = "units"
    __table_args__ = (
        Index(None, "region_code"),
        CheckConstraint(_in("level", UNIT_LEVELS), name="level"),
        CheckConstraint("length(region_code) = 6", name="region_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(256))
    region_code: Mapped[str] = mapped_column(String(6))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")

    @validates("level")
    def _level(self, key: str, value: str) -> str:
        return _check_vocab(key, value, UNIT_LEVELS, optional=False)

    @validates("region_code")
    def _region(self, key: str, value: str) -> str:
        return _check_region(value, optional=False)  # type: ignore[return-value]


class Clue(Base):
    """A clue (线索) a unit must act on: urgency, target unit, status, deadline, outcome."""

    __tablename__ = "clues"
    __table_args__ = (
        Index(None, "unit_id", "status"),
        Index(None, "status", "deadline_at"),
        Index(None, "finding_id"),
        Index(None, "case_id"),
        Index(None, "gang_id"),
        CheckConstraint(_in("urgency", URGENCIES), name="urgency"),
        CheckConstraint(_in("status", CLUE_STATUSES), name="status"),
        CheckConstraint(
            "suspects_caught >= 0 AND cases_solved >= 0 AND money_frozen >= 0", name="outcome"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(512))
    category: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    status: Mapped[str] = mapped_column(String(16), default="new")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    gang_id: Mapped[int | None] = mapped_column(ForeignKey("gangs.id", ondelete="SET NULL"))
    description: Mapped[str | None] = mapped_column(Text)
    routing_reason: Mapped[str | None] = mapped_column(Text)
    deadline_at: Mapped[datetime | None]
    suspects_caught: Mapped[int] = mapped_column(default=0)
    money_frozen: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    cases_solved: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit | None] = relationship()
    finding: Mapped[Finding | None] = relationship()
    case: Mapped[Case | None] = relationship()
    gang: Mapped[Gang | None] = relationship()
    events: Mapped[list[ClueEvent]] = relationship(
        back_populates="clue", cascade="all, delete-orphan", order_by="ClueEvent.id"
    )

    @validates("category")
    def _category(self, key: str, value: str) -> str:
        return _check_vocab(key, value, CATEGORIES, optional=False)

    @validates("urgency")
    def _urgency(self, key: str, value: str) -> str:
        return _check_vocab(key, value, URGENCIES, optional=False)

    @validates("status")
    def _status(self, key: str, value: str) -> str:
        return _check_vocab(key, value, CLUE_STATUSES, optional=False)


class ClueEvent(Base):
    """One change to a clue: who, from which status to which, a note (feedback), when.

    ``action`` says what kind of change (:data:`~jingwang.categories.CLUE_ACTIONS`; a status
    change unless said otherwise), ``unit_id`` the unit holding the clue after it, and the
    outcome figures, when the event reports them, the clue's totals as of that report.
    """

    __tablename__ = "clue_events"
    __table_args__ = (
        Index(None, "clue_id"),
        Index(None, "unit_id"),
        CheckConstraint(_in("action", CLUE_ACTIONS), name="action"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(128))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(16), default="status", server_default="status")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    suspects_caught: Mapped[int | None]
    money_frozen: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    cases_solved: Mapped[int | None]

    clue: Mapped[Clue] = relationship(back_populates="events")
    unit: Mapped[Unit | None] = relationship()

    @validates("action")
    def _action(self, key: str, value: str) -> str:
        return _check_vocab(key, value, CLUE_ACTIONS, optional=False)


class User(Base):
    """A person using the console or API: role, unit, password hash (never the password)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", USER_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship()

    @validates("role")
    def _role(self, key: str, value: str) -> str:
        return _check_vocab(key, value, USER_ROLES, optional=False)


class AuditEvent(Base):
    """Who read or changed what (especially PII), when, with details."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index(None, "object_type", "object_id"),
        Index(None, "actor"),
        Index(None, "at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(128))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A machine's API token: only its SHA-256 is kept; revoked tokens stay for the record."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


class Report(Base):
    """A citizen's report (举报) as it came in through the public route; its indicators are
    sightings of source ``reports`` with this record id."""

    __tablename__ = "reports"
    __table_args__ = (Index(None, "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(32))
    region_code: Mapped[str | None] = mapped_column(String(6))
    contact: Mapped[str | None] = mapped_column(String(256))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
