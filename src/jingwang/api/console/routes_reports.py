"""Citizen reports (举报) in the console: the public form at ``/report`` and the analysts'
triage at ``/console/reports``.

The form obeys the same rules as ``POST /api/reports`` (:func:`receive_report`: rate limit,
category, length, stored once per text); the links a citizen lists are appended to the text so
their domains and URLs are extracted as indicators like any other.  The triage shows each
report's indicators and a suggested category with its reason: first the category of a case,
finding or gang that shares the report's indicators (比中), else the keyword lexicon's
(:func:`jingwang.content.suggest_category`); from there one action makes a clue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwang.api.access import Principal
from jingwang.api.console.i18n import add, translator
from jingwang.api.console.web import PREFIX, check_csrf, language, page_require, redirect, render
from jingwang.api.deps import DB, RowId, StoreRouter, audit, audit_read
from jingwang.api.routes_public import REPORT_SOURCE, ReportIn, receive_report
from jingwang.categories import CATEGORIES
from jingwang.clues import open_clue
from jingwang.content import suggest_category
from jingwang.linking.hits import hits as find_hits
from jingwang.store.models import Gang, GangMember, Indicator, Report, Sighting

# The public form lives outside /console, so this router has no prefix: full paths below.
router = StoreRouter(prefix="", include_in_schema=False)

PAGE_SIZE = 20
TITLE_CHARS = 80
MAX_LINKS = 50

add({
    "Report illegal information online": "举报网络违法犯罪信息",
    "Tell us what you saw: numbers, accounts, links, group names. You need not give your name.":
        "请写明您看到的内容：电话、账号、链接、群名等。可匿名举报。",
    "What happened": "举报内容",
    "Links (one per line)": "相关链接（每行一个）",
    "Your contact (optional)": "联系方式（选填）",
    "Region code (optional, 6 digits)": "地区代码（选填，6 位数字）",
    "Kind of crime (optional)": "违法犯罪类型（选填）",
    "Not sure": "不确定",
    "Send the report": "提交举报",
    "Report received": "举报已受理",
    "Your receipt number": "您的回执编号",
    "Please keep this receipt number.": "请保存回执编号。",
    "We recognised {n} numbers, accounts or links in your report.":
        "从您的举报中识别出 {n} 个电话、账号或链接等要素。",
    "This report had been received before; it is stored once.": "该举报此前已受理，不重复登记。",
    "Send another report": "继续举报",
    "Too many reports from this address; try again in a minute.":
        "本地址提交举报过于频繁，请一分钟后再试。",
    "Please describe what happened (5 characters at least).": "请填写举报内容（至少 5 个字）。",
    "The region code is 6 digits.": "地区代码应为 6 位数字。",
    "The report could not be accepted; check the fields.": "举报未能受理，请检查填写内容。",
    "Reporter's choice": "举报人所选类别",
    "Suggested category": "建议类别",
    "Received at": "受理时间",
    "Receipt no.": "回执编号",
    "Report text": "举报内容",
    "Reporter's contact": "举报人联系方式",
    "{total} reports": "共 {total} 条举报",
    "No indicators recognised.": "未识别出涉案要素。",
    "No suggestion: no shared indicator and no keyword.": "暂无建议：无比中记录，也无关键词。",
    "比中 case {case_no}": "比中案件 {case_no}",
    "比中 finding #{id}": "比中研判发现 #{id}",
    "比中 gang {key}": "比中团伙 {key}",
    "keywords: {terms}": "关键词：{terms}",
    "Make a clue": "生成线索",
    "Choose a category for the clue.": "请为线索选择类别。",
    "Kind": "类型",
    "Value": "值",
    "Indicators": "涉案要素",
})


@dataclass
class Triage:
    """One report as the analyst sees it: its indicators, and the suggested category with the
    reason (a message and its values, translated on the page)."""

    report: Report
    indicators: list[Indicator] = field(default_factory=list)
    category: str | None = None
    reason: str | None = None
    reason_values: dict[str, Any] = field(default_factory=dict)


# --- the public form ---------------------------------------------------------------------------

def _links(raw: str) -> list[str]:
    """The non-empty lines of the links box, each once, in order."""
    lines = (line.strip() for line in raw.splitlines())
    return list(dict.fromkeys(line for line in lines if line))[:MAX_LINKS]


def _form(request: Request, status_code: int = 200, error: str | None = None,
          **values: Any) -> Response:
    return render(request, "report_form.html", status_code=status_code, error=error,
                  categories=CATEGORIES, values=values)


@router.get("/report")
def report_form(request: Request) -> Response:
    """The citizen's form: no login; the session cookie carries the form token."""
    return _form(request)


