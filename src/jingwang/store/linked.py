"""Findings, cases and gangs: the records that tie indicators together.

Each is written idempotently by its natural key (finding: detector, category, source, record;
case: case number; gang: stable key), so a re-run updates instead of repeating. Indicators are
given as objects, ids or ``(kind, value)`` pairs. Import these from
:mod:`jingwang.store.repository`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from jingwang.categories import CATEGORIES, CHAIN_ROLES
from jingwang.store.errors import NotFound
from jingwang.store.models import (
    Case,
    Finding,
    Gang,
    GangMember,
    Indicator,
    case_indicators,
)
from jingwang.store.sightings import upsert_indicator
from jingwang.store.timeutil import as_utc, utcnow

IndicatorRef = Indicator | int | tuple[str, str]
"""An indicator given as the object, its id, or its ``(kind, value)`` (created when new)."""


@dataclass(frozen=True, slots=True)
class GangMemberIn:
    """A member to put in a gang: an indicator or a case (exactly one), and its chain role."""

    indicator: IndicatorRef | None = None
    case: Case | int | None = None
    role: str | None = None


def _resolve(
    session: Session, refs: Iterable[IndicatorRef], seen_at: datetime | None
) -> list[Indicator]:
    out: list[Indicator] = []
    for ref in refs:
        if isinstance(ref, Indicator):
            out.append(ref)
        elif isinstance(ref, int):
            indicator = session.get(Indicator, ref)
            if indicator is None:
                raise NotFound(f"no indicator with id {ref}")
            out.append(indicator)
        else:
            kind, value = ref
            out.append(upsert_indicator(session, kind, value, seen_at))
    return out


def _link(collection: list[Indicator], indicators: Iterable[Indicator]) -> None:
    have = {id(x) for x in collection}
    for indicator in indicators:
        if id(indicator) not in have:
            collection.append(indicator)
            have.add(id(indicator))


def add_finding(
    session: Session,
    detector: str,
    category: str,
    score: float,
    explanation: str,
    *,
    evidence: dict[str, Any] | None = None,
    source: str | None = None,
    record_id: str | None = None,
    observed_at: datetime | None = None,
    indicators: Iterable[IndicatorRef] = (),
) -> Finding:
    """Store a detector's finding and link its indicators.

    When ``source`` and ``record_id`` are given, a finding of the same detector and category
    on the same record is updated (score, explanation, evidence, time) instead of repeated.
    """
    observed = as_utc(observed_at) if observed_at is not None else None
    finding = None
    if source is not None and record_id is not None:
        finding = session.scalars(
            select(Finding).where(
                Finding.detector == detector,
                Finding.category == category,
                Finding.source == source,
                Finding.record_id == record_id,
            )
        ).one_or_none()
    if finding is None:  # built whole (and so checked) before it joins the session
        finding = Finding(
            detector=detector,
            category=category,
            score=score,
            explanation=explanation,
            evidence=evidence,
            source=source,
            record_id=record_id,
            observed_at=observed,
        )
    else:
        finding.score = score
        finding.explanation = explanation
        if evidence is not None:
            finding.evidence = evidence
        if observed is not None:
            finding.observed_at = observed
    linked = _resolve(session, indicators, observed)
    session.add(finding)
    _link(finding.indicators, linked)
    session.flush()
    return finding


def upsert_case(
    session: Session,
    case_no: str,
    title: str,
    *,
    category: str | None = None,
    region_code: str | None = None,
    reported_at: datetime | None = None,
    description: str | None = None,
    indicators: Iterable[IndicatorRef] = (),
) -> Case:
    """The case ``case_no``, created or updated, with ``indicators`` linked (none unlinked).

    Fields given as ``None`` keep what is stored, so a partial re-import erases nothing.
    """
    reported = as_utc(reported_at) if reported_at is not None else None
    fields = {
        "category": category,
        "region_code": region_code,
        "reported_at": reported,
        "description": description,
    }
    given = {field: value for field, value in fields.items() if value is not None}
    found = session.scalars(select(Case).where(Case.case_no == case_no)).one_or_none()
    if found is None:
        found = Case(case_no=case_no, title=title, **given)
    else:
        found.title = title
        for field, value in given.items():
            setattr(found, field, value)
    linked = _resolve(session, indicators, reported)
    session.add(found)
    _link(found.indicators, linked)
    session.flush()
    return found


def upsert_gang(
    session: Session,
    key: str,
    *,
    name: str | None = None,
    score: float | None = None,
    members: Iterable[GangMemberIn] | None = None,
) -> Gang:
    """The gang with stable ``key``, created or updated.

    ``members``, when given, is the whole membership: members not in it are removed, roles
    are updated in place. ``None`` leaves the members as they are.
    """
    wanted: dict[tuple[str, int], str | None] | None = None
    if members is not None:
        wanted = {}
        for member in members:
            if (member.indicator is None) == (member.case is None):
                raise ValueError("a gang member is an indicator or a case, exactly one")
            if member.role is not None and member.role not in CHAIN_ROLES:
                raise ValueError(f"role {member.role!r} is not one of: {', '.join(CHAIN_ROLES)}")
            if member.indicator is not None:
                (indicator,) = _resolve(session, [member.indicator], None)
                session.flush()
                wanted[("indicator", indicator.id)] = member.role
            else:
                case_ = member.case
                case_id = case_.id if isinstance(case_, Case) else case_
                if case_id is None or session.get(Case, case_id) is None:
                    raise NotFound(f"no case {case_!r}")
                wanted[("case", case_id)] = member.role
    gang = session.scalars(select(Gang).where(Gang.key == key)).one_or_none()
    if gang is None:
        gang = Gang(key=key, score=0.0)
        session.add(gang)
    if name is not None:
        gang.name = name
    if score is not None:
        gang.score = float(score)
    if wanted is not None:
        for existing in list(gang.members):
            ref = (
                ("indicator", existing.indicator_id)
                if existing.indicator_id is not None
                else ("case", existing.case_id)
            )
            if ref in wanted:
                existing.role = wanted.pop(ref)  # type: ignore[arg-type]
            else:
                gang.members.remove(existing)
        for (what, ref_id), role in wanted.items():
            gang.members.append(
                GangMember(indicator_id=ref_id, role=role)
                if what == "indicator"
                else GangMember(case_id=ref_id, role=role)
            )
    session.flush()
    return gang


# --- many cases at once -------------------------------------------------------------------------

_CASE_FIELDS = ("title", "category", "region_code", "reported_at", "description")
_CASE_CHUNK = 500


@dataclass(frozen=True, slots=True)
class CaseIn:
    """A case to store with :func:`upsert_cases`; ``indicator_ids`` are stored indicators."""

    case_no: str
    title: str
    category: str | None = None
    region_code: str | None = None
    reported_at: datetime | None = None
    description: str | None = None
    indicator_ids: tuple[int, ...] = ()


@dataclass(slots=True)
class CaseUpsertCounts:
    """What :func:`upsert_cases` did: cases new, updated, unchanged; links added."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    links_new: int = 0
    ids: dict[str, int] = field(default_factory=dict)


