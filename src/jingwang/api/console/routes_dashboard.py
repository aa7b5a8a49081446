"""The dashboard (态势总览): the campaign's figures for a period, charts of the clues and
findings in it, the figures by province, and the figures of any grouping as a CSV file.

``GET /console/dashboard?from=&to=`` and ``GET /console/dashboard.csv?from=&to=&by=`` take a
period of Beijing-time days (``to`` included: the period ends at 00:00 of the next day); with
no dates the period is the current month of the app clock.  Both need ``stats.read``.

An officer sees only its reach (its unit and the units below): clue counts go through
:func:`~jingwang.api.console.routes_home.clue_scope`, and the campaign figures, counted by the
unit that held a clue at each step, keep only that reach's units (:func:`scoped_stats`).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwang.api.access import Principal
from jingwang.api.console.charts import Chart, bar_chart, column_chart, inline_bar
from jingwang.api.console.i18n import add, translator
from jingwang.api.console.routes_home import clue_scope
from jingwang.api.console.web import PREFIX, language, now, page_require, render
from jingwang.api.deps import DB, StoreRouter
from jingwang.categories import CATEGORIES, CLUE_STATUSES, display_name
from jingwang.clues.stats import (
    CHINA_TIME,
    GROUPINGS,
    CampaignRow,
    CampaignStats,
    campaign_stats,
)
from jingwang.store.directory import record_audit
from jingwang.store.models import Clue, Finding, Unit

router = StoreRouter(prefix=PREFIX, include_in_schema=False)
Reader = Annotated[Principal, Depends(page_require("stats.read"))]

BAD_DATE = "Give dates as YYYY-MM-DD between 1970 and 2999."
BAD_ORDER = "The period ends before it starts."
BAD_GROUPING = "Group by category, region, city, unit or month."

CSV_COLUMNS: dict[str, str] = {
    "key": "Group code", "label": "Group name", "created": "Clues created",
    "pushed": "Clues pushed",
    "received": "Received", "verified": "Verified", "case_filed": "Cases filed",
    "closed": "Clues closed", "rejected": "Clues rejected", "forwarded": "Clues forwarded",
    "escalated": "Clues escalated", "suspects_caught": "Suspects caught",
    "money_frozen": "Money frozen (yuan)", "cases_solved": "Cases solved",
}
"""The CSV's columns (the fields of a campaign row) and their English headers."""

GROUPING_NAMES = {"category": "By category", "region": "By province", "city": "By city",
                  "unit": "By unit", "month": "By month"}

add({
    # the seed reports' figures (_figures.html) and the clue table (_clue_table.html)
    "Clues pushed": "推送线索", "Received": "签收", "Verified": "核查", "Cases filed": "立案",
    "Cases solved": "破获案件", "Suspects caught": "抓获嫌疑人",
    "Money frozen (yuan)": "冻结资金（元）", "Title": "标题", "Deadline": "期限",
    # the dashboard
    "Campaign figures": "专项战果",
    "Statistics period": "统计期间",
    "Quick choice of period": "快捷选择",
    "First day": "起始日期",
    "Last day (included)": "截止日期（含）",
    "Show figures": "查询",
    "This month": "本月",
    "Last 30 days": "近30天",
    "This year": "本年",
    "{first} to {last}, Beijing time": "{first} 至 {last}（北京时间）",
    "Figures of your unit and the units under it.": "本单位及下级单位的数据。",
    "Clues by category": "线索类别分布",
    "Clues by status": "线索状态分布",
    "Findings by category": "研判发现类别分布",
    "Clues created by day": "每日新建线索",
    "Clues created by month": "每月新建线索",
    "Clues created by year": "每年新建线索",
    "Clues created": "新建线索",
    "Clues created in the period, by their status now.": "本期新建线索的当前状态。",
    "Findings observed in the period (when the source has no time: when detected).":
        "本期观察到的研判发现（来源未记录时间的，按发现时间计）。",
    "Figures by province": "各省战果",
    "Not routed": "未分派",
    "Number of clues": "线索数",
    "Number of findings": "发现数",
    "No data in this period.": "本期无数据。",
    "Show as table": "以表格显示",
    "Download as CSV (Excel)": "导出 CSV（Excel）",
    "By category": "按类别", "By province": "按省份", "By city": "按城市",
    "By unit": "按单位", "By month": "按月份",
    "Group code": "代码", "Group name": "名称", "Clues closed": "办结", "Clues rejected": "退回",
    "Clues forwarded": "移交", "Clues escalated": "逾期上提",
    BAD_DATE: "日期格式应为 YYYY-MM-DD，且在 1970 至 2999 年之间。",
    BAD_ORDER: "截止日期早于起始日期。",
    BAD_GROUPING: "只能按类别、省份、城市、单位或月份分组。",
})

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Period:
    """Beijing-time days ``first`` to ``last``, both included."""

    first: date
    last: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time(), CHINA_TIME)

    @property
    def until(self) -> datetime:
        """00:00 of the day after ``last``: the period's end, not included."""
        return datetime.combine(self.last + timedelta(days=1), time(), CHINA_TIME)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def query(self, **extra: str) -> str:
        return urlencode({"from": self.first.isoformat(), "to": self.last.isoformat(), **extra})


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def parse_day(text: str) -> date:
    if not DAY.fullmatch(text):
        raise HTTPException(422, BAD_DATE)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise HTTPException(422, BAD_DATE) from None
    if not 1970 <= day.year <= 2999:
        raise HTTPException(422, BAD_DATE)
    return day


