"""The findings inbox (研判发现): what the detectors found, newest first, and the one action an
analyst takes on a finding — promote it to a clue, routed from its evidence.

A finding has at most one clue: one that has a clue shows a link to it instead of the button,
and promoting it again leads to the clue it already has.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from jingwang.api.access import Principal
from jingwang.api.console.i18n import add
from jingwang.api.console.web import PREFIX, check_csrf, page_require, redirect, render
from jingwang.api.deps import DB, RowId, StoreRouter, audit, audit_read
from jingwang.categories import CATEGORIES, URGENCIES
from jingwang.clues import open_clue
from jingwang.clues.make import finding_title
from jingwang.store.models import Clue, Finding

router = StoreRouter(prefix=PREFIX, include_in_schema=False)

PAGE_SIZE = 25
SHOW = ("without_clue", "all")

add({
    "Findings inbox": "研判发现",
    "Show": "显示",
    "Without a clue only": "仅看未生成线索的",
    "{total} findings": "共 {total} 条研判发现",
    "Detector": "检测器",
    "Score": "分值",
    "Explanation": "研判说明",
    "Indicators": "涉案要素",
    "Clue": "线索",
    "Promote to clue": "生成线索",
    "Clue #{id}": "线索 #{id}",
    "Urgency": "紧急程度",
    "Observed": "发现时间",
})

Promoter = Annotated[Principal, Depends(page_require("clues.create"))]


def clues_of(session: Session, finding_ids: list[int]) -> dict[int, int]:
    """The (first) clue of each finding that has one: finding id → clue id."""
    if not finding_ids:
        return {}
    rows = session.execute(select(Clue.finding_id, func.min(Clue.id))
                           .where(Clue.finding_id.in_(finding_ids))
                           .group_by(Clue.finding_id))
    return {finding_id: clue_id for finding_id, clue_id in rows}


@router.get("/findings")
def findings_page(request: Request, session: DB,
                  principal: Promoter,
                  category: Annotated[str | None, Query(max_length=32)] = None,
                  show: Annotated[str, Query(max_length=16)] = "without_clue",
                  page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                  focus: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None) -> Response:
    """The inbox under the filters; ``focus`` highlights one finding (shown above the list
    too, so it is found whatever the filters)."""
    category = category if category in CATEGORIES else None
    show = show if show in SHOW else "without_clue"
    query = select(Finding)
    if category:
        query = query.where(Finding.category == category)
    if show == "without_clue":
        promoted = select(Clue.finding_id).where(Clue.finding_id.is_not(None))
        query = query.where(Finding.id.not_in(promoted))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    rows = list(session.scalars(query.options(selectinload(Finding.indicators))
                                .order_by(Finding.id.desc())
                                .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    focused = session.get(Finding, focus) if focus is not None else None
    clues = clues_of(session, [f.id for f in rows] + ([focused.id] if focused else []))
    if rows or focused:
        audit_read(request, principal, "finding", focused.id if focused else None,
                   count=len(rows), list=True)
    return render(request, "findings.html", findings=rows, clues=clues, focused=focused,
                  total=total, page=page, pages=pages, category=category, show=show,
                  categories=CATEGORIES, urgencies=URGENCIES)


@router.post("/findings/{finding_id}/promote")
def promote(finding_id: RowId, request: Request, session: DB,
            principal: Promoter,
            urgency: Annotated[str, Form(max_length=16)] = "normal",
            csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    """The finding's clue, made and routed now (as ``POST /api/clues`` would), or the one it
    has already; then the clue's page."""
    check_csrf(request, csrf)
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise HTTPException(404, f"no finding {finding_id}")
    if urgency not in URGENCIES:
        raise HTTPException(422, f"unknown urgency {urgency!r}")
    existing = clues_of(session, [finding.id]).get(finding.id)
    if existing is not None:
        return redirect(f"{PREFIX}/clues/{existing}")
    clue, _ = open_clue(session, finding_title(finding), finding.category, principal.username,
                        urgency=urgency, finding=finding, now=request.app.state.clock(),
                        ip_reader=request.app.state.ip_reader)
    audit(session, principal, "clue.create", "clue", clue.id, finding=finding.id,
          unit=clue.unit.code if clue.unit else None, routing_reason=clue.routing_reason)
    return redirect(f"{PREFIX}/clues/{clue.id}")
