"""The clue queue of a unit and the clue page: evidence, indicators, routing reason, 比中 hits,
history, and the actions that move a clue on (push, receive, verify, file, forward, close with
an outcome, reject).

The same rules as ``/api/clues``: an officer sees and acts on the clues of its unit and the
units below it only — any other clue is a 404 page, as if it did not exist, and the refusal is
audited — and an officer may not push.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from jingwang.api.access import Principal
from jingwang.api.console.i18n import add
from jingwang.api.console.routes_home import (
    OFFICER_OPEN,
    URGENCY_RANK,
    clue_scope,
    overdue_clause,
)
from jingwang.api.console.web import PREFIX, check_csrf, now, page_require, redirect, render
from jingwang.api.deps import DB, RowId, StoreRouter, audit, audit_read
from jingwang.api.routes_clues import OFFICER_STATUSES, visible_clue
from jingwang.categories import CATEGORIES, CLUE_STATUSES, CLUE_TERMINAL, URGENCIES
from jingwang.clues import Outcome, transition
from jingwang.clues import forward as forward_clue
from jingwang.clues.lifecycle import FORWARDABLE, record_outcome
from jingwang.linking.hits import HitReport, hits
from jingwang.store.clue_flow import ALLOWED_TRANSITIONS
from jingwang.store.errors import InvalidTransition
from jingwang.store.models import Case, Clue, Gang, GangMember, Indicator, Unit

router = StoreRouter(prefix=PREFIX, include_in_schema=False)

ClueReader = Annotated[Principal, Depends(page_require("clues.read"))]
ClueActor = Annotated[Principal, Depends(page_require("clues.act"))]
PAGE_SIZE = 50
MAX_INDICATORS = 60

add({
    "Clue": "线索",
    "Overdue only": "仅看逾期",
    "Open": "在办",
    "{total} clues": "共 {total} 条线索",
    "Title": "标题",
    "Deadline": "期限",
    "Created": "创建时间",
    "Routing reason": "分派理由",
    "Description": "描述",
    "Evidence": "证据",
    "Finding": "研判发现",
    "Case": "案件",
    "Gang": "团伙",
    "Indicators": "涉案要素",
    "Kind": "类型",
    "Value": "值",
    "比中 hits": "比中结果",
    "Record": "记录",
    "Shared indicators": "共有要素",
    "No other record shares an indicator with this clue.": "没有其他记录与本线索共有要素。",
    "History": "处置记录",
    "Actions": "处置",
    "Note": "备注",
    "Push to the unit": "推送至承办单位",
    "Receive (sign for)": "签收",
    "Verify": "核查属实",
    "File a case": "立案",
    "Close with outcome": "办结并反馈战果",
    "Reject": "退回",
    "Forward to unit": "移交单位",
    "Suspects caught": "抓获嫌疑人",
    "Money frozen (yuan)": "冻结资金（元）",
    "Cases solved": "破获案件",
    "Outcome so far": "已反馈战果",
    "Done: {what}": "已完成：{what}",
    "This clue is closed; nothing more can be done with it.": "该线索已结束，无法继续处置。",
    "Reject this clue?": "确认退回该线索？",
    "Close this clue?": "确认办结该线索？",
    "{n} more not shown": "另有 {n} 项未显示",
    "Report outcome": "反馈战果",
    "A figure must be a whole number of zero or more, and money an amount like 1234.56.":
        "战果须为不小于零的整数，资金须为金额（如 1234.56）。",
})


@dataclass
class QueueFilters:
    status: str
    category: str
    urgency: str
    overdue: bool
    page: int


def _filters(status: str | None, category: str | None, urgency: str | None,
             overdue: str | None, page: int) -> QueueFilters:
    return QueueFilters(status=status if status in CLUE_STATUSES or status == "all" else "open",
                        category=category if category in CATEGORIES else "",
                        urgency=urgency if urgency in URGENCIES else "",
                        overdue=overdue in ("1", "on", "true"), page=page)


def queue_query(session: Session, principal: Principal, f: QueueFilters, moment: datetime
                ) -> Any:
    """The person's clues under the filters: an officer's 'open' is what was pushed to it."""
    query = clue_scope(session, principal)
    if f.status == "open":
        query = query.where(Clue.status.in_(OFFICER_OPEN) if principal.unit_bound
                            else Clue.status.not_in(CLUE_TERMINAL))
    elif f.status != "all":
        query = query.where(Clue.status == f.status)
    if f.category:
        query = query.where(Clue.category == f.category)
    if f.urgency:
        query = query.where(Clue.urgency == f.urgency)
    if f.overdue:
        query = query.where(overdue_clause(moment))
    return query


@router.get("/clues")
def queue(request: Request, session: DB, principal: ClueReader,
          status: Annotated[str | None, Query(max_length=16)] = None,
          category: Annotated[str | None, Query(max_length=32)] = None,
          urgency: Annotated[str | None, Query(max_length=16)] = None,
          overdue: Annotated[str | None, Query(max_length=5)] = None,
          page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """The queue: the most urgent first, then the nearest deadline; overdue rows stand out."""
    moment = now(request)
    f = _filters(status, category, urgency, overdue, page)
    query = queue_query(session, principal, f, moment)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.options(selectinload(Clue.unit))
                           .order_by(URGENCY_RANK, func.coalesce(Clue.deadline_at,
                                                                 Clue.created_at), Clue.id)
                           .limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE)).all()
    if rows:
        audit_read(request, principal, "clue", None, count=len(rows), list=True)
    pages = max(1, -(-total // PAGE_SIZE))
    return render(request, "clues.html", urgent=rows, total=total, f=f, pages=pages,
                  moment=moment, terminal=CLUE_TERMINAL, statuses=CLUE_STATUSES,
                  categories=CATEGORIES, urgencies=URGENCIES)


def clue_indicators(session: Session, clue: Clue) -> list[Indicator]:
    """The indicators a clue stands on: its finding's, its case's, its gang's members'."""
    found: dict[int, Indicator] = {}
    if clue.finding is not None:
        found.update((i.id, i) for i in clue.finding.indicators)
    if clue.case is not None:
        found.update((i.id, i) for i in clue.case.indicators)
    if clue.gang_id is not None:
        members = session.scalars(
            select(Indicator).join(GangMember, GangMember.indicator_id == Indicator.id)
            .where(GangMember.gang_id == clue.gang_id).order_by(Indicator.kind, Indicator.id)
            .limit(MAX_INDICATORS * 4))
        found.update((i.id, i) for i in members)
    return sorted(found.values(), key=lambda i: (i.kind, i.value))


def next_steps(clue: Clue, principal: Principal) -> list[str]:
    """The statuses this person may move the clue to now, in the order of the flow."""
    if not principal.can("clues.act"):
        return []
    order = {status: i for i, status in enumerate(CLUE_STATUSES)}
    steps = sorted(ALLOWED_TRANSITIONS.get(clue.status, ()), key=order.__getitem__)
    if principal.unit_bound:
        steps = [s for s in steps if s in OFFICER_STATUSES]
    return steps


def _hits(session: Session, indicators: list[Indicator], clue: Clue) -> HitReport | None:
    if not indicators:
        return None
    report = hits(session, [(i.kind, i.value) for i in indicators[:MAX_INDICATORS]], limit=12)
    own = {("cases", clue.case.case_no)} if clue.case is not None else set()
    if clue.finding is not None and clue.finding.record_id is not None:
        own.add((clue.finding.source, clue.finding.record_id))
    report.hits = [h for h in report.hits if (h.source, h.record_id) not in own]
    return report


@router.get("/clues/{clue_id}")
def clue_page(clue_id: RowId, request: Request, session: DB, principal: ClueReader,
              done: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    clue = visible_clue(request, session, principal, clue_id, "read")
    audit_read(request, principal, "clue", clue_id)
    indicators = clue_indicators(session, clue)
    units = session.scalars(select(Unit).order_by(Unit.region_code, Unit.code)).all() \
        if principal.can("clues.act") and clue.status in FORWARDABLE else []
    return render(request, "clue.html", clue=clue, indicators=indicators[:MAX_INDICATORS],
                  more_indicators=max(0, len(indicators) - MAX_INDICATORS),
                  report=_hits(session, indicators, clue), steps=next_steps(clue, principal),
                  units=units, done=done if done in CLUE_STATUSES or done in ("forward",
                                                                              "outcome")
                  else None, moment=now(request), terminal=CLUE_TERMINAL,
                  case_row=session.get(Case, clue.case_id) if clue.case_id else None,
                  gang=session.get(Gang, clue.gang_id) if clue.gang_id else None)


def _count(value: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise HTTPException(422, "A figure must be a whole number of zero or more, and money "
                                 "an amount like 1234.56.")
    return int(value)


def _amount(value: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        amount = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount > Decimal("1e15"):
        raise HTTPException(422, "A figure must be a whole number of zero or more, and money "
                                 "an amount like 1234.56.")
    return amount.quantize(Decimal("0.01"))


@router.post("/clues/{clue_id}/status")
def change_status(clue_id: RowId, request: Request, session: DB, principal: ClueActor,
                  to: Annotated[str, Form(max_length=16)],
                  csrf: Annotated[str, Form(max_length=128)] = "",
                  note: Annotated[str, Form(max_length=5000)] = "",
                  suspects_caught: Annotated[str, Form(max_length=12)] = "",
                  money_frozen: Annotated[str, Form(max_length=24)] = "",
                  cases_solved: Annotated[str, Form(max_length=12)] = "") -> Response:
    check_csrf(request, csrf)
    clue = visible_clue(request, session, principal, clue_id, f"status:{to}")
    if to not in next_steps(clue, principal):
        raise HTTPException(409, f"a clue that is {clue.status} cannot be set to {to} here")
    outcome = Outcome(_count(suspects_caught), _amount(money_frozen), _count(cases_solved))
    try:
        transition(session, clue, to, principal.username, now=now(request),
                   note=note.strip() or None, outcome=outcome)
    except InvalidTransition as exc:
        raise HTTPException(409, str(exc)) from exc
    audit(session, principal, f"clue.{to}", "clue", clue_id, note=note.strip() or None,
          via_console=True)
    return redirect(f"{PREFIX}/clues/{clue_id}?done={to}")


@router.post("/clues/{clue_id}/forward")
def forward(clue_id: RowId, request: Request, session: DB, principal: ClueActor,
            unit: Annotated[str, Form(min_length=1, max_length=64)],
            csrf: Annotated[str, Form(max_length=128)] = "",
            note: Annotated[str, Form(max_length=5000)] = "") -> Response:
    check_csrf(request, csrf)
    clue = visible_clue(request, session, principal, clue_id, "forward")
    target = session.scalars(select(Unit).where(Unit.code == unit)).one_or_none()
    if target is None:
        raise HTTPException(422, f"no unit with code {unit!r}")
    try:
        forward_clue(session, clue, target, principal.username, note.strip() or None,
                     now=now(request))
    except InvalidTransition as exc:
        raise HTTPException(409, str(exc)) from exc
    audit(session, principal, "clue.forward", "clue", clue_id, to=target.code,
          note=note.strip() or None, via_console=True)
    if principal.unit_bound and target.id not in principal.reach(session):
        return redirect(f"{PREFIX}/clues")  # it has left this officer's reach
    return redirect(f"{PREFIX}/clues/{clue_id}?done=forward")


@router.post("/clues/{clue_id}/outcome")
def outcome(clue_id: RowId, request: Request, session: DB, principal: ClueActor,
            csrf: Annotated[str, Form(max_length=128)] = "",
            note: Annotated[str, Form(max_length=5000)] = "",
            suspects_caught: Annotated[str, Form(max_length=12)] = "",
            money_frozen: Annotated[str, Form(max_length=24)] = "",
            cases_solved: Annotated[str, Form(max_length=12)] = "") -> Response:
    """战果反馈: the unit's figures so far, without a change of status."""
    check_csrf(request, csrf)
    clue = visible_clue(request, session, principal, clue_id, "outcome")
    figures = Outcome(_count(suspects_caught), _amount(money_frozen), _count(cases_solved))
    if figures.empty:
        raise HTTPException(422, "A figure must be a whole number of zero or more, and money "
                                 "an amount like 1234.56.")
    try:
        record_outcome(session, clue, principal.username, figures, now=now(request),
                       note=note.strip() or None)
    except InvalidTransition as exc:
        raise HTTPException(409, str(exc)) from exc
    audit(session, principal, "clue.outcome", "clue", clue_id, via_console=True)
    return redirect(f"{PREFIX}/clues/{clue_id}?done=outcome")
