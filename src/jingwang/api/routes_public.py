"""Citizen reports (举报): the one route the public may use, rate-limited per client."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwang.api.access import Principal
from jingwang.api.deps import DB, StoreRouter, audit_read, now, require
from jingwang.categories import CATEGORIES
from jingwang.ingest.records import TextRecord
from jingwang.ingest.text import ingest_text
from jingwang.store.models import Report

router = StoreRouter(prefix="/api", tags=["reports"])
REPORT_SOURCE = "reports"


class ReportIn(BaseModel):
    text: Annotated[str, Field(min_length=5, max_length=20_000,
                               description="What happened, with any numbers, accounts, links.")]
    category: Annotated[str | None, Field(max_length=32, description="A 净网 category code.")] \
        = None
    region_code: Annotated[str | None, Field(pattern=r"^[0-9]{6}$")] = None
    contact: Annotated[str | None, Field(max_length=256)] = None


class ReportOut(BaseModel):
    record_id: str
    indicators: int
    duplicate: bool


@router.post("/reports", status_code=201, summary="Send a citizen report (no login needed)")
def send_report(body: ReportIn, request: Request, session: DB) -> ReportOut:
    """Stores the report and the indicators in it; the same text sent twice is stored once.
    At most ``report_rate`` reports a minute from one address (429 beyond)."""
    return receive_report(request, session, body)


def receive_report(request: Request, session: Session, body: ReportIn) -> ReportOut:
    """The rules of a citizen report, for the API and the console's form alike: the per-address
    rate limit (429), a known category (422), a text of 5 characters at least (422); the
    report and its indicators stored once per text (``duplicate`` when it was already)."""
    client = request.client.host if request.client else "unknown"
    if not request.app.state.report_limiter.allow(f"report:{client}"):
        raise HTTPException(429, "too many reports from this address; try again in a minute")
    if body.category is not None and body.category not in CATEGORIES:
        raise HTTPException(422, f"unknown category {body.category!r}")
    text = body.text.strip()
    if len(text) < 5:
        raise HTTPException(422, "the report text is empty")
    record_id = "web-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    existing = session.scalars(select(Report).where(Report.record_id == record_id)).first()
    if existing is not None:
        return ReportOut(record_id=record_id, indicators=0, duplicate=True)
    received = now(request)
    session.add(Report(record_id=record_id, text=text, category=body.category,
                       region_code=body.region_code, contact=body.contact, received_at=received))
    result = ingest_text(session, [TextRecord(id=record_id, text=text, row=1,
                                              observed_at=received)], REPORT_SOURCE)
    return ReportOut(record_id=record_id, indicators=result.distinct_indicators, duplicate=False)


@router.get("/reports", summary="Citizen reports, newest first")
def list_reports(request: Request, session: DB,
                 principal: Annotated[Principal, Depends(require("data.read"))],
                 limit: Annotated[int, Query(ge=1, le=500)] = 50,
                 offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> dict[str, Any]:
    total = session.scalar(select(func.count(Report.id)))
    rows = session.scalars(select(Report).order_by(Report.received_at.desc(), Report.id.desc())
                           .limit(limit).offset(offset)).all()
    if rows:
        audit_read(request, principal, "report", None, count=len(rows), list=True)
    return {"total": total, "items": [
        {"record_id": r.record_id, "text": r.text, "category": r.category,
         "region_code": r.region_code, "contact": r.contact,
         "received_at": r.received_at.isoformat()} for r in rows]}
