"""The dashboard (态势总览): figures for a period, an officer's reach, charts, CSV, bad input."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from console_helpers import log_in
from sqlalchemy import select

from jingwang.api.access import units_below
from jingwang.api.console.charts import bar_chart, column_chart, inline_bar, nice_max
from jingwang.api.console.routes_dashboard import Period, period_of
from jingwang.categories import CATEGORIES
from jingwang.clues.stats import CHINA_TIME, campaign_stats
from jingwang.store.db import open_store, session_scope
from jingwang.store.models import Clue, Unit

TOMORROW = (datetime.now(CHINA_TIME) + timedelta(days=1)).date().isoformat()
WIDE = f"from=2000-01-01&to={TOMORROW}"
"""A period that surely holds every event of the world (stamped when it was built)."""
SINCE = datetime(2000, 1, 1, tzinfo=CHINA_TIME)
UNTIL = datetime.fromisoformat(TOMORROW).replace(tzinfo=CHINA_TIME) + timedelta(days=1)


def stats(world, by="category"):
    engine = open_store(world.url)
    try:
        with session_scope(engine) as s:
            return campaign_stats(s, (by,), since=SINCE, until=UNTIL)
    finally:
        engine.dispose()


def tiles(html: str) -> list[str]:
    section = html.split('id="figures"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<div class="tile"[^>]*><b>([^<]*)</b>', section)


def officer_codes(world) -> set[str]:
    engine = open_store(world.url)
    try:
        with session_scope(engine) as s:
            reach = units_below(s, world.officer_unit_id)
            return set(s.scalars(select(Unit.code).where(Unit.id.in_(reach))))
    finally:
        engine.dispose()


def test_the_page_shows_the_campaign_totals_of_the_period(client, world) -> None:
    log_in(client, "analyst")
    page = client.get(f"/console/dashboard?{WIDE}")
    assert page.status_code == 200 and "态势总览" in page.text
    totals = stats(world).totals
    assert totals.pushed > 0, "the world should have pushed clues"
    assert tiles(page.text) == [str(totals.pushed), str(totals.received), str(totals.verified),
                                str(totals.case_filed), str(totals.cases_solved),
                                str(totals.suspects_caught), f"{totals.money_frozen:,.2f}"]
    # An empty period has nothing in it.
    empty = client.get("/console/dashboard?from=2001-01-01&to=2001-01-31")
    assert set(tiles(empty.text)) <= {"0", "0.00"}


def test_the_default_period_is_the_current_month(client) -> None:
    log_in(client, "analyst")
    page = client.get("/console/dashboard")
    today = datetime.now(CHINA_TIME).date()
    assert f'name="from" value="{today.replace(day=1).isoformat()}"' in page.text
    assert 'aria-current="true">本月</a>' in page.text
    assert "近30天" in page.text and "本年" in page.text


def test_an_officer_counts_only_its_reach(client, world) -> None:
    codes = officer_codes(world)
    by_unit = stats(world, "unit")
    mine = sum(r.pushed for r in by_unit.rows if r.key[0] in codes)
    assert 0 < mine < by_unit.totals.pushed, "the officer should see some, not all, clues"
    log_in(client, "officer")
    page = client.get(f"/console/dashboard?{WIDE}")
    assert tiles(page.text)[0] == str(mine)
    assert "本单位及下级单位的数据" in page.text
    # The province table and the CSV keep to the reach as well.
    answer = client.get(f"/console/dashboard.csv?{WIDE}&by=unit")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert {r[0] for r in rows[1:-1]} <= codes
    assert rows[-1][3] == str(mine)
    # The clue charts count only the officer's clues.
    engine = open_store(world.url)
    with session_scope(engine) as s:
        reach = units_below(s, world.officer_unit_id)
        categories = set(s.scalars(select(Clue.category).where(Clue.unit_id.in_(reach))))
    engine.dispose()
    chart = page.text.split('id="chart-1"', 1)[1].split("</svg>", 1)[0]
    assert set(re.findall(r"<title>([^:<]+): \d+</title>", chart)) == \
        {CATEGORIES[c] for c in categories}


def test_the_csv_has_a_bom_a_header_a_row_per_group_and_the_totals(client, world) -> None:
    log_in(client, "analyst")
    for by in ("category", "region", "unit"):
        answer = client.get(f"/console/dashboard.csv?{WIDE}&by={by}")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        assert answer.content.startswith("\ufeff".encode())
        first, last = "2000-01-01", TOMORROW
        assert f'filename="jingwang-campaign-{first}-{last}.csv"' in \
            answer.headers["content-disposition"]
        assert answer.headers["content-disposition"].startswith("attachment")
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        expected = stats(world, by)
        assert rows[0][:4] == ["代码", "名称", "新建线索", "推送线索"]
        assert [r[0] for r in rows[1:-1]] == [row.key[0] for row in expected.rows]
        totals = expected.totals
        assert rows[-1] == ["total", "合计", *(str(v) for v in (
            totals.created, totals.pushed, totals.received, totals.verified, totals.case_filed,
            totals.closed, totals.rejected, totals.forwarded, totals.escalated,
            totals.suspects_caught, totals.money_frozen, totals.cases_solved))]
    english = client.get(f"/console/dashboard.csv?{WIDE}&by=category&lang=en")
    header = english.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Group code,Group name,Clues created,Clues pushed")
    assert "Telecom fraud" in english.content.decode("utf-8-sig") or \
        "fraud" not in {r.key[0] for r in stats(world).rows}


@pytest.mark.parametrize("query", ["from=2026-13-01", "from=yesterday", "to=20261101",
                                   "from=2026-11-02&to=2026-11-01", "from=1900-01-01"])
def test_bad_dates_answer_a_422_page(client, query) -> None:
    log_in(client, "analyst")
    page = client.get(f"/console/dashboard?{query}")
    assert page.status_code == 422 and "<h1>" in page.text
    assert "日期" in page.text
    assert client.get(f"/console/dashboard.csv?{query}").status_code == 422
    assert client.get(f"/console/dashboard.csv?{WIDE}&by=nothing").status_code == 422


def test_english_on_request(client) -> None:
    log_in(client, "analyst")
    page = client.get(f"/console/dashboard?{WIDE}&lang=en")
    for heading in ("Campaign figures", "Clues by category", "Clues by status",
                    "Findings by category", "Figures by province", "Clues pushed"):
        assert heading in page.text
    assert "专项战果" not in page.text


def test_the_charts_are_inline_svg_with_chinese_category_names(client, world) -> None:
    log_in(client, "analyst")
    page = client.get(f"/console/dashboard?{WIDE}")
    svgs = re.findall(r'<svg class="chart[^"]*".*?</svg>', page.text, re.S)
    assert len(svgs) == 4  # categories, statuses, findings, over time
    engine = open_store(world.url)
    with session_scope(engine) as s:
        categories = set(s.scalars(select(Clue.category)))
    engine.dispose()
    for code in categories:
        assert CATEGORIES[code] in svgs[0]
    assert all("viewBox" in svg and "<title" in svg for svg in svgs)
    assert "已推送" in svgs[1]
    # The region table names provinces with a bar each.
    assert re.search(r'<tr data-region="\d{6}">', page.text)


def test_nothing_on_the_page_comes_from_another_host(client) -> None:
    log_in(client, "analyst")
    page = client.get(f"/console/dashboard?{WIDE}")
    urls = re.findall(r"https?://[^\s\"'<>)]+", page.text)
    assert all(u.startswith("http://www.w3.org/") for u in urls), urls


def test_a_role_without_stats_is_refused_and_a_platform_sees_no_findings(app, client) -> None:
    log_in(client, "platform")
    page = client.get(f"/console/dashboard?{WIDE}")
    assert page.status_code == 200 and "研判发现类别分布" not in page.text
    anonymous = client.__class__(app).get("/console/dashboard", follow_redirects=False)
    assert anonymous.status_code == 303


def test_periods_and_chart_geometry() -> None:
    today = date(2026, 2, 14)
    assert period_of(today, None, None) == Period(date(2026, 2, 1), date(2026, 2, 28))
    period = period_of(today, "2026-11-01", "2026-11-30")
    assert period.since.isoformat() == "2026-11-01T00:00:00+08:00"
    assert period.until.isoformat() == "2026-12-01T00:00:00+08:00"
    chart = bar_chart("t", [("网络赌博", 4), ("电信网络诈骗", 2), ("x", 0)])
    assert chart.bars[0].width == 2 * chart.bars[1].width and chart.bars[2].width == 0
    assert all(b.x + b.width <= chart.width for b in chart.bars)
    columns = column_chart("t", [(f"2026-11-{d:02}", d) for d in range(1, 31)])
    assert all(c.y + c.height == pytest.approx(columns.plot_bottom) for c in columns.bars)
    assert columns.bars[-1].x + columns.bars[-1].width <= columns.width
    assert nice_max(0) == 1 and nice_max(7) == 10 and nice_max(19) == 20 and nice_max(120) == 200
    assert inline_bar(1, 4) == 25.0 and inline_bar(3, 0) == 0.0
