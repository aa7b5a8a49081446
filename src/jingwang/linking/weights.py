"""How much a shared indicator says: rarer values are stronger evidence (比中 weights).

Two records sharing a phone seen in three records of the whole store are very likely linked;
two sharing a number quoted in a thousand are not.  This is the term-frequency adjustment of
Splink (an exact match on a value is worth more the rarer the value) in its simplest form, the
inverse document frequency::

    weight(indicator) = ln(N / df)

where ``df`` is the number of distinct records the indicator is in — sightings' ``(source,
record_id)``, cases it is linked to (record ``("cases", case_no)``, the same record its
description's sightings are filed under), findings linked to it (their source record, or
``("finding", id)`` when they have none) — and ``N`` the number of distinct records in the
store holding any indicator.  The weight is 0 for a value on the exclusion list
(:mod:`jingwang.linking.exclusions`) and for one in more than ``max_records`` records (MISP's
correlation limit): such values must not glue the world together.

Counts are SQL aggregates (``UNION`` of the record keys, ``GROUP BY`` indicator), never Python
loops over sightings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import String, and_, case, cast, func, literal_column, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from jingwang.linking.exclusions import ExclusionList, default_exclusions
from jingwang.store.models import (
    Case,
    Finding,
    Indicator,
    Sighting,
    case_indicators,
    finding_indicators,
)

CASE_SOURCE = "cases"
"""The source under which a case is a record: its sightings (import) and its links agree."""
FINDING_SOURCE = "finding"
"""The source of a finding that names no source record: the record is the finding itself."""

EXCLUDED = "excluded"
OVER_CAP = "over_cap"
EVERYWHERE = "everywhere"
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class IndicatorWeight:
    """The weight of one indicator and how it came about.

    ``ignored`` is None when the indicator links (weight > 0), else ``"excluded"`` (on the
    exclusion list), ``"over_cap"`` (in more than ``max_records`` records) or
    ``"everywhere"`` (in every record, so it tells nothing).
    """

    indicator_id: int
    kind: str
    value: str
    records: int
    weight: float
    ignored: str | None = None


def _finding_keys() -> tuple:
    has_record = and_(Finding.source.is_not(None), Finding.record_id.is_not(None))
    source = case((has_record, Finding.source), else_=literal_column(f"'{FINDING_SOURCE}'"))
    record = case((has_record, Finding.record_id), else_=cast(Finding.id, String))
    return source, record


def record_links(ids: Iterable[int] | None = None) -> Select:
    """``(indicator_id, source, record_id)``, once each, for every record an indicator is in
    (only ``ids`` when given): a ``UNION`` of sightings, case links and finding links."""
    wanted = None if ids is None else list(ids)
    sightings = select(Sighting.indicator_id.label("indicator_id"),
                       Sighting.source.label("source"), Sighting.record_id.label("record_id"))
    cases = (select(case_indicators.c.indicator_id,
                    literal_column(f"'{CASE_SOURCE}'").label("source"),
                    Case.case_no.label("record_id"))
             .join(Case, Case.id == case_indicators.c.case_id))
    f_source, f_record = _finding_keys()
    findings = (select(finding_indicators.c.indicator_id, f_source.label("source"),
                       f_record.label("record_id"))
                .join(Finding, Finding.id == finding_indicators.c.finding_id))
    if wanted is not None:
        sightings = sightings.where(Sighting.indicator_id.in_(wanted))
        cases = cases.where(case_indicators.c.indicator_id.in_(wanted))
        findings = findings.where(finding_indicators.c.indicator_id.in_(wanted))
    return select(union(sightings, cases, findings).subquery())


def record_count(session: Session) -> int:
    """N: distinct records in the store that hold at least one indicator."""
    links = record_links().subquery()
    records = select(links.c.source, links.c.record_id).distinct().subquery()
    return int(session.scalar(select(func.count()).select_from(records)) or 0)


def _record_counts(session: Session, ids: list[int] | None) -> list[tuple[int, str, str, int]]:
    """``(indicator_id, kind, value, df)`` per indicator (of ``ids``, when given)."""
    links = record_links(ids).subquery()
    df = func.count().label("df")
    per = select(links.c.indicator_id, df).group_by(links.c.indicator_id).subquery()
    query = (select(Indicator.id, Indicator.kind, Indicator.value, per.c.df)
             .join(per, per.c.indicator_id == Indicator.id))
    return [(int(i), k, v, int(n)) for i, k, v, n in session.execute(query)]


def idf(total: int, records: int) -> float:
    """ln(N / df); 0 when the value is in no record or in all of them."""
    if records <= 0 or total <= records:
        return 0.0
    return math.log(total / records)


def weigh(kind: str, value: str, records: int, total: int,
          exclusions: ExclusionList) -> tuple[float, str | None]:
    """The weight of a value in ``records`` of ``total`` records, and why it is 0 if it is."""
    if exclusions.excluded(kind, value):
        return 0.0, EXCLUDED
    if records > exclusions.cap(total):
        return 0.0, OVER_CAP
    weight = idf(total, records)
    return (weight, None) if weight > 0 else (0.0, EVERYWHERE)


def indicator_weight_details(session: Session, exclusions: ExclusionList | None = None,
                             ids: Iterable[int] | None = None, *,
                             total: int | None = None) -> dict[int, IndicatorWeight]:
    """:class:`IndicatorWeight` per indicator id (only ``ids`` when given; an indicator in no
    record is left out). ``total`` is N when the caller has counted it already."""
    exclusions = exclusions if exclusions is not None else default_exclusions()
    total = record_count(session) if total is None else total
    wanted = None if ids is None else list(dict.fromkeys(ids))
    rows: list[tuple[int, str, str, int]] = []
    if wanted is None:
        rows = _record_counts(session, None)
    else:
        for i in range(0, len(wanted), _CHUNK):
            rows.extend(_record_counts(session, wanted[i : i + _CHUNK]))
    out: dict[int, IndicatorWeight] = {}
    for iid, kind, value, df in rows:
        weight, why = weigh(kind, value, df, total, exclusions)
        out[iid] = IndicatorWeight(iid, kind, value, df, weight, why)
    return out


def indicator_weights(session: Session, exclusions: ExclusionList | None = None,
                      ids: Iterable[int] | None = None) -> dict[int, float]:
    """``{indicator_id: weight}`` for every indicator in some record (only ``ids`` when
    given): ln(N / df), 0 for excluded values and values over the cap."""
    details = indicator_weight_details(session, exclusions, ids)
    return {iid: w.weight for iid, w in details.items()}
