"""Findings, cases, gangs, units, users, audit events and table counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from jingwang.categories import CATEGORIES, CHAIN_ROLES, CLUE_STATUSES, URGENCIES
from jingwang.store.db import session_scope
from jingwang.store.errors import Duplicate, NotFound
from jingwang.store.models import Base, GangMember, Unit
from jingwang.store.repository import (
    GangMemberIn,
    add_finding,
    add_unit,
    add_user,
    record_audit,
    store_counts,
    upsert_case,
    upsert_gang,
    upsert_indicator,
)

T0 = datetime(2024, 6, 1, tzinfo=UTC)


def test_vocabularies_have_codes_and_chinese_names():
    assert len(CATEGORIES) == 17
    assert CATEGORIES["money_laundering"] == "支付结算/跑分"
    assert list(CHAIN_ROLES) == [
        "material_supply",
        "tech_support",
        "promotion",
        "payment_settlement",
        "perpetrator",
    ]
    assert list(CLUE_STATUSES)[-2:] == ["closed", "rejected"]
    assert set(URGENCIES) == {"immediate", "urgent", "normal"}


def test_finding_on_the_same_record_is_updated_not_repeated(store_engine):
    with session_scope(store_engine) as session:
        first = add_finding(
            session,
            "content",
            "fraud",
            0.7,
            "刷单返利话术",
            evidence={"keywords": ["刷单", "返利"]},
            source="posts",
            record_id="p1",
            observed_at=T0,
            indicators=[("qq", "778899")],
        )
        again = add_finding(
            session,
            "content",
            "fraud",
            0.9,
            "刷单返利话术 + 引流",
            source="posts",
            record_id="p1",
            indicators=[("qq", "778899"), ("wechat", "wxid_x")],
        )
        assert again.id == first.id
        assert again.score == 0.9
        assert again.evidence == {"keywords": ["刷单", "返利"]}
        assert sorted(i.value for i in again.indicators) == ["778899", "wxid_x"]
        other = add_finding(
            session, "content", "gambling", 0.6, "赌博推广", source="posts", record_id="p1"
        )
        assert other.id != first.id
        unkeyed = [add_finding(session, "traffic", "hacking", 0.8, "DDoS") for _ in range(2)]
        assert unkeyed[0].id != unkeyed[1].id
        counts = store_counts(session)
    assert counts["findings"] == 4
    assert counts["finding_indicators"] == 2


@pytest.mark.parametrize(
    ("category", "score", "message"),
    [("nonsense", 0.5, "category"), ("fraud", 1.5, "score"), ("fraud", -0.1, "score")],
)
def test_finding_values_are_checked(store_engine, category, score, message):
    with pytest.raises(ValueError, match=message), session_scope(store_engine) as session:
        add_finding(session, "content", category, score, "x")


def test_case_upsert_is_idempotent_and_keeps_fields(store_engine):
    with session_scope(store_engine) as session:
        phone = upsert_indicator(session, "phone", "+8613812345678", T0)
        case = upsert_case(
            session,
            "A3206002024060001",
            "刷单诈骗案",
            category="fraud",
            region_code="320600",
            reported_at=T0,
            indicators=[phone, ("bank_card", "6222020200112233445")],
        )
        again = upsert_case(session, "A3206002024060001", "刷单返利诈骗案", indicators=[phone.id])
        assert again.id == case.id
        assert again.title == "刷单返利诈骗案"
        assert again.category == "fraud" and again.region_code == "320600"
        assert len(again.indicators) == 2
        with pytest.raises(ValueError, match="region_code"):
            upsert_case(session, "B1", "x", region_code="3206")
        with pytest.raises(NotFound):
            upsert_case(session, "B2", "x", indicators=[999_999])


def test_gang_membership_is_replaced_and_roles_checked(store_engine):
    with session_scope(store_engine) as session:
        case = upsert_case(session, "C-1", "跑分案")
        gang = upsert_gang(
            session,
            "gang:abc",
            name="跑分团伙",
            score=0.8,
            members=[
                GangMemberIn(
                    indicator=("bank_card", "6222000000000001"), role="payment_settlement"
                ),
                GangMemberIn(indicator=("telegram", "paofen_boss"), role="promotion"),
                GangMemberIn(case=case),
            ],
        )
        member_ids = {m.id for m in gang.members}
        again = upsert_gang(
            session,
            "gang:abc",
            members=[
                GangMemberIn(indicator=("telegram", "paofen_boss"), role="perpetrator"),
                GangMemberIn(case=case.id),
            ],
        )
        assert again.id == gang.id
        assert again.name == "跑分团伙" and again.score == 0.8
        roles = {(m.indicator_id is not None, m.role) for m in again.members}
        assert roles == {(True, "perpetrator"), (False, None)}
        assert {m.id for m in again.members} < member_ids  # updated in place, one removed
        assert store_counts(session)["gang_members"] == 2
        with pytest.raises(ValueError, match="role"):
            upsert_gang(
                session, "gang:x", members=[GangMemberIn(indicator=("qq", "1"), role="boss")]
            )
        with pytest.raises(ValueError, match="exactly one"):
            upsert_gang(session, "gang:y", members=[GangMemberIn()])


def test_database_refuses_a_member_that_is_both_indicator_and_case(store_engine):
    with pytest.raises(IntegrityError), session_scope(store_engine) as session:
        gang = upsert_gang(session, "gang:z")
        case = upsert_case(session, "C-2", "x")
        qq = upsert_indicator(session, "qq", "1")
        session.add(GangMember(gang_id=gang.id, indicator_id=qq.id, case_id=case.id))
        session.flush()


def test_units_form_a_hierarchy_and_re_adding_updates(store_engine):
    with session_scope(store_engine) as session:
        ministry = add_unit(session, "MPS-WA", "公安部网络安全保卫局", "100000", "ministry")
        province = add_unit(
            session, "JS-WA", "江苏省公安厅网安总队", "320000", "province", parent=ministry
        )
        city = add_unit(session, "NT-WA", "南通市公安局网安支队", "320600", "city", parent="JS-WA")
        again = add_unit(
            session, "NT-WA", "南通市公安局网络安全保卫支队", "320600", "city", parent="JS-WA"
        )
        assert again.id == city.id and again.name.endswith("保卫支队")
        assert city.parent is province and province.parent is ministry
        assert [u.code for u in province.children] == ["NT-WA"]
        with pytest.raises(ValueError, match="level"):
            add_unit(session, "X", "x", "320600", "village")
        with pytest.raises(ValueError, match="region_code"):
            add_unit(session, "X", "x", "32060A", "city")
        with pytest.raises(NotFound):
            add_unit(session, "X", "x", "320600", "county", parent="NOPE")
    with session_scope(store_engine) as session:
        assert session.scalar(select(Unit.level).where(Unit.code == "MPS-WA")) == "ministry"


def test_users_are_unique_and_roles_checked(store_engine):
    with session_scope(store_engine) as session:
        unit = add_unit(session, "NT-WA", "南通网安", "320600", "city")
        user = add_user(
            session,
            "zhang.san",
            "analyst",
            display_name="张三",
            unit=unit,
            password_hash="$argon2id$v=19$m=65536$x",
        )
        assert user.active and user.unit is unit
        with pytest.raises(Duplicate):
            add_user(session, "zhang.san", "admin")
        with pytest.raises(ValueError, match="role"):
            add_user(session, "li.si", "superuser")


def test_audit_events_keep_detail(store_engine):
    with session_scope(store_engine) as session:
        event = record_audit(
            session,
            "zhang.san",
            "read_pii",
            "indicator",
            42,
            {"fields": ["value"], "reason": "研判"},
        )
    with session_scope(store_engine) as session:
        stored = session.get(type(event), event.id)
        assert stored.object_id == "42"
        assert stored.detail == {"fields": ["value"], "reason": "研判"}
        assert stored.at.tzinfo == UTC


def test_database_check_constraints_hold_without_the_orm(store_engine):
    with pytest.raises(IntegrityError), store_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO clues (title, category, urgency, status, suspects_caught,"
                " money_frozen, cases_solved, created_at, updated_at) VALUES"
                " ('t', 'fraud', 'normal', 'lost', 0, 0, 0, :now, :now)"
            ),
            {"now": T0},
        )


def test_store_counts_cover_every_table(store_engine):
    with session_scope(store_engine) as session:
        add_finding(session, "content", "porn", 0.99, "x", indicators=[("url", "http://a.b/c")])
        counts = store_counts(session)
    assert set(counts) == set(Base.metadata.tables)
    assert counts["findings"] == counts["indicators"] == counts["finding_indicators"] == 1
    assert counts["clues"] == 0
