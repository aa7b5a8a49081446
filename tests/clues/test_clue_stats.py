"""Campaign statistics on a known, hand-written event history: by category, month (Beijing
time), unit, province and city, with totals, a time window, and clues whose figures were
written without saying so in an event."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from clue_world import T0

from jingwang.clues.lifecycle import (
    Outcome,
    close,
    escalate_overdue,
    file_case,
    forward,
    push,
    receive,
    record_outcome,
    reject,
    verify,
)
from jingwang.clues.make import open_clue
from jingwang.clues.stats import CHINA_TIME, campaign_stats
from jingwang.store.clue_flow import change_clue_status, create_clue
from jingwang.store.db import session_scope

FIGURES = ("created", "pushed", "received", "verified", "case_filed", "closed", "rejected",
           "forwarded", "escalated", "suspects_caught", "money_frozen", "cases_solved")
WAN = Decimal("10000")


def at(day: str, hour: int = 2) -> datetime:
    """A time on a day of 2024 (``"07-10"``), in UTC."""
    return datetime.fromisoformat(f"2024-{day}T{hour:02d}:00:00+00:00")


def _history(session) -> None:
    """Four clues over July and August 2024.

    A  fraud, 崇川: the whole path in July, 2 suspects reported 25 July, closed 5 August with
       5 suspects, 580万 frozen and 1 case solved (so August adds 3 suspects).
    B  suicide_pact, immediate, 崇川: made 00:30 on 1 August Beijing time (still 31 July in
       UTC), not received in 15 minutes, escalated to 南通; 南通 works it to closed, 1 suspect.
    C  gambling, 南安: pushed in July, forwarded to 海门, received and rejected there.
    D  fraud, 南安: made in August, never pushed.
    """
    a, _ = open_clue(session, "A", "fraud", "analyst", unit="WA320602", now=at("07-10"))
    push(session, a, "analyst", now=at("07-10", 3))
    receive(session, a, "officer", now=at("07-10", 4))
    verify(session, a, "officer", now=at("07-12"))
    file_case(session, a, "officer", now=at("07-20"))
    record_outcome(session, a, "officer", Outcome(suspects_caught=2), now=at("07-25"))
    close(session, a, "officer", now=at("08-05"),
          outcome=Outcome(suspects_caught=5, money_frozen=580 * WAN, cases_solved=1))

    c, _ = open_clue(session, "C", "gambling", "analyst", unit="WA350583", now=at("07-15"))
    push(session, c, "analyst", now=at("07-15", 3))
    forward(session, c, "WA320614", "officer.na", "赌场在海门", now=at("07-16"))
    receive(session, c, "officer.hm", now=at("07-16", 5))
    reject(session, c, "officer.hm", now=at("07-17"), note="查无此人")

    b, _ = open_clue(session, "B", "suicide_pact", "analyst", urgency="immediate",
                     unit="WA320602", now=T0)
    push(session, b, "analyst", now=T0)
    assert [e.clue_id for e in escalate_overdue(session, T0 + timedelta(minutes=16))
            .escalated] == [b.id]
    receive(session, b, "officer.nt", now=T0 + timedelta(minutes=20))
    verify(session, b, "officer.nt", now=T0 + timedelta(minutes=40))
    file_case(session, b, "officer.nt", now=at("08-02"))
    close(session, b, "officer.nt", now=at("08-03"), outcome=Outcome(suspects_caught=1))

    open_clue(session, "D", "fraud", "analyst", unit="WA350583", now=at("08-10"))


def _table(stats) -> dict[tuple[str, ...], dict[str, object]]:
    return {row.key: {f: getattr(row, f) for f in FIGURES if getattr(row, f)}
            for row in stats.rows}


@pytest.fixture
def history(tree):
    with session_scope(tree) as session:
        _history(session)
    return tree


def test_by_category(history):
    with session_scope(history) as session:
        stats = campaign_stats(session, "category")
    assert _table(stats) == {
        ("fraud",): dict(created=2, pushed=1, received=1, verified=1, case_filed=1, closed=1,
                         suspects_caught=5, money_frozen=580 * WAN, cases_solved=1),
        ("gambling",): dict(created=1, pushed=1, forwarded=1, received=1, rejected=1),
        ("suicide_pact",): dict(created=1, pushed=1, escalated=1, received=1, verified=1,
                                case_filed=1, closed=1, suspects_caught=1),
    }
    assert [r.label for r in stats.rows] == [("电信网络诈骗",), ("网络赌博",), ("网约自杀",)]


def test_totals(history):
    with session_scope(history) as session:
        totals = campaign_stats(session, "unit").totals
    assert {f: getattr(totals, f) for f in FIGURES} == dict(
        created=4, pushed=3, received=3, verified=2, case_filed=2, closed=2, rejected=1,
        forwarded=1, escalated=1, suspects_caught=6, money_frozen=580 * WAN, cases_solved=1)


def test_by_month_in_beijing_time(history):
    with session_scope(history) as session:
        stats = campaign_stats(session, "month")
    assert _table(stats) == {
        # A's path to case_filed and its first report (2 suspects); all of C.
        ("2024-07",): dict(created=2, pushed=2, received=2, verified=1, case_filed=1,
                           rejected=1, forwarded=1, suspects_caught=2),
        # B (made 00:30 on 1 August in Beijing), A's closing (3 more suspects, the money), D.
        ("2024-08",): dict(created=2, pushed=1, escalated=1, received=1, verified=1,
                           case_filed=1, closed=2, suspects_caught=4, money_frozen=580 * WAN,
                           cases_solved=1),
    }
    with session_scope(history) as session:
        in_utc = campaign_stats(session, "month", tz=UTC)
    assert _table(in_utc)[("2024-07",)]["created"] == 3  # B falls in July in UTC


def test_by_unit_counts_each_step_where_the_clue_was_then(history):
    with session_scope(history) as session:
        stats = campaign_stats(session, "unit")
    assert _table(stats) == {
        ("WA320600",): dict(escalated=1, received=1, verified=1, case_filed=1, closed=1,
                            suspects_caught=1),
        ("WA320602",): dict(created=2, pushed=2, received=1, verified=1, case_filed=1,
                            closed=1, suspects_caught=5, money_frozen=580 * WAN,
                            cases_solved=1),
        ("WA320614",): dict(forwarded=1, received=1, rejected=1),
        ("WA350583",): dict(created=2, pushed=1),
    }
    assert stats.rows[0].label == ("南通市公安局网安支队",)


def test_by_region_and_city(history):
    with session_scope(history) as session:
        provinces = campaign_stats(session, "region")
        cities = campaign_stats(session, ["city", "category"])
    assert {r.key: (r.label, r.pushed, r.received, r.suspects_caught)
            for r in provinces.rows} == {
        ("320000",): (("江苏省",), 2, 3, 6),
        ("350000",): (("福建省",), 1, 0, 0),
    }
    assert {r.key: (r.created, r.pushed, r.received) for r in cities.rows} == {
        ("320600", "fraud"): (1, 1, 1),
        ("320600", "gambling"): (0, 0, 1),
        ("320600", "suicide_pact"): (1, 1, 1),
        ("350500", "fraud"): (1, 0, 0),
        ("350500", "gambling"): (1, 1, 0),
    }
    assert cities.rows[0].label == ("江苏省南通市", "电信网络诈骗")


def test_a_time_window_counts_only_its_events(history):
    august = datetime(2024, 8, 1, tzinfo=CHINA_TIME)
    with session_scope(history) as session:
        before = campaign_stats(session, "category", until=august).totals
        after = campaign_stats(session, "category", since=august).totals
    assert (before.created, before.pushed, before.suspects_caught) == (2, 2, 2)
    assert (after.created, after.closed, after.suspects_caught, after.money_frozen) == (
        2, 2, 4, 580 * WAN)


def test_figures_written_without_an_event_are_put_on_the_clues_last_event(tree):
    from clue_world import unit

    with session_scope(tree) as session:
        clue = create_clue(session, "E", "porn", unit=unit(session, "WA350583"))
        for step in ("pushed", "received", "verified", "case_filed"):
            change_clue_status(session, clue, step, "officer")
        change_clue_status(session, clue, "closed", "officer", suspects_caught=4,
                           money_frozen="1000.50")
        stats = campaign_stats(session, ["unit", "category"])
    assert _table(stats) == {("WA350583", "porn"): dict(
        created=1, pushed=1, received=1, verified=1, case_filed=1, closed=1,
        suspects_caught=4, money_frozen=Decimal("1000.50"))}


def test_rows_serialise_and_bad_groupings_are_refused(history):
    with session_scope(history) as session:
        stats = campaign_stats(session, ["month"])
        with pytest.raises(ValueError, match="cannot group by 'week'"):
            campaign_stats(session, "week")
    data = json.loads(json.dumps(stats.as_dict()))
    assert data["by"] == ["month"]
    assert data["totals"]["money_frozen"] == "5800000.00"
    assert data["rows"][0]["key"] == ["2024-07"]
