"""Search any phone, card, account, domain or handle; one indicator's page; one gang's page.

The pages show what ``GET /api/indicators``, ``/api/indicators/{id}`` and ``/api/gangs/{key}``
give the same role (:mod:`jingwang.api.routes_data`): PII masked for a role without
``pii.read``, sightings, findings, cases, gangs and clues only for a role with it, and every
unmasked read audited the same way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from jingwang.api.access import Principal, shown
from jingwang.api.console.gang_graph import KIND_COLOURS, Node, Picture, gang_graph, layout
from jingwang.api.console.i18n import add
from jingwang.api.console.web import PREFIX, language, page_require, render
from jingwang.api.deps import DB, StoreRouter
from jingwang.api.routes_data import _audit_pii
from jingwang.indicators.kinds import KINDS, kind_name
from jingwang.indicators.query import query_candidates
from jingwang.regions import full_name
from jingwang.store.errors import NotFound
from jingwang.store.gang_view import GangView, gang_view
from jingwang.store.models import Case, Gang, GangMember, Indicator, case_indicators
from jingwang.store.profile import IndicatorProfile
from jingwang.store.repository import find_indicators, indicator_profile

router = StoreRouter(prefix=PREFIX, include_in_schema=False)

Searcher = Annotated[Principal, Depends(page_require("indicators.search"))]
Reader = Annotated[Principal, Depends(page_require("data.read"))]

MAX_QUERY = 512
RESULT_LIMIT = 20      # findings/sightings read per search result, as the API's default
MEMBER_ROWS = 1000     # most member rows listed on a gang page (the count is always whole)

@dataclass
class Row:
    """One search result as the page lists it (value already masked for the role)."""

    id: int
    kind: str
    value: str
    first_seen: datetime | None
    last_seen: datetime | None
    sightings: int
    categories: list[str]


def categories(p: IndicatorProfile) -> list[str]:
    """The crime categories of an indicator's findings and cases (as the API gives them)."""
    return sorted({f.category for f in p.findings} | {c.category for c in p.cases
                                                      if c.category})


def result_row(principal: Principal, p: IndicatorProfile) -> Row:
    ind = p.indicator
    return Row(ind.id, ind.kind, shown(principal, ind.kind, ind.value), ind.first_seen,
               ind.last_seen, p.sighting_count, categories(p))


def page_words(request: Request) -> dict[str, object]:
    """What these templates need besides the shared context: the kinds and their colours."""
    return {"kinds": KINDS, "kind_colours": KIND_COLOURS}


@router.get("/search")
def search_page(request: Request, session: DB, principal: Searcher, q: str = "",
                kind: str = "") -> Response:
    """One box for any indicator, read as every kind it may be (or only ``kind``)."""
    q = q.strip()
    message: tuple[str, dict[str, str]] | None = None
    read_as: list[tuple[str, str]] = []
    results: list[Row] = []
    if kind and kind not in KINDS:
        message = ("There is no indicator kind {kind}.", {"kind": kind})
    elif len(q) > MAX_QUERY:
        message = ("The query is too long (at most {n} characters).", {"n": str(MAX_QUERY)})
    elif q:
        candidates = query_candidates(q, kind or None)
        read_as = [(k, shown(principal, k, v)) for k, v in candidates]
        if not candidates:
            message = ("“{q}” is not a phone, card, account, domain, handle or address that "
                       "can be read.", {"q": q})
        else:
            found = find_indicators(session, candidates)
            results = [result_row(principal, indicator_profile(session, i.id,
                                                               limit=RESULT_LIMIT))
                       for i in found]
            _audit_pii(request, principal, "indicator", ",".join(str(i.id) for i in found),
                       {i.kind for i in found}, query=q)
    return render(request, "search.html", q=q, kind=kind, read_as=read_as, results=results,
                  message=message, **page_words(request))


@router.get("/indicators/{indicator_id}")
def indicator_page(indicator_id: str, request: Request, session: DB, principal: Searcher
                   ) -> Response:
    """Everything the store knows about one indicator that this role may read."""
    if not indicator_id.isdigit() or len(indicator_id) > 10:
        raise HTTPException(404)
    try:
        p = indicator_profile(session, int(indicator_id))
    except NotFound as exc:
        raise HTTPException(404) from exc
    _audit_pii(request, principal, "indicator", p.indicator.id, {p.indicator.kind})
    clues = p.clues
    if principal.unit_bound:
        reach = principal.reach(session)
        clues = [c for c in clues if c.unit_id in reach]
    return render(request, "indicator.html", p=p, row=result_row(principal, p), clues=clues,
                  region_name=region_name, **page_words(request))


def region_name(code: str | None) -> str:
    """'江苏省南通市崇川区' for '320602'; the code itself when the table does not know it."""
    return (full_name(code) or code) if code else "-"


@dataclass
class GangPage:
    """A gang's page: the view (as the API gives it) plus ids for links and the graph."""

    view: GangView
    members: list[tuple[int, str, str, str | None]]       # id, kind, value (shown), role
    cases: list[tuple[int, str, str | None, str | None]]  # id, case_no, category, region
    regions: list[tuple[str, int]]                        # region code, cases there


def gang_page_data(session: Session, principal: Principal, view: GangView) -> GangPage:
    gang_id = session.scalars(select(Gang.id).where(Gang.key == view.key)).one()
    members = [(i, k, shown(principal, k, v), r) for i, k, v, r in session.execute(
        select(Indicator.id, Indicator.kind, Indicator.value, GangMember.role)
        .join(GangMember, GangMember.indicator_id == Indicator.id)
        .where(GangMember.gang_id == gang_id).order_by(Indicator.kind, Indicator.value))]
    cases = [tuple(r) for r in session.execute(
        select(Case.id, Case.case_no, Case.category, Case.region_code)
        .join(GangMember, GangMember.case_id == Case.id)
        .where(GangMember.gang_id == gang_id).order_by(Case.case_no))]
    regions = Counter(c[3] for c in cases if c[3])
    return GangPage(view, members, cases,
                    sorted(regions.items(), key=lambda item: (-item[1], item[0])))


