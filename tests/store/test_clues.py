"""The clue lifecycle: allowed transitions, events, outcome figures, refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from jingwang.categories import CLUE_STATUSES
from jingwang.store.db import session_scope
from jingwang.store.errors import InvalidTransition, NotFound
from jingwang.store.models import Clue, ClueEvent
from jingwang.store.repository import (
    ALLOWED_TRANSITIONS,
    add_finding,
    add_unit,
    change_clue_status,
    create_clue,
)

FORWARD = ["pushed", "received", "verified", "case_filed", "closed"]


@pytest.fixture
def unit_id(store_engine) -> int:
    with session_scope(store_engine) as session:
        return add_unit(session, "NT-WA", "南通市公安局网安支队", "320600", "city").id


def test_allowed_transitions_table():
    assert ALLOWED_TRANSITIONS["new"] == {"pushed", "rejected"}
    assert ALLOWED_TRANSITIONS["verified"] == {"case_filed", "rejected"}
    assert ALLOWED_TRANSITIONS["closed"] == ALLOWED_TRANSITIONS["rejected"] == frozenset()
    assert set(ALLOWED_TRANSITIONS) == set(CLUE_STATUSES)


def test_clue_walks_the_whole_path_with_an_event_each_step(store_engine, unit_id):
    deadline = datetime(2024, 8, 1, tzinfo=UTC)
    with session_scope(store_engine) as session:
        finding = add_finding(session, "content", "suicide_pact", 0.97, "约死帖")
        clue = create_clue(
            session,
            "网约自杀预警",
            "suicide_pact",
            urgency="immediate",
            unit=unit_id,
            finding=finding,
            routing_reason="IP 属地 320600",
            deadline_at=deadline,
            actor="analyst.wang",
        )
        for step in FORWARD:
            change_clue_status(session, clue, step, "officer.li", note=f"to {step}")
        with pytest.raises(InvalidTransition, match="final"):
            change_clue_status(session, clue.id, "rejected", "officer.li")
        clue_id = clue.id
    with session_scope(store_engine) as session:
        clue = session.get(Clue, clue_id)
        assert clue.status == "closed"
        assert clue.unit.code == "NT-WA" and clue.finding.category == "suicide_pact"
        assert clue.deadline_at == deadline
        events = [(e.from_status, e.to_status, e.actor) for e in clue.events]
        assert events[0] == (None, "new", "analyst.wang")
        assert [(a, b) for a, b, _ in events[1:]] == list(
            zip(["new", *FORWARD[:-1]], FORWARD, strict=True)
        )
        assert all(e.at.tzinfo == UTC for e in clue.events)
        assert clue.events[-1].note == "to closed"


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ([], "received"),  # skipping a step
        ([], "closed"),
        (["pushed", "received"], "pushed"),  # going back
        (["pushed", "received", "verified", "case_filed", "closed"], "rejected"),  # final
        (["rejected"], "pushed"),  # final
        ([], "lost"),  # not a status
    ],
)
def test_invalid_transitions_raise_and_change_nothing(store_engine, unit_id, path, bad):
    with session_scope(store_engine) as session:
        clue = create_clue(session, "t", "fraud", unit=unit_id)
        for step in path:
            change_clue_status(session, clue, step, "u")
        before = clue.status
        with pytest.raises(InvalidTransition):
            change_clue_status(session, clue, bad, "u")
        assert clue.status == before
        events = session.scalars(select(ClueEvent).where(ClueEvent.clue_id == clue.id)).all()
        assert len(events) == len(path) + 1


def test_rejected_from_any_open_status(store_engine, unit_id):
    with session_scope(store_engine) as session:
        for depth in range(len(FORWARD)):
            clue = create_clue(session, f"t{depth}", "gambling", unit=unit_id)
            for step in FORWARD[:depth]:
                change_clue_status(session, clue, step, "u")
            event = change_clue_status(session, clue, "rejected", "u", note="不属本辖区")
            assert event.to_status == "rejected" and event.note == "不属本辖区"


def test_pushing_needs_a_target_unit(store_engine, unit_id):
    with session_scope(store_engine) as session:
        clue = create_clue(session, "未分派", "rumor")
        with pytest.raises(InvalidTransition, match="target unit"):
            change_clue_status(session, clue, "pushed", "u")
        clue.unit_id = unit_id
        change_clue_status(session, clue, "pushed", "u")
        assert clue.status == "pushed"


def test_outcome_figures_are_recorded(store_engine, unit_id):
    with session_scope(store_engine) as session:
        clue = create_clue(
            session,
            "跑分",
            "money_laundering",
            unit=unit_id,
            deadline_at=datetime.now(UTC) + timedelta(days=7),
        )
        for step in FORWARD[:3]:
            change_clue_status(session, clue, step, "u")
        change_clue_status(
            session,
            clue,
            "case_filed",
            "u",
            suspects_caught=12,
            money_frozen="1234567.89",
            cases_solved=3,
        )
        with pytest.raises(ValueError, match="negative"):
            change_clue_status(session, clue, "closed", "u", suspects_caught=-1)
        clue_id = clue.id
    with session_scope(store_engine) as session:
        clue = session.get(Clue, clue_id)
        assert clue.suspects_caught == 12 and clue.cases_solved == 3
        assert Decimal(clue.money_frozen) == Decimal("1234567.89")


def test_create_clue_checks_its_values(store_engine):
    with session_scope(store_engine) as session:
        with pytest.raises(ValueError, match="urgency"):
            create_clue(session, "t", "fraud", urgency="asap")
        with pytest.raises(ValueError, match="category"):
            create_clue(session, "t", "jaywalking")
        with pytest.raises(NotFound):
            create_clue(session, "t", "fraud", unit=424242)
        with pytest.raises(NotFound):
            change_clue_status(session, 424242, "pushed", "u")
        assert session.scalars(select(Clue)).all() == []
