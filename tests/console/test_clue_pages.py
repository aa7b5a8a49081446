"""The clue queue and the clue page: what each person sees, and working a clue through its
life from the page, with the same rules as /api/clues."""

from __future__ import annotations

import re
from decimal import Decimal

from console_helpers import form_token, log_in
from sqlalchemy import select

from jingwang.api.access import units_below
from jingwang.store.db import open_store, session_scope
from jingwang.store.models import AuditEvent, Clue, User


def _queue_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-clue="(\d+)"', html)]


def _reach_clues(world, statuses) -> set[int]:
    with session_scope(open_store(world.url)) as s:
        unit_id = s.scalars(select(User.unit_id).where(User.username == "officer")).one()
        reach = units_below(s, unit_id)
        return set(s.scalars(select(Clue.id).where(Clue.unit_id.in_(reach),
                                                   Clue.status.in_(statuses))))


def _clue(world, clue_id: int) -> Clue:
    with session_scope(open_store(world.url)) as s:
        clue = s.get(Clue, clue_id)
        s.expunge(clue)
        return clue


def test_the_officer_queue_holds_exactly_the_clues_pushed_to_its_units(client, world) -> None:
    log_in(client, "officer")
    page = client.get("/console/clues")
    assert page.status_code == 200
    expected = _reach_clues(world, ("pushed", "received", "verified", "case_filed"))
    assert set(_queue_ids(page.text)) == expected and world.own_clue in expected
    assert world.foreign_clue not in _queue_ids(page.text)


def test_the_queue_puts_the_most_urgent_first_and_filters(client, world) -> None:
    log_in(client, "analyst")
    page = client.get("/console/clues?status=all")
    ids = _queue_ids(page.text)
    with session_scope(open_store(world.url)) as s:
        urgency = dict(s.execute(select(Clue.id, Clue.urgency)).all())
    rank = {"immediate": 0, "urgent": 1, "normal": 2}
    ranks = [rank[urgency[i]] for i in ids]
    assert ranks == sorted(ranks) and len(ids) == min(50, len(urgency))
    only = client.get("/console/clues?status=all&urgency=urgent")
    assert {urgency[i] for i in _queue_ids(only.text)} == {"urgent"}


def test_an_overdue_clue_is_highlighted(world) -> None:
    from datetime import timedelta

    from fastapi.testclient import TestClient

    from jingwang.api.app import create_app
    from jingwang.store.timeutil import utcnow

    later = utcnow() + timedelta(days=30)  # every pushed clue's deadline has passed by then
    client = TestClient(create_app(world.url, secret="c" * 32, clock=lambda: later))
    log_in(client, "officer")
    page = client.get("/console/clues?overdue=1")
    assert world.own_clue in _queue_ids(page.text)
    assert re.search(rf'<tr class="overdue" data-clue="{world.own_clue}"', page.text)
    assert "已逾期" in page.text


def test_another_countys_clue_is_not_found_and_the_refusal_audited(client, world) -> None:
    log_in(client, "officer")
    answer = client.get(f"/console/clues/{world.foreign_clue}")
    assert answer.status_code == 404 and "未找到" in answer.text
    assert client.get("/console/clues/999999").status_code == 404
    client.app.state.audit.close()
    with session_scope(open_store(world.url)) as s:
        denied = s.scalars(select(AuditEvent).where(AuditEvent.action == "denied",
                                                    AuditEvent.actor == "officer")).all()
    assert [e.object_id for e in denied] == [str(world.foreign_clue)]


def test_receiving_and_verifying_a_clue_from_its_page(client, world) -> None:
    log_in(client, "officer")
    page = client.get(f"/console/clues/{world.own_clue}")
    assert page.status_code == 200 and 'data-step="received"' in page.text
    assert 'data-step="pushed"' not in page.text  # pushing is the analysts' act
    token = form_token(page.text)
    done = client.post(f"/console/clues/{world.own_clue}/status",
                       data={"csrf": token, "to": "received", "note": "已签收"},
                       follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "已完成" in page.text and 'data-step="verified"' in page.text
    client.post(f"/console/clues/{world.own_clue}/status",
                data={"csrf": token, "to": "verified", "note": "核查属实"})
    clue = _clue(world, world.own_clue)
    assert clue.status == "verified"
    history = client.get(f"/console/clues/{world.own_clue}").text
    assert history.count('data-action="status"') >= 3 and "核查属实" in history


def test_a_step_out_of_order_is_refused(client, world) -> None:
    log_in(client, "officer")
    token = form_token(client.get(f"/console/clues/{world.own_clue}").text)
    answer = client.post(f"/console/clues/{world.own_clue}/status",
                         data={"csrf": token, "to": "case_filed"})
    assert answer.status_code == 409
    assert _clue(world, world.own_clue).status == "pushed"


def test_an_action_without_the_form_token_changes_nothing(client, world) -> None:
    log_in(client, "officer")
    answer = client.post(f"/console/clues/{world.own_clue}/status",
                         data={"csrf": "x", "to": "received"})
    assert answer.status_code == 403
    assert _clue(world, world.own_clue).status == "pushed"


def test_closing_with_an_outcome_counts_in_the_campaign_figures(client, world) -> None:
    log_in(client, "officer")
    token = form_token(client.get(f"/console/clues/{world.own_clue}").text)
    for step in ("received", "verified", "case_filed"):
        client.post(f"/console/clues/{world.own_clue}/status", data={"csrf": token, "to": step})
    bad = client.post(f"/console/clues/{world.own_clue}/status",
                      data={"csrf": token, "to": "closed", "suspects_caught": "-3"})
    assert bad.status_code == 422
    client.post(f"/console/clues/{world.own_clue}/status",
                data={"csrf": token, "to": "closed", "suspects_caught": "3",
                      "money_frozen": "12,500.50", "cases_solved": "1", "note": "破案"})
    clue = _clue(world, world.own_clue)
    assert (clue.status, clue.suspects_caught, clue.money_frozen, clue.cases_solved) == \
        ("closed", 3, Decimal("12500.50"), 1)
    page = client.get(f"/console/clues/{world.own_clue}").text
    assert "该线索已结束" in page and "12,500.50" in page


def test_the_analyst_pushes_and_forwards_a_new_clue(client, world) -> None:
    with session_scope(open_store(world.url)) as s:
        new = s.scalars(select(Clue.id).where(Clue.status == "new").order_by(Clue.id)).first()
    log_in(client, "analyst")
    page = client.get(f"/console/clues/{new}")
    assert 'data-step="pushed"' in page.text and 'data-step="forward"' in page.text
    token = form_token(page.text)
    with session_scope(open_store(world.url)) as s:
        target = s.scalars(select(User).where(User.username == "officer")).one().unit
        code = target.code
    client.post(f"/console/clues/{new}/forward", data={"csrf": token, "unit": code,
                                                       "note": "属地管辖"})
    client.post(f"/console/clues/{new}/status", data={"csrf": token, "to": "pushed"})
    clue = _clue(world, new)
    assert clue.status == "pushed"
    officer_view = log_in(client, "officer").get("/console/clues")
    assert new in _queue_ids(officer_view.text)


def test_the_platform_role_cannot_open_the_queue(client) -> None:
    log_in(client, "platform")
    answer = client.get("/console/clues")
    assert answer.status_code == 403 and "无权访问" in answer.text
