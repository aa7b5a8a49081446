"""比中: every other record that shares an indicator with a query or a case, strongest first.

The query is a list of ``(kind, value)`` indicators (what an analyst pastes) or a case: its
linked indicators and those of its description.  Every record holding one of them — another
case, a post, a citizen report, any sighting source, a detector's finding — is a hit, scored by
the sum of the weights of the indicators it shares (:mod:`jingwang.linking.weights`: ln(N/df),
0 for excluded values and values over the correlation cap), so a case sharing a rare bank card
outranks one sharing a phone quoted everywhere.  Indicators of weight 0 link nothing and are
listed as ignored with the reason.  The regions of the matching cases are summed up with the
police units that cover them (the unit table may be empty).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.linking.exclusions import ExclusionList, default_exclusions
from jingwang.linking.weights import (
    CASE_SOURCE,
    EVERYWHERE,
    EXCLUDED,
    FINDING_SOURCE,
    OVER_CAP,
    indicator_weight_details,
    record_count,
    record_links,
)
from jingwang.store.errors import NotFound
from jingwang.store.models import Case, Finding, Indicator, Sighting, Unit, finding_indicators
from jingwang.store.repository import find_indicators

RecordKey = tuple[str, str]
"""A record: ``(source, record_id)``; a case is ``("cases", case_no)``."""
UNKNOWN = "unknown"
_CHUNK = 500
_KIND_ORDER = {"case": 0, "record": 1, "finding": 2}


@dataclass(frozen=True, slots=True)
class QueryIndicator:
    """One indicator of the query: its weight, or why it was ignored (``status``)."""

    kind: str
    value: str
    indicator_id: int | None
    records: int
    weight: float
    status: str  # "used", "excluded", "over_cap", "everywhere", "unknown"

    def reason(self, max_records: int) -> str:
        """Why it links nothing, in words."""
        return {
            EXCLUDED: "on the exclusion list",
            OVER_CAP: f"in {self.records:,} records, over the cap of {max_records:,}",
            EVERYWHERE: f"in every record ({self.records:,})",
            UNKNOWN: "in no record of the store",
        }.get(self.status, "used")


@dataclass(frozen=True, slots=True)
class SharedIndicator:
    """An indicator a hit shares with the query, with its weight and how many records hold it."""

    kind: str
    value: str
    weight: float
    records: int


@dataclass(frozen=True, slots=True)
class CaseInfo:
    """What a case hit shows about its case."""

    case_no: str
    title: str
    category: str | None
    region_code: str | None
    reported_at: datetime | None


@dataclass(frozen=True, slots=True)
class FindingInfo:
    """A detector's finding on the hit's record, or the hit itself."""

    id: int
    detector: str
    category: str
    score: float


@dataclass(slots=True)
class Hit:
    """One record sharing indicators with the query; ``kind`` is case, record or finding."""

    source: str
    record_id: str
    kind: str
    score: float
    shared: list[SharedIndicator]
    rank: int = 0
    case: CaseInfo | None = None
    findings: list[FindingInfo] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.kind == "case":
            return f"case {self.record_id}"
        if self.kind == "finding":
            return f"finding #{self.record_id}"
        return f"{self.source}#{self.record_id}"


@dataclass(frozen=True, slots=True)
class UnitHit:
    """A region of matching cases: how many, and the units (code, name) that cover it."""

    region_code: str
    cases: int
    units: list[tuple[str, str]]


@dataclass(slots=True)
class HitReport:
    """The 比中 answer: the query's indicators, the hits ranked, and the regions involved."""

    query: list[QueryIndicator]
    hits: list[Hit]
    total: int
    records: int
    max_records: int
    case_no: str | None = None
    units: list[UnitHit] = field(default_factory=list)

    @property
    def used(self) -> list[QueryIndicator]:
        return [q for q in self.query if q.status == "used"]

    @property
    def ignored(self) -> list[QueryIndicator]:
        return [q for q in self.query if q.status != "used"]

    def to_dict(self) -> dict[str, object]:
        """Plain data for ``--json``."""
        data = asdict(self)
        for q, item in zip(self.query, data["query"], strict=True):
            item["reason"] = q.reason(self.max_records)
        for hit, item in zip(self.hits, data["hits"], strict=True):
            item["label"] = hit.label
        return data


# --- the query ---------------------------------------------------------------------------------

def _case_indicator_ids(session: Session, case_no: str) -> list[int]:
    """The indicators of a case: linked to it, or sighted in its record (its description)."""
    case = session.scalars(select(Case).where(Case.case_no == case_no)).one_or_none()
    linked = [i.id for i in case.indicators] if case is not None else []
    sighted = session.scalars(
        select(Sighting.indicator_id).where(Sighting.source == CASE_SOURCE,
                                            Sighting.record_id == case_no).distinct())
    ids = list(dict.fromkeys([*linked, *sighted]))
    if case is None and not ids:
        raise NotFound(f"no case {case_no!r} in the store")
    return ids


def _query_ids(session: Session, pairs: Iterable[tuple[str, str]] | None,
               case_no: str | None) -> tuple[list[int], list[tuple[str, str]]]:
    """The stored indicator ids of the query, and the pairs asked for that are not stored."""
    if (pairs is None) == (case_no is None):
        raise ValueError("give either indicator pairs or a case number, exactly one")
    if case_no is not None:
        return _case_indicator_ids(session, case_no), []
    wanted = list(dict.fromkeys(pairs or ()))
    found = find_indicators(session, wanted)
    have = {(i.kind, i.value) for i in found}
    return [i.id for i in found], [p for p in wanted if p not in have]


