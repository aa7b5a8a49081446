"""Everything the store knows about one indicator, in one object (the analyst's "search").

Where it was seen and how often, the findings, cases and gangs it is in, and the clues that came
from any of those. Import :func:`indicator_profile` from :mod:`jingwang.store.repository`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jingwang.store.errors import NotFound
from jingwang.store.models import (
    Case,
    Clue,
    Finding,
    Gang,
    GangMember,
    Indicator,
    Sighting,
    case_indicators,
    finding_indicators,
)


@dataclass(frozen=True, slots=True)
class SightingView:
    """One sighting as the profile shows it."""

    source: str
    record_id: str
    start: int
    end: int
    raw: str
    context: str
    seen_at: datetime | None
    ingested_at: datetime


@dataclass(frozen=True, slots=True)
class GangLink:
    """A gang the indicator belongs to: directly (``via_case`` is None) or through a case."""

    gang: Gang
    role: str | None
    via_case: Case | None = None


@dataclass(frozen=True, slots=True)
class IndicatorProfile:
    """What the store knows about one indicator.

    ``sources`` maps each source to its number of sightings, most first;
    ``recent_sightings`` and ``findings`` are the newest ``limit`` of each.
    """

    indicator: Indicator
    sighting_count: int
    sources: dict[str, int]
    recent_sightings: list[SightingView]
    findings: list[Finding]
    cases: list[Case]
    gangs: list[GangLink]
    clues: list[Clue]


def indicator_profile(session: Session, indicator_id: int, limit: int = 50) -> IndicatorProfile:
    """The profile of indicator ``indicator_id``; raises :class:`NotFound` when absent."""
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound(f"no indicator with id {indicator_id}")

    count = func.count().label("n")
    sources = {
        source: n
        for source, n in session.execute(
            select(Sighting.source, count)
            .where(Sighting.indicator_id == indicator_id)
            .group_by(Sighting.source)
            .order_by(count.desc(), Sighting.source)
        )
    }
    recent = [
        SightingView(*row)
        for row in session.execute(
            select(
                Sighting.source,
                Sighting.record_id,
                Sighting.start,
                Sighting.end,
                Sighting.raw,
                Sighting.context,
                Sighting.seen_at,
                Sighting.ingested_at,
            )
            .where(Sighting.indicator_id == indicator_id)
            .order_by(Sighting.seen_at.desc().nulls_last(), Sighting.id.desc())
            .limit(limit)
        )
    ]

    # The ids first, as lists: most indicators have no finding or case, and then the queries
    # for them (and for their clues) are not sent at all.
    all_finding_ids = list(session.scalars(select(finding_indicators.c.finding_id).where(
        finding_indicators.c.indicator_id == indicator_id)))
    all_case_ids = list(session.scalars(select(case_indicators.c.case_id).where(
        case_indicators.c.indicator_id == indicator_id)))
    findings = list(
        session.scalars(
            select(Finding)
            .where(Finding.id.in_(all_finding_ids))
            .order_by(
                func.coalesce(Finding.observed_at, Finding.created_at).desc(), Finding.id.desc()
            )
            .limit(limit)
        )
    ) if all_finding_ids else []
    cases = list(
        session.scalars(
            select(Case)
            .where(Case.id.in_(all_case_ids))
            .order_by(Case.reported_at.desc().nulls_last(), Case.id.desc())
        )
    ) if all_case_ids else []

    gangs: dict[int, GangLink] = {}
    for gang, role in session.execute(
        select(Gang, GangMember.role)
        .join(GangMember, GangMember.gang_id == Gang.id)
        .where(GangMember.indicator_id == indicator_id)
        .order_by(Gang.id)
    ):
        gangs[gang.id] = GangLink(gang, role)
    via_cases = session.execute(
        select(Gang, GangMember.role, Case)
        .join(GangMember, GangMember.gang_id == Gang.id)
        .join(Case, GangMember.case_id == Case.id)
        .where(Case.id.in_(all_case_ids))
        .order_by(Gang.id, Case.id)
    ) if all_case_ids else []
    for gang, role, via in via_cases:
        gangs.setdefault(gang.id, GangLink(gang, role, via))

    # Ids as lists, each condition only when it has ids: an OR of subqueries made PostgreSQL
    # scan every clue for each indicator shown, where each IN list uses its index.
    sources_of_clues = [column.in_(ids) for column, ids in (
        (Clue.finding_id, all_finding_ids), (Clue.case_id, all_case_ids),
        (Clue.gang_id, list(gangs))) if ids]
    clues = list(
        session.scalars(
            select(Clue)
            .where(or_(*sources_of_clues))
            .order_by(Clue.created_at.desc(), Clue.id.desc())
        )
    ) if sources_of_clues else []
    return IndicatorProfile(
        indicator=indicator,
        sighting_count=sum(sources.values()),
        sources=sources,
        recent_sightings=recent,
        findings=findings,
        cases=cases,
        gangs=list(gangs.values()),
        clues=clues,
    )
