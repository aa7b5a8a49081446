"""Read routes over what the store knows: indicators (search, profile, 比中 hits), findings,
cases and gangs.  PII is masked for roles without the right; every unmasked read is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from sqlalchemy import func, select

from jingwang.api.access import Principal, shown
from jingwang.api.deps import DB, RowId, StoreRouter, audit_read, require
from jingwang.indicators import KINDS
from jingwang.indicators.kinds import PII_KINDS
from jingwang.indicators.query import query_candidates
from jingwang.linking.hits import hits as find_hits
from jingwang.store.errors import NotFound
from jingwang.store.gang_view import gang_view
from jingwang.store.models import Case, Finding, Gang, Indicator
from jingwang.store.repository import find_indicators, indicator_profile

router = StoreRouter(prefix="/api", tags=["data"])

Searcher = Annotated[Principal, Depends(require("indicators.search"))]
Reader = Annotated[Principal, Depends(require("data.read"))]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _audit_pii(request: Request, principal: Principal, object_type: str, object_id: Any,
               kinds: set[str], **detail: Any) -> None:
    """An audit event when ``principal`` was just shown unmasked PII of ``kinds``."""
    pii = sorted(kinds & PII_KINDS)
    if pii and principal.sees_pii:
        audit_read(request, principal, object_type, object_id, kinds=pii, **detail)


def _profile(principal: Principal, p) -> dict[str, Any]:
    ind = p.indicator
    data: dict[str, Any] = {
        "id": ind.id, "kind": ind.kind, "value": shown(principal, ind.kind, ind.value),
        "first_seen": _iso(ind.first_seen), "last_seen": _iso(ind.last_seen),
        "sightings": p.sighting_count, "sources": p.sources,
        "categories": sorted({f.category for f in p.findings} | {c.category for c in p.cases
                                                                  if c.category}),
    }
    if principal.sees_pii:  # the text around a sighting names other people's numbers too
        data["recent"] = [{"source": s.source, "record_id": s.record_id, "raw": s.raw,
                           "context": s.context, "seen_at": _iso(s.seen_at)}
                          for s in p.recent_sightings]
        data["findings"] = [{"id": f.id, "category": f.category, "score": f.score}
                            for f in p.findings]
        data["cases"] = [{"case_no": c.case_no, "category": c.category,
                          "region_code": c.region_code} for c in p.cases]
        data["gangs"] = [{"key": g.gang.key, "role": g.role} for g in p.gangs]
        data["clues"] = [{"id": c.id, "status": c.status, "unit_id": c.unit_id}
                         for c in p.clues]
    return data


@router.get("/indicators", summary="Search an indicator written in any form")
def search_indicators(request: Request, session: DB, principal: Searcher,
                      q: Annotated[str, Query(min_length=1, max_length=512)],
                      kind: Annotated[str | None, Query(max_length=32)] = None,
                      limit: Annotated[int, Query(ge=1, le=200)] = 20) -> dict[str, Any]:
    """What the store knows about ``q`` (a phone, card, account, handle, domain, URL …),
    read as every kind it may be (or only ``kind``)."""
    if kind is not None and kind not in KINDS:
        raise HTTPException(422, f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
    candidates = query_candidates(q, kind)
    found = find_indicators(session, candidates) if candidates else []
    results = [_profile(principal, indicator_profile(session, ind.id, limit=limit))
               for ind in found]
    _audit_pii(request, principal, "indicator", ",".join(str(i.id) for i in found),
               {i.kind for i in found}, query=q)
    return {"query": q,
            "read_as": [{"kind": k, "value": shown(principal, k, v)} for k, v in candidates],
            "results": results}


@router.get("/indicators/{indicator_id}", summary="One indicator's profile")
def get_indicator(indicator_id: RowId, request: Request, session: DB, principal: Searcher
                  ) -> dict[str, Any]:
    try:
        profile = indicator_profile(session, indicator_id)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    _audit_pii(request, principal, "indicator", indicator_id, {profile.indicator.kind})
    return _profile(principal, profile)


@router.get("/hits", summary="比中: every record sharing an indicator with a query or a case")
def get_hits(request: Request, session: DB, principal: Reader,
             q: Annotated[str | None, Query(max_length=512)] = None,
             case: Annotated[str | None, Query(max_length=64)] = None,
             limit: Annotated[int, Query(ge=1, le=200)] = 20) -> dict[str, Any]:
    if (q is None) == (case is None):
        raise HTTPException(422, "give exactly one of q (an indicator) or case (a case id)")
    pairs = query_candidates(q) if q is not None else None
    if q is not None and not pairs:
        raise HTTPException(422, f"{q!r} is not a valid indicator of any kind")
    try:
        report = find_hits(session, pairs, case_no=case, limit=limit)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    data = report.to_dict()
    _audit_pii(request, principal, "hits", case or q,
               {s.kind for h in report.hits for s in h.shared} | {x.kind for x in report.query})
    return data


def _finding(f: Finding, full: bool) -> dict[str, Any]:
    data = {"id": f.id, "detector": f.detector, "category": f.category, "score": f.score,
            "source": f.source, "record_id": f.record_id, "observed_at": _iso(f.observed_at),
            "explanation": f.explanation}
    if full:
        data["evidence"] = f.evidence
        data["indicators"] = [{"kind": i.kind, "value": i.value} for i in f.indicators]
    return data


@router.get("/findings", summary="Detector findings, newest first")
def list_findings(request: Request, session: DB, principal: Reader,
                  category: Annotated[str | None, Query(max_length=32)] = None,
                  min_score: Annotated[float, Query(ge=0, le=1)] = 0.0,
                  limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    query = select(Finding).where(Finding.score >= min_score)
    if category:
        query = query.where(Finding.category == category)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Finding.id.desc()).limit(limit).offset(offset))
    items = [_finding(f, full=False) for f in rows]
    if items:
        audit_read(request, principal, "finding", None, count=len(items), list=True)
    return {"total": total, "items": items}


@router.get("/findings/{finding_id}", summary="One finding with its evidence and indicators")
def get_finding(finding_id: RowId, request: Request, session: DB, principal: Reader
                ) -> dict[str, Any]:
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise HTTPException(404, f"no finding {finding_id}")
    audit_read(request, principal, "finding", finding_id)
    return _finding(finding, full=True)


def _case(c: Case, full: bool) -> dict[str, Any]:
    data = {"case_no": c.case_no, "title": c.title, "category": c.category,
            "region_code": c.region_code, "reported_at": _iso(c.reported_at)}
    if full:
        data["description"] = c.description
        data["indicators"] = [{"kind": i.kind, "value": i.value} for i in c.indicators]
    return data


@router.get("/cases", summary="Cases, newest reported first")
def list_cases(session: DB, principal: Reader,
               category: Annotated[str | None, Query(max_length=32)] = None,
               region: Annotated[str | None, Query(max_length=6)] = None,
               limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    query = select(Case)
    if category:
        query = query.where(Case.category == category)
    if region:
        query = query.where(Case.region_code.startswith(region.rstrip("0") or region))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Case.reported_at.desc().nulls_last(), Case.case_no)
                           .limit(limit).offset(offset))
    return {"total": total, "items": [_case(c, full=False) for c in rows]}


@router.get("/cases/{case_no}", summary="One case with its description and indicators")
def get_case(case_no: str, request: Request, session: DB, principal: Reader) -> dict[str, Any]:
    case = session.scalars(select(Case).where(Case.case_no == case_no)).one_or_none()
    if case is None:
        raise HTTPException(404, f"no case {case_no!r}")
    audit_read(request, principal, "case", case_no)
    return _case(case, full=True)


@router.get("/gangs", summary="Gangs found by linking, most records first")
def list_gangs(session: DB, principal: Reader,
               category: Annotated[str | None, Query(max_length=32)] = None,
               role: Annotated[str | None, Query(max_length=32)] = None,
               limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    query = select(Gang)
    if category:
        query = query.where(Gang.category == category)
    if role:
        query = query.where(Gang.role == role)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Gang.score.desc(), Gang.key).limit(limit).offset(offset))
    items = [{"key": g.key, "category": g.category, "role": g.role, "score": g.score,
              "summary": g.summary or {}} for g in rows]
    return {"total": total, "items": items}


@router.get("/gangs/{key}", summary="A gang: members, roles, cases, regions, chain links")
def get_gang(key: str, request: Request, session: DB, principal: Reader) -> dict[str, Any]:
    try:
        view = gang_view(session, key)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    _audit_pii(request, principal, "gang", view.key, {k for k, _, _ in view.indicators})
    return view.as_dict()


def indicator_count(session) -> int:
    return session.scalar(select(func.count(Indicator.id))) or 0
