"""The clue queue and a clue's life: list, read, create, move through statuses, forward.

An officer sees only the clues of its unit and the units below; any other clue answers 404 —
as if it did not exist — and the refusal is audited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from jingwang.api.access import Principal
from jingwang.api.deps import DB, RowId, StoreRouter, audit, audit_read, refuse, require
from jingwang.categories import CATEGORIES, CLUE_STATUSES, URGENCIES
from jingwang.clues import Outcome, open_clue, transition
from jingwang.clues import forward as forward_clue
from jingwang.store.models import Case, Clue, Finding, Gang, Unit

router = StoreRouter(prefix="/api", tags=["clues"])

ClueReader = Annotated[Principal, Depends(require("clues.read"))]
ClueCreator = Annotated[Principal, Depends(require("clues.create"))]
ClueActor = Annotated[Principal, Depends(require("clues.act"))]
# Statuses a unit officer may set on its own clues; pushing is the sender's (analyst's) act.
OFFICER_STATUSES = frozenset({"received", "verified", "case_filed", "closed", "rejected"})


class ClueIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=512)]
    category: Annotated[str, Field(description="a 净网 category code")]
    urgency: Annotated[str, Field(description="immediate, urgent or normal")] = "normal"
    description: Annotated[str | None, Field(max_length=20_000)] = None
    unit: Annotated[str | None, Field(max_length=64, description="target unit's code; "
                                      "routed from the evidence when left out")] = None
    finding_id: int | None = None
    case_no: Annotated[str | None, Field(max_length=64)] = None
    gang: Annotated[str | None, Field(max_length=128, description="gang key")] = None


class StatusIn(BaseModel):
    to: Annotated[str, Field(description="the next status")]
    note: Annotated[str | None, Field(max_length=5000)] = None
    suspects_caught: Annotated[int | None, Field(ge=0, le=1_000_000)] = None
    money_frozen: Annotated[Decimal | None, Field(ge=0, le=Decimal("1e15"), decimal_places=2)] \
        = None
    cases_solved: Annotated[int | None, Field(ge=0, le=1_000_000)] = None


class ForwardIn(BaseModel):
    unit: Annotated[str, Field(min_length=1, max_length=64, description="the new unit's code")]
    note: Annotated[str | None, Field(max_length=5000)] = None


def clue_dict(clue: Clue, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": clue.id, "title": clue.title, "category": clue.category,
        "urgency": clue.urgency, "status": clue.status,
        "unit": clue.unit.code if clue.unit else None,
        "unit_name": clue.unit.name if clue.unit else None,
        "deadline_at": clue.deadline_at.isoformat() if clue.deadline_at else None,
        "created_at": clue.created_at.isoformat(),
        "suspects_caught": clue.suspects_caught, "money_frozen": str(clue.money_frozen),
        "cases_solved": clue.cases_solved,
    }
    if full:
        data.update({
            "description": clue.description, "routing_reason": clue.routing_reason,
            "finding_id": clue.finding_id,
            "case_no": clue.case.case_no if clue.case else None,
            "gang": clue.gang.key if clue.gang else None,
            "events": [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                        "from": e.from_status, "to": e.to_status, "note": e.note,
                        "unit": e.unit.code if e.unit else None} for e in clue.events],
        })
    return data


def visible_clue(request: Request, session: Session, principal: Principal, clue_id: RowId,
                 action: str) -> Clue:
    """The clue, if the caller may see it; otherwise 404 (and the refusal audited)."""
    clue = session.get(Clue, clue_id)
    if clue is not None and (not principal.unit_bound
                             or clue.unit_id in principal.reach(session)):
        return clue
    if clue is not None:
        raise refuse(request, principal, 404, f"no clue {clue_id}", "denied", "clue", clue_id,
                     wanted=action)
    raise HTTPException(404, f"no clue {clue_id}")


def _unit(session: Session, code: str) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.code == code)).one_or_none()
    if unit is None:
        raise HTTPException(422, f"no unit with code {code!r}")
    return unit


@router.get("/clues", summary="The clue queue (an officer sees its own units' clues)")
def list_clues(request: Request, session: DB, principal: ClueReader,
               status: Annotated[str | None, Query(max_length=16)] = None,
               unit: Annotated[str | None, Query(max_length=64)] = None,
               category: Annotated[str | None, Query(max_length=32)] = None,
               urgency: Annotated[str | None, Query(max_length=16)] = None,
               limit: Annotated[int, Query(ge=1, le=500)] = 50,
               offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> dict[str, Any]:
    query = select(Clue)
    if principal.unit_bound:
        query = query.where(Clue.unit_id.in_(sorted(principal.reach(session)) or [-1]))
    if status:
        query = query.where(Clue.status == status)
    if unit:
        query = query.where(Clue.unit_id == _unit(session, unit).id)
    if category:
        query = query.where(Clue.category == category)
    if urgency:
        query = query.where(Clue.urgency == urgency)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    # The most urgent first, then the oldest: the order a unit works its queue in.
    order = [func.coalesce(Clue.deadline_at, Clue.created_at), Clue.id]
    rows = session.scalars(query.options(selectinload(Clue.unit)).order_by(*order)
                           .limit(limit).offset(offset)).all()
    if rows:
        audit_read(request, principal, "clue", None, count=len(rows), list=True)
    return {"total": total, "items": [clue_dict(c) for c in rows]}


@router.get("/clues/{clue_id}", summary="One clue with its routing reason and history")
def get_clue(clue_id: RowId, request: Request, session: DB, principal: ClueReader
             ) -> dict[str, Any]:
    clue = visible_clue(request, session, principal, clue_id, "read")
    audit_read(request, principal, "clue", clue_id)
    return clue_dict(clue, full=True)


@router.post("/clues", status_code=201, summary="Create a clue (routed from its evidence "
             "when no unit is named)")
def create(body: ClueIn, request: Request, session: DB, principal: ClueCreator
           ) -> dict[str, Any]:
    if body.category not in CATEGORIES:
        raise HTTPException(422, f"unknown category {body.category!r}")
    if body.urgency not in URGENCIES:
        raise HTTPException(422, f"unknown urgency {body.urgency!r}; one of "
                                 f"{', '.join(URGENCIES)}")
    finding = case = gang = None
    if body.finding_id is not None and (finding := session.get(Finding, body.finding_id)) is None:
        raise HTTPException(422, f"no finding {body.finding_id}")
    if body.case_no is not None:
        case = session.scalars(select(Case).where(Case.case_no == body.case_no)).one_or_none()
        if case is None:
            raise HTTPException(422, f"no case {body.case_no!r}")
    if body.gang is not None:
        gang = session.scalars(select(Gang).where(Gang.key == body.gang)).one_or_none()
        if gang is None:
            raise HTTPException(422, f"no gang {body.gang!r}")
    unit = _unit(session, body.unit) if body.unit else None
    clue, _ = open_clue(session, body.title, body.category, principal.username,
                        urgency=body.urgency, finding=finding, gang=gang, case=case, unit=unit,
                        description=body.description, now=request.app.state.clock(),
                        ip_reader=request.app.state.ip_reader)
    audit(session, principal, "clue.create", "clue", clue.id, unit=clue.unit.code
          if clue.unit else None, routing_reason=clue.routing_reason)
    return clue_dict(clue, full=True)


@router.post("/clues/{clue_id}/status", summary="Move a clue to its next status")
def change_status(clue_id: RowId, body: StatusIn, request: Request, session: DB,
                  principal: ClueActor) -> dict[str, Any]:
    clue = visible_clue(request, session, principal, clue_id, f"status:{body.to}")
    if body.to not in CLUE_STATUSES:
        raise HTTPException(422, f"unknown status {body.to!r}")
    if principal.unit_bound and body.to not in OFFICER_STATUSES:
        raise HTTPException(403, f"a unit officer may not set {body.to}")
    transition(session, clue, body.to, principal.username, now=request.app.state.clock(),
               note=body.note, outcome=Outcome(body.suspects_caught, body.money_frozen,
                                               body.cases_solved))
    audit(session, principal, f"clue.{body.to}", "clue", clue_id, note=body.note)
    return clue_dict(clue, full=True)


@router.post("/clues/{clue_id}/forward", summary="Forward a clue to another unit")
def forward(clue_id: RowId, body: ForwardIn, request: Request, session: DB,
            principal: ClueActor) -> dict[str, Any]:
    clue = visible_clue(request, session, principal, clue_id, "forward")
    target = _unit(session, body.unit)
    forward_clue(session, clue, target, principal.username, body.note,
                 now=request.app.state.clock())
    audit(session, principal, "clue.forward", "clue", clue_id, to=target.code, note=body.note)
    return clue_dict(clue, full=True)


@router.get("/stats/campaign", summary="Campaign figures from the clue events (专项行动战果)")
def campaign(session: DB, principal: Annotated[Principal, Depends(require("stats.read"))],
             by: Annotated[str, Query(max_length=64, description="comma-separated: any of "
                                      "category, region, city, unit, month")] = "category"
             ) -> dict[str, Any]:
    """Clues pushed, received, verified, cases filed, closed, rejected, suspects caught, money
    frozen and cases solved, counted from the events as the campaign reports count them."""
    from jingwang.clues import GROUPINGS, campaign_stats

    groupings = tuple(g.strip() for g in by.split(",") if g.strip())
    unknown = [g for g in groupings if g not in GROUPINGS]
    if not groupings or unknown:
        raise HTTPException(422, f"group by any of {', '.join(GROUPINGS)}")
    return campaign_stats(session, groupings).as_dict()