def period_of(today: date, first: str | None, last: str | None) -> Period:
    """The asked period; a date not given is that of the current month (``today``'s)."""
    period = Period(parse_day(first) if first else today.replace(day=1),
                    parse_day(last) if last else month_end(today))
    if period.first > period.last:
        raise HTTPException(422, BAD_ORDER)
    return period


def quick_periods(today: date) -> list[tuple[str, Period]]:
    return [("This month", Period(today.replace(day=1), month_end(today))),
            ("Last 30 days", Period(today - timedelta(days=29), today)),
            ("This year", Period(today.replace(month=1, day=1), today.replace(month=12, day=31)))]


COUNTED = [f.name for f in fields(CampaignRow) if f.name not in ("key", "label")]


def _merge(target: CampaignRow, row: CampaignRow) -> None:
    for name in COUNTED:
        setattr(target, name, getattr(target, name) + getattr(row, name))


def scoped_stats(session: Session, principal: Principal, by: str, period: Period
                 ) -> CampaignStats:
    """:func:`campaign_stats` of the period grouped by ``by``, as far as ``principal`` may
    see: an officer's counts only the steps taken at a unit of its reach (a cross table by
    unit, kept to the reach, then added up by ``by``)."""
    if not principal.unit_bound:
        return campaign_stats(session, (by,), since=period.since, until=period.until)
    reach = sorted(principal.reach(session)) or [-1]
    codes = set(session.scalars(select(Unit.code).where(Unit.id.in_(reach))))
    cross = campaign_stats(session, ("unit", by), since=period.since, until=period.until)
    rows: dict[tuple[str, ...], CampaignRow] = {}
    totals = CampaignRow(key=(), label=("total",))
    for row in cross.rows:
        if row.key[0] in codes:
            key = row.key[1:]
            _merge(rows.setdefault(key, CampaignRow(key=key, label=row.label[1:])), row)
            _merge(totals, row)
    return CampaignStats((by,), [rows[k] for k in sorted(rows)], totals)


def row_label(row: CampaignRow, by: str, lang: str) -> str:
    """A group's name in ``lang``: categories translated, places and units as named."""
    _ = translator(lang)
    if by == "category":
        return display_name(row.key[0], lang)
    return _("Not routed") if row.label[0] == "unrouted" else row.label[0]


def _buckets(period: Period) -> tuple[str, list[str], list[str]]:
    """How clues over time are counted: by day (≤ 62 days), month (≤ 3 years) or year;
    the bucket keys of the whole period and their short tick labels."""
    if period.days <= 62:
        days = [period.first + timedelta(days=i) for i in range(period.days)]
        return "day", [d.isoformat() for d in days], [f"{d:%m-%d}" for d in days]
    if period.days <= 3 * 366:
        months, at = [], period.first.replace(day=1)
        while at <= period.last:
            months.append(f"{at:%Y-%m}")
            at = month_end(at) + timedelta(days=1)
        return "month", months, months
    years = [str(y) for y in range(period.first.year, period.last.year + 1)]
    return "year", years, years