def case_links(session: Session, gang_key: str) -> list[tuple[int, int]]:
    """(indicator id, case id) of each member indicator named in a member case."""
    by_case, by_indicator = aliased(GangMember), aliased(GangMember)
    gang_id = select(Gang.id).where(Gang.key == gang_key).scalar_subquery()
    return [tuple(r) for r in session.execute(
        select(case_indicators.c.indicator_id, case_indicators.c.case_id).distinct()
        .join(by_case, (by_case.case_id == case_indicators.c.case_id)
              & (by_case.gang_id == gang_id))
        .join(by_indicator, (by_indicator.indicator_id == case_indicators.c.indicator_id)
              & (by_indicator.gang_id == gang_id))
        .order_by(case_indicators.c.indicator_id, case_indicators.c.case_id))]


def gang_picture(session: Session, page: GangPage, lang: str) -> tuple[Picture, bool]:
    """The gang's graph, laid out, and whether it was cut to the cap."""
    view = page.view
    center = Node(f"g:{view.key}", "center", view.name or view.key, view.name or view.key)
    linked = [Node(f"g:{key}", "gang", key, f"{key} · {role or '-'}",
                   href=f"{PREFIX}/gangs/{key}")
              for key, role, _, _ in [*view.upstream, *view.downstream] if key != view.key]
    linked = list({n.key: n for n in linked}.values())
    cases = [Node(f"c:{cid}", "case", no, f"{no} · {category or '-'} · {region or '-'}")
             for cid, no, category, region in page.cases]
    indicators = [Node(f"i:{iid}", "indicator", value,
                       f"{kind_name(kind, lang)} {value} · {role or '-'}", kind=kind,
                       href=f"{PREFIX}/indicators/{iid}")
                  for iid, kind, value, role in page.members]
    links = [(f"i:{i}", f"c:{c}") for i, c in case_links(session, view.key)]
    nodes, edges, capped = gang_graph(center, linked, cases, indicators, links)
    return layout(nodes, edges), capped


@router.get("/gangs/{key}")
def gang_page(key: str, request: Request, session: DB, principal: Reader) -> Response:
    """A gang whole: members and roles, cases, regions, its chain, and its picture."""
    try:
        view = gang_view(session, key)
    except NotFound as exc:
        raise HTTPException(404) from exc
    _audit_pii(request, principal, "gang", view.key, {k for k, _, _ in view.indicators})
    page = gang_page_data(session, principal, view)
    picture, capped = gang_picture(session, page, language(request))
    kinds_drawn = sorted({p.node.kind for p in picture.nodes if p.node.kind})
    return render(request, "gang.html", page=page, view=view, picture=picture, capped=capped,
                  kinds_drawn=kinds_drawn, region_name=region_name, member_rows=MEMBER_ROWS,
                  **page_words(request))


add({
    "Look up": "查询",
    "Any kind": "任意类型",
    "Kind": "类型",
    "Value": "值",
    "Read as": "识别为",
    "First seen": "首次发现",
    "Last seen": "最近发现",
    "Sightings": "出现次数",
    "Categories": "涉及类别",
    "Sources": "来源",
    "Results": "查询结果",
    "Details": "详情",
    "Nothing in the store matches this query.": "库中没有与该查询匹配的记录。",
    "There is no indicator kind {kind}.": "没有“{kind}”这种标识类型。",
    "The query is too long (at most {n} characters).": "查询内容过长（最多 {n} 个字符）。",
    "“{q}” is not a phone, card, account, domain, handle or address that can be read.":
        "无法将“{q}”识别为手机号、银行卡、账号、域名、昵称或地址。",
    "Values are masked for your role.": "按您的角色权限，敏感信息已脱敏显示。",
    "Indicator": "标识",
    "Indicator {id}": "标识 {id}",
    "Recent sightings": "最近出现记录",
    "Source": "来源",
    "Record id": "记录编号",
    "Context": "上下文",
    "Related findings": "相关研判发现",
    "Related cases": "关联案件",
    "Related gangs": "所属团伙",
    "Related clues": "相关线索",
    "Case number": "案件编号",
    "Chain role": "链条角色",
    "Via case": "经由案件",
    "Sightings, findings, cases, gangs and clues are shown only to roles that may read "
    "personal data.": "出现记录、研判发现、案件、团伙和线索仅对有权查看个人信息的角色显示。",
    "Gang": "团伙",
    "Gang {key}": "团伙 {key}",
    "Key": "编号",
    "Records": "记录数",
    "Members": "成员",
    "{n} indicators": "{n} 个标识",
    "Cases": "案件",
    "{n} cases": "{n} 起案件",
    "Regions": "涉及地区",
    "Upstream gangs": "上游团伙",
    "Downstream gangs": "下游团伙",
    "Weight": "关联强度",
    "Ties": "关联数",
    "Gang graph": "团伙关系图",
    "Graph of gang {key}: {n} nodes": "团伙 {key} 关系图：{n} 个节点",
    "The picture shows {shown} of {total} nodes.": "关系图仅显示 {total} 个节点中的 {shown} 个。",
    "Showing the first {shown} of {total} members.": "仅列出 {total} 个成员中的前 {shown} 个。",
    "Legend": "图例",
    "This gang": "本团伙",
    "Linked gang": "上下游团伙",
    "Case": "案件",
    "Along the chain": "上下游链条",
})
