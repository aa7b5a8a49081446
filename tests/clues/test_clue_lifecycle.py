"""Working a clue with an injected clock: deadlines by urgency, escalation up the tree when a
deadline passes, forwarding, outcomes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from clue_world import T0, unit

from jingwang.clues.lifecycle import (
    DEFAULT_DEADLINES,
    Deadlines,
    Outcome,
    close,
    escalate_overdue,
    file_case,
    forward,
    overdue_clues,
    parse_amount,
    push,
    receive,
    record_outcome,
    reject,
    verify,
)
from jingwang.clues.make import open_clue
from jingwang.store.db import session_scope
from jingwang.store.errors import InvalidTransition
from jingwang.store.models import Clue

MIN = timedelta(minutes=1)


def _pushed(session, urgency: str = "immediate", unit_code: str = "WA320602") -> Clue:
    clue, _ = open_clue(session, "约架悬赏帖", "violence_for_hire", "analyst.wang",
                        urgency=urgency, unit=unit_code, now=T0)
    push(session, clue, "analyst.wang", now=T0)
    return clue


def test_deadlines_follow_urgency(tree):
    with session_scope(tree) as session:
        deadlines = {u: _pushed(session, u).deadline_at - T0
                     for u in ("immediate", "urgent", "normal")}
    assert deadlines == {"immediate": 15 * MIN, "urgent": timedelta(hours=2),
                         "normal": timedelta(hours=72)}


def test_an_unreceived_immediate_clue_climbs_the_tree_as_deadlines_pass(tree):
    with session_scope(tree) as session:
        clue = _pushed(session)
        assert clue.deadline_at == T0 + 15 * MIN
        assert escalate_overdue(session, T0 + 14 * MIN).escalated == []
        assert escalate_overdue(session, T0 + 15 * MIN).escalated == []  # due, not yet late

        report = escalate_overdue(session, T0 + 16 * MIN)
        assert [(e.clue_id, e.from_unit, e.to_unit) for e in report.escalated] == [
            (clue.id, "WA320602", "WA320600")]
        assert clue.unit.code == "WA320600" and clue.status == "pushed"
        assert clue.deadline_at == T0 + 31 * MIN  # the city gets its own 15 minutes
        event = clue.events[-1]
        assert (event.action, event.actor, event.at, event.unit.code) == (
            "escalate", "system", T0 + 16 * MIN, "WA320600")
        assert (event.from_status, event.to_status) == ("pushed", "pushed")
        assert event.note == (
            "not received by 南通市公安局崇川分局网安大队 (WA320602) by its deadline 2024-07-31 "
            "16:45 UTC (15 min for immediate clues): escalated to 南通市公安局网安支队 (WA320600)")

        assert escalate_overdue(session, T0 + 30 * MIN).escalated == []
        assert escalate_overdue(session, T0 + 32 * MIN).escalated[0].to_unit == "WA320000"
        assert escalate_overdue(session, T0 + 48 * MIN).escalated[0].to_unit == "WA000000"
        top = escalate_overdue(session, T0 + 64 * MIN)
        assert top.escalated == [] and top.at_top == [clue.id]
        assert [e.unit.code for e in clue.events if e.action == "escalate"] == [
            "WA320600", "WA320000", "WA000000"]


def test_received_clues_are_not_escalated_and_new_deadlines_are_set(tree):
    with session_scope(tree) as session:
        clue = _pushed(session)
        receive(session, clue, "officer.li", now=T0 + 5 * MIN)
        assert clue.deadline_at == T0 + 5 * MIN + timedelta(hours=24)  # verify within a day
        report = escalate_overdue(session, T0 + 2 * timedelta(days=1))
        assert report.escalated == [] and report.at_top == []
        assert clue.unit.code == "WA320602"
        # Overdue for verification: listed, though escalation is only for receiving.
        assert overdue_clues(session, T0 + 2 * timedelta(days=1)) == [clue]
        verify(session, clue, "officer.li", now=T0 + 6 * MIN)
        assert clue.deadline_at is None


def test_configured_deadlines_are_used(tree):
    slow = Deadlines(receive={"immediate": timedelta(hours=1)})
    with session_scope(tree) as session:
        clue, _ = open_clue(session, "线索", "suicide_pact", "a", urgency="immediate",
                            unit="WA320602", now=T0)
        push(session, clue, "a", now=T0, deadlines=slow)
        assert clue.deadline_at == T0 + timedelta(hours=1)
        assert escalate_overdue(session, T0 + 30 * MIN, deadlines=slow).escalated == []
        receive(session, clue, "b", now=T0 + 40 * MIN, deadlines=slow)
        assert clue.deadline_at is None  # no verify deadline configured


def test_forwarding_moves_the_clue_and_restarts_the_receive_deadline(tree):
    with session_scope(tree) as session:
        clue = _pushed(session)
        event = forward(session, clue, "WA350583", "officer.li", "嫌疑人在南安",
                        now=T0 + 10 * MIN)
        assert clue.unit.code == "WA350583" and clue.status == "pushed"
        assert clue.deadline_at == T0 + 25 * MIN
        assert (event.action, event.unit.code, event.at) == ("forward", "WA350583",
                                                            T0 + 10 * MIN)
        assert event.note == ("forwarded from 南通市公安局崇川分局网安大队 (WA320602) to "
                              "南安市公安局网安大队 (WA350583): 嫌疑人在南安")
        with pytest.raises(InvalidTransition, match="already with"):
            forward(session, clue, unit(session, "WA350583"), "officer.li", now=T0)
        receive(session, clue, "officer.chen", now=T0 + 12 * MIN)
        verify(session, clue, "officer.chen", now=T0 + 13 * MIN)
        forward(session, clue, "WA350500", "officer.chen", now=T0 + 14 * MIN)
        assert clue.status == "verified"
        file_case(session, clue, "officer.chen", now=T0 + 20 * MIN)
        with pytest.raises(InvalidTransition, match="can no longer be forwarded"):
            forward(session, clue, "WA320602", "officer.chen", now=T0 + 21 * MIN)


def test_outcomes_are_recorded_on_the_clue_and_its_events(tree):
    with session_scope(tree) as session:
        clue = _pushed(session)
        for step, minutes in ((receive, 1), (verify, 2), (file_case, 3)):
            step(session, clue, "officer.li", now=T0 + minutes * MIN)
        record_outcome(session, clue, "officer.li", Outcome(suspects_caught=2),
                       now=T0 + 4 * MIN, note="抓获2人")
        close(session, clue, "officer.li", now=T0 + 5 * MIN, note="办结",
              outcome=Outcome(suspects_caught=3, money_frozen=parse_amount("580万"),
                              cases_solved=1))
        assert (clue.suspects_caught, clue.money_frozen, clue.cases_solved) == (
            3, Decimal("5800000.00"), 1)
        report, closing = clue.events[-2], clue.events[-1]
        assert (report.action, report.suspects_caught, report.money_frozen) == (
            "outcome", 2, None)
        assert (closing.to_status, closing.suspects_caught, closing.money_frozen,
                closing.cases_solved) == ("closed", 3, Decimal("5800000.00"), 1)
        assert [e.at - T0 for e in clue.events] == [
            timedelta(0), timedelta(0), timedelta(0), *(m * MIN for m in range(1, 6))]
        assert {e.unit.code for e in clue.events} == {"WA320602"}


def test_bad_outcomes_and_moves_are_refused(tree):
    with session_scope(tree) as session:
        clue = _pushed(session)
        with pytest.raises(ValueError, match="must not be negative"):
            Outcome(suspects_caught=-1)
        with pytest.raises(ValueError, match="needs suspects caught"):
            record_outcome(session, clue, "a", Outcome(), now=T0)
        with pytest.raises(InvalidTransition, match="cannot go from pushed to verified"):
            verify(session, clue, "a", now=T0)
        reject(session, clue, "officer.li", now=T0 + MIN, note="信息不实")
        assert clue.deadline_at is None
        with pytest.raises(InvalidTransition, match="rejected, it has no outcome"):
            record_outcome(session, clue, "a", Outcome(cases_solved=1), now=T0)
        with pytest.raises(InvalidTransition, match="can no longer be forwarded"):
            forward(session, clue, "WA320600", "a", now=T0)


@pytest.mark.parametrize(("text", "amount"), [
    ("5800000", "5800000.00"), ("5,800,000.5", "5800000.50"), ("580万", "5800000.00"),
    ("1.2亿", "120000000.00"), ("300元", "300.00")])
def test_amounts_are_read_as_reports_write_them(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "abc", "-5", "5000余万", "NaN"])
def test_what_is_not_an_amount_is_refused(text):
    with pytest.raises(ValueError, match="not an amount of money"):
        parse_amount(text)


def test_deadlines_refuse_unknown_urgencies_and_empty_windows():
    with pytest.raises(ValueError, match="unknown urgency"):
        Deadlines(receive={"asap": timedelta(minutes=5)})
    with pytest.raises(ValueError, match="must be positive"):
        Deadlines(receive={"urgent": timedelta(0)})
    assert DEFAULT_DEADLINES.due("received", "normal", T0) == T0 + timedelta(days=15)
    assert DEFAULT_DEADLINES.due("verified", "normal", T0) is None