def _query_indicators(session: Session, ids: list[int], missing: list[tuple[str, str]],
                      exclusions: ExclusionList, total: int) -> list[QueryIndicator]:
    details = indicator_weight_details(session, exclusions, ids, total=total)
    names = {i.id: (i.kind, i.value) for i in _indicators(session, ids)}
    out = []
    for iid in ids:
        kind, value = names[iid]
        w = details.get(iid)
        records = w.records if w is not None else 0
        status = (w.ignored or "used") if w is not None else UNKNOWN
        out.append(QueryIndicator(kind, value, iid, records, w.weight if w else 0.0, status))
    out.extend(QueryIndicator(k, v, None, 0, 0.0, UNKNOWN) for k, v in missing)
    return sorted(out, key=lambda q: (q.status != "used", -q.weight, q.kind, q.value))


def _indicators(session: Session, ids: list[int]) -> list[Indicator]:
    found: list[Indicator] = []
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        found.extend(session.scalars(select(Indicator).where(Indicator.id.in_(chunk))))
    return found


# --- the hits ----------------------------------------------------------------------------------

def _matches(session: Session, used: dict[int, QueryIndicator],
             own: RecordKey | None) -> dict[RecordKey, set[int]]:
    """Every record holding a used indicator, with the indicators it holds; not ``own``."""
    shared: dict[RecordKey, set[int]] = defaultdict(set)
    ids = list(used)
    for i in range(0, len(ids), _CHUNK):
        links = record_links(ids[i : i + _CHUNK]).subquery()
        for iid, source, record_id in session.execute(select(links)):
            if (source, record_id) != own:
                shared[(source, record_id)].add(iid)
    return shared


def _hit(key: RecordKey, iids: set[int], used: dict[int, QueryIndicator]) -> Hit:
    shared = sorted((SharedIndicator(used[i].kind, used[i].value, used[i].weight,
                                     used[i].records) for i in iids),
                    key=lambda s: (-s.weight, s.kind, s.value))
    kind = "finding" if key[0] == FINDING_SOURCE else "record"
    return Hit(source=key[0], record_id=key[1], kind=kind,
               score=sum(s.weight for s in shared), shared=shared)


def _ranked(hits: list[Hit]) -> list[Hit]:
    hits.sort(key=lambda h: (-h.score, -len(h.shared), _KIND_ORDER[h.kind], h.source,
                             h.record_id))
    for rank, hit in enumerate(hits, start=1):
        hit.rank = rank
    return hits


def _cases(session: Session, case_nos: list[str]) -> dict[str, Case]:
    found: dict[str, Case] = {}
    for i in range(0, len(case_nos), _CHUNK):
        chunk = case_nos[i : i + _CHUNK]
        found.update((c.case_no, c) for c in session.scalars(
            select(Case).where(Case.case_no.in_(chunk))))
    return found


def _attach_cases(hits: list[Hit], cases: dict[str, Case]) -> None:
    for hit in hits:
        case = cases.get(hit.record_id) if hit.source == CASE_SOURCE else None
        if case is not None:
            hit.kind = "case"
            hit.case = CaseInfo(case.case_no, case.title, case.category, case.region_code,
                                case.reported_at)


def _attach_findings(session: Session, hits: list[Hit], ids: list[int]) -> None:
    """The findings linked to the used indicators, on the hit records they belong to."""
    by_key = {(h.source, h.record_id): h for h in hits}
    linked = select(finding_indicators.c.finding_id).where(
        finding_indicators.c.indicator_id.in_(ids))
    query = select(Finding).where(Finding.id.in_(linked)).order_by(Finding.id)
    for finding in session.scalars(query):
        key = ((finding.source, finding.record_id)
               if finding.source is not None and finding.record_id is not None
               else (FINDING_SOURCE, str(finding.id)))
        hit = by_key.get(key)
        if hit is not None:
            hit.findings.append(FindingInfo(finding.id, finding.detector, finding.category,
                                            finding.score))


def _units(session: Session, cases: dict[str, Case]) -> list[UnitHit]:
    """Matching cases per region code, with the units whose region it is."""
    regions = Counter(c.region_code for c in cases.values() if c.region_code)
    units: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if regions:
        query = select(Unit.region_code, Unit.code, Unit.name).where(
            Unit.region_code.in_(list(regions))).order_by(Unit.code)
        for region, code, name in session.execute(query):
            units[region].append((code, name))
    return [UnitHit(region, n, units.get(region, []))
            for region, n in sorted(regions.items(), key=lambda r: (-r[1], r[0]))]


def hits(session: Session, pairs: Iterable[tuple[str, str]] | None = None,
         case_no: str | None = None, exclusions: ExclusionList | None = None,
         limit: int = 20) -> HitReport:
    """The records sharing an indicator with ``pairs`` (canonical ``(kind, value)``) or with
    case ``case_no``, ranked by the summed weight of what they share; the top ``limit``.

    Raises :class:`~jingwang.store.errors.NotFound` for a case that is not in the store.
    """
    exclusions = exclusions if exclusions is not None else default_exclusions()
    ids, missing = _query_ids(session, pairs, case_no)
    total = record_count(session)
    query = _query_indicators(session, ids, missing, exclusions, total)
    used = {q.indicator_id: q for q in query if q.status == "used" and q.indicator_id}
    own = (CASE_SOURCE, case_no) if case_no is not None else None
    matched = _matches(session, used, own) if used else {}
    found = [_hit(key, iids, used) for key, iids in matched.items()]
    cases = _cases(session, [rid for src, rid in matched if src == CASE_SOURCE])
    _attach_cases(found, cases)
    top = _ranked(found)[: max(limit, 0)]
    if top:
        _attach_findings(session, top, list(used))
    return HitReport(query=query, hits=top, total=len(found), records=total,
                     max_records=exclusions.cap(total), case_no=case_no,
                     units=_units(session, cases))