def clue_charts(session: Session, principal: Principal, period: Period, lang: str
                ) -> list[Chart]:
    """The clues created in the period (as far as the person sees): by category, by their
    status now, and over time (Beijing-time days, months or years)."""
    _ = translator(lang)
    created = clue_scope(session, principal).where(
        Clue.created_at >= period.since, Clue.created_at < period.until).subquery()
    by_category = dict(session.execute(
        select(created.c.category, func.count()).group_by(created.c.category)).all())
    by_status = dict(session.execute(
        select(created.c.status, func.count()).group_by(created.c.status)).all())
    unit, keys, ticks = _buckets(period)
    pattern = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[unit]
    over_time = Counter(at.astimezone(CHINA_TIME).strftime(pattern)
                        for at in session.scalars(select(created.c.created_at)))
    order = list(CATEGORIES)
    categories = sorted(by_category, key=lambda c: (-by_category[c],
                                                    order.index(c) if c in order else 99, c))
    number = _("Number of clues")
    titles = {"day": _("Clues created by day"), "month": _("Clues created by month"),
                 "year": _("Clues created by year")}
    return [
        bar_chart(_("Clues by category"),
                  [(display_name(c, lang), by_category[c]) for c in categories], number),
        bar_chart(_("Clues by status"),
                  [(display_name(s, lang), by_status.get(s, 0)) for s in CLUE_STATUSES], number),
        column_chart(titles[unit], [(k, over_time.get(k, 0)) for k in keys], number, ticks),
    ]


def findings_chart(session: Session, period: Period, lang: str) -> Chart:
    """Findings by category in the period.  A finding counts at ``observed_at`` — when the
    post, log line or payment it was found in happened, which is when the crime was active —
    and, where the source gave no time, at ``created_at`` (when it was detected)."""
    _ = translator(lang)
    at = func.coalesce(Finding.observed_at, Finding.created_at)
    counts = session.execute(
        select(Finding.category, func.count()).where(at >= period.since, at < period.until)
        .group_by(Finding.category).order_by(func.count().desc(), Finding.category)).all()
    return bar_chart(_("Findings by category"),
                     [(display_name(c, lang), n) for c, n in counts], _("Number of findings"))


@router.get("/dashboard")
def dashboard(request: Request, session: DB, principal: Reader,
              first: Annotated[str | None, Query(alias="from")] = None,
              last: Annotated[str | None, Query(alias="to")] = None) -> Response:
    """The campaign's figures, charts and figures by province for the period."""
    lang = language(request)
    today = now(request).astimezone(CHINA_TIME).date()
    period = period_of(today, first, last)
    stats = scoped_stats(session, principal, "category", period)
    regions = scoped_stats(session, principal, "region", period)
    top = max((r.pushed for r in regions.rows), default=0)
    region_rows = [(row_label(r, "region", lang), r, inline_bar(r.pushed, top))
                   for r in regions.rows]
    charts = clue_charts(session, principal, period, lang)
    if principal.can("data.read"):
        charts.insert(2, findings_chart(session, period, lang))
    return render(request, "dashboard.html", period=period, figures=stats.totals,
                  charts=charts, region_rows=region_rows, quick=quick_periods(today),
                  groupings=GROUPING_NAMES)


@router.get("/dashboard.csv")
def dashboard_csv(request: Request, session: DB, principal: Reader,
                  first: Annotated[str | None, Query(alias="from")] = None,
                  last: Annotated[str | None, Query(alias="to")] = None,
                  by: str = "category") -> Response:
    """The period's figures grouped by ``by`` and their totals, as a CSV file Excel opens
    (UTF-8 with a byte-order mark); the header row in the person's language."""
    if by not in GROUPINGS:
        raise HTTPException(422, BAD_GROUPING)
    lang = language(request)
    _ = translator(lang)
    period = period_of(now(request).astimezone(CHINA_TIME).date(), first, last)
    stats = scoped_stats(session, principal, by, period)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_(header) for header in CSV_COLUMNS.values()])
    for row in stats.rows:
        writer.writerow([_cell(row.key[0]), _cell(row_label(row, by, lang)),
                         *(getattr(row, name) for name in COUNTED)])
    writer.writerow(["total", _("Total"), *(getattr(stats.totals, name) for name in COUNTED)])
    record_audit(session, principal.username, "export", "campaign_stats", None,
                 {"by": by, "from": period.first.isoformat(), "to": period.last.isoformat()})
    filename = f"jingwang-campaign-{period.first}-{period.last}.csv"
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _cell(text: str) -> str:
    """A text cell Excel will not run as a formula (a name starting with = + - @)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