def _checked_case(item: CaseIn) -> dict[str, Any]:
    """The column values of a case; the same checks as the model's validators."""
    if item.category is not None and item.category not in CATEGORIES:
        raise ValueError(f"category {item.category!r} is not one of: {', '.join(CATEGORIES)}")
    region = item.region_code
    if region is not None and not (len(region) == 6 and region.isascii() and region.isdigit()):
        raise ValueError(f"region_code {region!r} is not a 6-digit GB/T 2260 code")
    reported = as_utc(item.reported_at) if item.reported_at is not None else None
    return {"title": item.title, "category": item.category, "region_code": region,
            "reported_at": reported, "description": item.description}


def _stored_cases(session: Session, case_nos: Sequence[str]) -> dict[str, dict[str, Any]]:
    table = Case.__table__
    found: dict[str, dict[str, Any]] = {}
    for i in range(0, len(case_nos), _CASE_CHUNK):
        chunk = case_nos[i : i + _CASE_CHUNK]
        query = select(table.c.id, table.c.case_no, *(table.c[f] for f in _CASE_FIELDS))
        for row in session.execute(query.where(table.c.case_no.in_(chunk))).mappings():
            found[row["case_no"]] = dict(row)
    return found


def _stored_links(session: Session, case_ids: Sequence[int]) -> set[tuple[int, int]]:
    links: set[tuple[int, int]] = set()
    for i in range(0, len(case_ids), _CASE_CHUNK):
        chunk = case_ids[i : i + _CASE_CHUNK]
        query = select(case_indicators.c.case_id, case_indicators.c.indicator_id)
        links.update(tuple(r) for r in session.execute(
            query.where(case_indicators.c.case_id.in_(chunk))))
    return links


def _changes(stored: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """The fields to write: those given (title always) that differ from what is stored."""
    return {f: v for f, v in wanted.items()
            if (v is not None or f == "title") and stored[f] != v}


def upsert_cases(session: Session, items: Iterable[CaseIn]) -> CaseUpsertCounts:
    """Create or update many cases and link their indicators, in a few set-based statements.

    The bulk form of :func:`upsert_case`, with its meaning: cases are keyed by ``case_no``,
    fields given as ``None`` keep what is stored, links are only ever added. A case whose
    fields and links are all as stored counts as unchanged and is not written.
    """
    session.flush()
    wanted = {item.case_no: item for item in items}  # a later item for a case_no wins
    values = {no: _checked_case(item) for no, item in wanted.items()}
    stored = _stored_cases(session, list(wanted))
    counts = CaseUpsertCounts()
    now = utcnow()
    fresh = [{"case_no": no, **v, "created_at": now, "updated_at": now}
             for no, v in values.items() if no not in stored]
    if fresh:
        result = session.execute(insert(Case.__table__).returning(
            Case.__table__.c.id, Case.__table__.c.case_no), fresh)
        counts.ids.update((no, id_) for id_, no in result)
        counts.new = len(fresh)
    counts.ids.update((no, row["id"]) for no, row in stored.items())
    links = _stored_links(session, [row["id"] for row in stored.values()])
    new_links = [{"case_id": counts.ids[no], "indicator_id": iid}
                 for no, item in wanted.items() for iid in dict.fromkeys(item.indicator_ids)
                 if (counts.ids[no], iid) not in links]
    touched = {row["case_id"] for row in new_links}
    updates = []
    for no, row in stored.items():
        change = _changes(row, values[no])
        if change or row["id"] in touched:
            updates.append({"b_id": row["id"], **values[no], **{f: row[f] for f in _CASE_FIELDS
                            if values[no][f] is None}, "updated_at": now})
    counts.updated = len(updates)
    counts.unchanged = len(stored) - len(updates)
    if updates:
        table = Case.__table__
        session.execute(update(table).where(table.c.id == bindparam("b_id")), updates)
    if new_links:
        session.execute(insert(case_indicators), new_links)
    counts.links_new = len(new_links)
    for obj in list(session.identity_map.values()):  # Core statements changed them behind its back
        if isinstance(obj, Case | Indicator):
            session.expire(obj)
    return counts
