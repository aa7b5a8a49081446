"""The API end to end on SQLite and PostgreSQL: login, masking, audit, reports, a clue's life."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from api_world import PASSWORD, PHONE, as_user, build_world
from fastapi.testclient import TestClient
from sqlalchemy import select

from jingwang.api.app import create_app
from jingwang.api.tokens import revoke_tokens
from jingwang.store.db import open_store, session_scope
from jingwang.store.models import AuditEvent, Report, Sighting


@pytest.fixture
def live(store_url):
    world = build_world(store_url)
    return world, TestClient(create_app(world.url, secret="k" * 32, report_rate=3))


def _audit(client: TestClient, url: str, action: str) -> list[AuditEvent]:
    client.app.state.audit.flush()  # reads are audited by a writer thread: wait for it
    with session_scope(open_store(url)) as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.action == action)
                         .order_by(AuditEvent.id)).all()


def test_a_person_logs_in_with_a_password_and_keeps_a_session(live) -> None:
    world, client = live
    assert client.get("/api/me").status_code == 401
    wrong = client.post("/api/login", json={"username": "ana", "password": "nope"})
    assert wrong.status_code == 401
    assert [e.object_id for e in _audit(client, world.url, "login_failed")] == ["ana"]
    ok = client.post("/api/login", json={"username": "ana", "password": PASSWORD})
    assert ok.status_code == 200 and ok.json()["role"] == "analyst"
    me = client.get("/api/me").json()
    assert (me["username"], me["via"]) == ("ana", "session")
    client.post("/api/logout")
    assert client.get("/api/me").status_code == 401


def test_a_revoked_or_made_up_token_is_refused_within_the_callers_ttl(store_url) -> None:
    world = build_world(store_url)
    client = TestClient(create_app(world.url, secret="k" * 32, caller_ttl=0.2))
    bad = client.get("/api/me", headers={"Authorization": "Bearer jw_made_up"})
    assert bad.status_code == 401
    assert client.get("/api/me", headers=as_user(world, "ana")).status_code == 200
    with session_scope(open_store(world.url)) as s:
        assert revoke_tokens(s, "ana") == 1
    time.sleep(0.3)  # the identity of a token is kept caller_ttl seconds
    assert client.get("/api/me", headers=as_user(world, "ana")).status_code == 401


def test_pii_is_masked_for_a_platform_and_its_unmasked_reads_are_audited(live) -> None:
    world, client = live
    platform = client.get("/api/indicators", params={"q": "138 0628 0000"},
                          headers=as_user(world, "platform")).json()
    phone = next(r for r in platform["results"] if r["kind"] == "phone")
    assert phone["value"] == "+86138****0000" and "recent" not in phone
    assert _audit(client, world.url, "read_pii") == []
    analyst = client.get("/api/indicators", params={"q": "138 0628 0000"},
                         headers=as_user(world, "ana")).json()
    phone = next(r for r in analyst["results"] if r["kind"] == "phone")
    assert phone["value"] == PHONE and phone["sightings"] == 2
    assert {s["source"] for s in phone["recent"]} == {"cases", "posts"}
    reads = _audit(client, world.url, "read_pii")
    assert [(e.actor, e.object_type, e.detail["kinds"]) for e in reads] == [
        ("ana", "indicator", ["phone"])]


def test_a_citizen_report_is_stored_once_and_the_rate_is_limited(live) -> None:
    world, client = live
    text = "有人冒充客服让我转账到 6222020928159013962，微信 kefu_zhang88"
    first = client.post("/api/reports", json={"text": text, "category": "fraud"})
    assert first.status_code == 201 and first.json()["indicators"] == 2
    again = client.post("/api/reports", json={"text": text})
    assert again.json()["duplicate"] is True
    assert client.post("/api/reports", json={"text": "另一条举报 QQ 3897586144"}).status_code \
        == 201
    assert client.post("/api/reports", json={"text": "第四条 被骗了"}).status_code == 429
    with session_scope(open_store(world.url)) as s:
        assert s.scalar(select(Report.category).where(
            Report.record_id == first.json()["record_id"])) == "fraud"
        assert len(s.scalars(select(Sighting).where(Sighting.source == "reports")).all()) == 3
    bad = client.post("/api/reports", json={"text": "x", "region_code": "12"})
    assert bad.status_code == 422


def test_a_clue_goes_from_analyst_to_county_and_back_with_its_history(live) -> None:
    world, client = live
    made = client.post("/api/clues", json={"title": "刷单诈骗团伙", "category": "fraud",
                                           "urgency": "urgent", "unit": "NT-CC"},
                       headers=as_user(world, "ana"))
    assert made.status_code == 201
    cid = made.json()["id"]

    def step(user, to, **kw):
        return client.post(f"/api/clues/{cid}/status", json={"to": to, **kw},
                           headers=as_user(world, user))

    assert step("ana", "pushed").status_code == 200
    assert step("cc_officer", "pushed").status_code == 403  # pushing is the sender's act
    assert step("cc_officer", "verified").status_code == 409  # receive it first
    assert step("cc_officer", "received").status_code == 200
    assert step("cc_officer", "verified", note="核实属实").status_code == 200
    assert step("cc_officer", "case_filed").status_code == 200
    done = step("cc_officer", "closed", suspects_caught=3, money_frozen="125000.50",
                cases_solved=2)
    assert done.status_code == 200, done.text
    clue = done.json()
    assert (clue["status"], clue["suspects_caught"], clue["money_frozen"]) == (
        "closed", 3, "125000.50")
    assert [e["to"] for e in clue["events"] if e["action"] == "status"][-5:] == [
        "pushed", "received", "verified", "case_filed", "closed"]
    changes = [e.action for e in _audit(client, world.url, "clue.closed")]
    assert changes == ["clue.closed"]


def test_a_clue_without_a_unit_is_routed_from_its_evidence_with_the_reason(live) -> None:
    world, client = live

    def make(**body):
        made = client.post("/api/clues", json={"title": "刷单诈骗", "category": "fraud", **body},
                           headers=as_user(world, "ana"))
        assert made.status_code == 201, made.text
        return made.json()

    by_case = make(case_no="A3206022026090100001")  # a case filed in 崇川 (320602)
    assert by_case["unit"] == "NT-CC"
    assert by_case["routing_reason"] == "case 320602 attributed to 江苏省南通市崇川区 → " \
        "崇川分局网安大队 (NT-CC)"
    by_text = make(description=f"受害人称对方电话 {PHONE}")  # a 南通 mobile in the text
    assert by_text["unit"] == "NT"
    assert "phone +86138…0000 attributed to 江苏省南通市" in by_text["routing_reason"]
    assert PHONE not in by_text["routing_reason"]  # the reason masks the number
    assert [e["action"] for e in by_text["events"]][:2] == ["status", "route"]


def test_the_server_escalates_an_unreceived_immediate_clue_on_its_own(store_url) -> None:
    world = build_world(store_url)
    moment = {"now": datetime(2026, 9, 1, 8, 0, tzinfo=UTC)}
    app = create_app(world.url, secret="k" * 32, clock=lambda: moment["now"],
                     escalate_every=0.05)
    with TestClient(app) as client:
        made = client.post("/api/clues", json={"title": "网约暴力", "category": "violence_for_hire",
                                               "urgency": "immediate", "unit": "NT-CC"},
                           headers=as_user(world, "ana")).json()
        pushed = client.post(f"/api/clues/{made['id']}/status", json={"to": "pushed"},
                             headers=as_user(world, "ana")).json()
        assert pushed["deadline_at"] == "2026-09-01T08:15:00+00:00"  # 15 minutes to receive
        time.sleep(0.3)
        assert _clue_unit(client, world, made["id"]) == "NT-CC"  # not overdue yet
        moment["now"] += timedelta(minutes=16)
        for _ in range(100):
            if _clue_unit(client, world, made["id"]) == "NT":
                break
            time.sleep(0.05)
        assert _clue_unit(client, world, made["id"]) == "NT"  # up to 南通's city unit
    escalations = _audit(client, world.url, "clue.escalate")
    assert [(e.actor, e.object_id, e.detail["to"]) for e in escalations] == [
        ("system", str(made["id"]), "NT")]


def _clue_unit(client, world, clue_id: int) -> str:
    return client.get(f"/api/clues/{clue_id}", headers=as_user(world, "ana")).json()["unit"]