@router.post("/report")
def send_report_form(
        request: Request, session: DB,
        text: Annotated[str, Form(max_length=20_000)] = "",
        links: Annotated[str, Form(max_length=20_000)] = "",
        category: Annotated[str, Form(max_length=32)] = "",
        contact: Annotated[str, Form(max_length=256)] = "",
        region_code: Annotated[str, Form(max_length=16)] = "",
        csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    """Store the report by the rules of ``POST /api/reports``; answer with the receipt."""
    check_csrf(request, csrf)
    _ = translator(language(request))
    values = {"text": text, "links": links, "category": category, "contact": contact,
              "region_code": region_code}
    listed = _links(links)
    full = "\n".join([text.strip(), *listed]) if listed else text
    try:
        body = ReportIn(text=full, category=category or None, contact=contact.strip() or None,
                        region_code=region_code.strip() or None)
    except ValidationError as exc:
        where = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
        message = ("The region code is 6 digits." if "region_code" in where else
                   "Please describe what happened (5 characters at least)." if "text" in where
                   else "The report could not be accepted; check the fields.")
        return _form(request, 422, _(message), **values)
    try:
        answer = receive_report(request, session, body)
    except HTTPException as exc:
        message = {429: "Too many reports from this address; try again in a minute."}.get(
            exc.status_code, "Please describe what happened (5 characters at least)."
            if "empty" in str(exc.detail) else "The report could not be accepted; check the "
            "fields.")
        return _form(request, exc.status_code, _(message), **values)
    count = answer.indicators
    if answer.duplicate:
        count = session.scalar(select(func.count(func.distinct(Sighting.indicator_id))).where(
            Sighting.source == REPORT_SOURCE, Sighting.record_id == answer.record_id)) or 0
    return render(request, "report_receipt.html", record_id=answer.record_id,
                  indicators=count, duplicate=answer.duplicate)


# --- the analysts' triage ----------------------------------------------------------------------

async def _triager(principal: Annotated[Principal, Depends(page_require("clues.create"))]
                   ) -> Principal:
    """Reports are read with ``data.read`` and triaged by those who make clues."""
    if not principal.can("data.read"):
        raise HTTPException(403, "Your role may not open this page.")
    return principal


Triager = Annotated[Principal, Depends(_triager)]


def report_indicators(session: Session, record_ids: list[str]) -> dict[str, list[Indicator]]:
    """The indicators sighted in each report (source ``reports``), each once, by kind."""
    found: dict[str, dict[int, Indicator]] = defaultdict(dict)
    if record_ids:
        rows = session.execute(select(Sighting.record_id, Indicator)
                               .join(Indicator, Indicator.id == Sighting.indicator_id)
                               .where(Sighting.source == REPORT_SOURCE,
                                      Sighting.record_id.in_(record_ids))
                               .order_by(Sighting.record_id, Sighting.start))
        for record_id, indicator in rows:
            found[record_id].setdefault(indicator.id, indicator)
    return {rid: sorted(inds.values(), key=lambda i: (i.kind, i.value))
            for rid, inds in found.items()}


def _shared_gang(session: Session, indicator_ids: list[int]) -> Gang | None:
    """The strongest gang with a category that has one of ``indicator_ids`` as a member."""
    if not indicator_ids:
        return None
    return session.scalars(select(Gang).join(GangMember, GangMember.gang_id == Gang.id)
                           .where(GangMember.indicator_id.in_(indicator_ids),
                                  Gang.category.is_not(None))
                           .order_by(Gang.score.desc(), Gang.id).limit(1)).first()


def triage(session: Session, report: Report, indicators: list[Indicator]) -> Triage:
    """The suggested category of ``report``: a 比中 hit's (a case or a finding, strongest
    first), else a gang's that holds one of its indicators, else the lexicon's; with the
    reason in words."""
    item = Triage(report, indicators)
    if indicators:
        answer = find_hits(session, [(i.kind, i.value) for i in indicators], limit=20)
        for hit in answer.hits:
            if (hit.source, hit.record_id) == (REPORT_SOURCE, report.record_id):
                continue
            if hit.case is not None and hit.case.category:
                item.category, item.reason = hit.case.category, "比中 case {case_no}"
                item.reason_values = {"case_no": hit.case.case_no}
                return item
            if hit.findings:
                finding = hit.findings[0]
                item.category, item.reason = finding.category, "比中 finding #{id}"
                item.reason_values = {"id": finding.id}
                return item
        gang = _shared_gang(session, [q.indicator_id for q in answer.used if q.indicator_id])
        if gang is not None:
            item.category, item.reason = gang.category, "比中 gang {key}"
            item.reason_values = {"key": gang.key}
            return item
    suggestion = suggest_category(report.text)
    if suggestion is not None:
        item.category, item.reason = suggestion.category, "keywords: {terms}"
        item.reason_values = {"terms": ", ".join(suggestion.matched_terms)}
    return item


@router.get(PREFIX + "/reports")
def reports_page(request: Request, session: DB, principal: Triager,
                 page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """Citizen reports, newest first, each with its indicators and a suggested category."""
    total = session.scalar(select(func.count(Report.id))) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    rows = session.scalars(select(Report).order_by(Report.received_at.desc(), Report.id.desc())
                           .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    found = report_indicators(session, [r.record_id for r in rows])
    items = [triage(session, r, found.get(r.record_id, [])) for r in rows]
    if rows:
        audit_read(request, principal, "report", None, count=len(rows), list=True)
    return render(request, "reports.html", items=items, total=total, page=page, pages=pages,
                  categories=CATEGORIES)


def _title(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= TITLE_CHARS else line[:TITLE_CHARS - 1] + "…"


@router.post(PREFIX + "/reports/{report_id}/clue")
def report_to_clue(report_id: RowId, request: Request, session: DB, principal: Triager,
                   category: Annotated[str, Form(max_length=32)] = "",
                   csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    """A clue from a report: the chosen category, else the suggested, else the reporter's;
    routed from its evidence; then the clue's page."""
    check_csrf(request, csrf)
    report = session.get(Report, report_id)
    if report is None:
        raise HTTPException(404, f"no report {report_id}")
    if not category:
        found = report_indicators(session, [report.record_id]).get(report.record_id, [])
        category = triage(session, report, found).category or report.category or ""
    if category not in CATEGORIES:
        raise HTTPException(422, "Choose a category for the clue.")
    clue, _ = open_clue(session, _title(report.text), category, principal.username,
                        description=report.text, note=f"from citizen report {report.record_id}",
                        now=request.app.state.clock(), ip_reader=request.app.state.ip_reader)
    audit(session, principal, "clue.create", "clue", clue.id, report=report.record_id,
          unit=clue.unit.code if clue.unit else None, routing_reason=clue.routing_reason)
    return redirect(f"{PREFIX}/clues/{clue.id}")
