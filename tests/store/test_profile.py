"""The indicator profile: sightings, sources, findings, cases, gangs and clues of one indicator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jingwang.store.db import session_scope
from jingwang.store.errors import NotFound
from jingwang.store.repository import (
    GangMemberIn,
    SightingIn,
    add_finding,
    add_sightings,
    add_unit,
    create_clue,
    find_indicators,
    indicator_profile,
    upsert_case,
    upsert_gang,
    upsert_indicator,
)

T0 = datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
CARD = ("bank_card", "6222021234567890123")


def _world(session) -> int:
    """A card seen in posts and a ledger, in a finding, a case, two gangs and three clues."""
    rows = [
        SightingIn(
            *CARD,
            "posts",
            f"p{i}",
            4,
            23,
            "6222 0212 3456 7890 123",
            f"跑分卡 {i}",
            T0 + timedelta(hours=i),
        )
        for i in range(5)
    ]
    rows.append(SightingIn(*CARD, "ledger", "L9", 0, 19, CARD[1], "收款", None))
    rows.append(SightingIn("qq", "99887766", "posts", "p0", 30, 38, "99887766", "QQ"))
    add_sightings(session, rows)
    finding = add_finding(
        session,
        "payments",
        "money_laundering",
        0.93,
        "多卡快进快出",
        source="ledger",
        record_id="L9",
        observed_at=T0,
        indicators=[CARD],
    )
    add_finding(session, "content", "gambling", 0.4, "unrelated", indicators=[("qq", "99887766")])
    case = upsert_case(
        session, "A-001", "跑分洗钱案", category="money_laundering", indicators=[CARD]
    )
    direct = upsert_gang(
        session,
        "gang:card",
        name="跑分团伙",
        members=[GangMemberIn(indicator=CARD, role="payment_settlement")],
    )
    via_case = upsert_gang(session, "gang:cases", members=[GangMemberIn(case=case)])
    upsert_gang(session, "gang:other", members=[GangMemberIn(indicator=("qq", "99887766"))])
    unit = add_unit(session, "NT-WA", "南通网安", "320600", "city")
    create_clue(session, "跑分线索", "money_laundering", unit=unit, finding=finding)
    create_clue(session, "案件串并", "money_laundering", case=case)
    create_clue(session, "团伙打击", "money_laundering", gang=via_case)
    create_clue(session, "other", "gambling", gang=upsert_gang(session, "gang:other"))
    assert direct.id != via_case.id
    (card,) = find_indicators(session, [CARD])
    return card.id


def test_profile_gathers_everything_linked_to_the_indicator(store_engine):
    with session_scope(store_engine) as session:
        card_id = _world(session)
    with session_scope(store_engine) as session:
        profile = indicator_profile(session, card_id)
        assert profile.indicator.value == CARD[1]
        assert profile.sighting_count == 6 == profile.indicator.sighting_count
        assert profile.sources == {"posts": 5, "ledger": 1}
        assert list(profile.sources) == ["posts", "ledger"]
        recent = profile.recent_sightings
        assert [s.record_id for s in recent] == ["p4", "p3", "p2", "p1", "p0", "L9"]
        assert recent[0].raw == "6222 0212 3456 7890 123"
        assert recent[0].context == "跑分卡 4"
        assert recent[0].seen_at == T0 + timedelta(hours=4)
        assert recent[-1].seen_at is None
        assert [f.explanation for f in profile.findings] == ["多卡快进快出"]
        assert [c.case_no for c in profile.cases] == ["A-001"]
        gangs = {link.gang.key: link for link in profile.gangs}
        assert set(gangs) == {"gang:card", "gang:cases"}
        assert gangs["gang:card"].role == "payment_settlement"
        assert gangs["gang:card"].via_case is None
        assert gangs["gang:cases"].via_case.case_no == "A-001"
        assert sorted(c.title for c in profile.clues) == ["团伙打击", "案件串并", "跑分线索"]


def test_profile_limit_and_an_indicator_seen_nowhere(store_engine):
    with session_scope(store_engine) as session:
        card_id = _world(session)
        profile = indicator_profile(session, card_id, limit=2)
        assert [s.record_id for s in profile.recent_sightings] == ["p4", "p3"]
        assert profile.sighting_count == 6
        lonely = upsert_indicator(session, "domain", "nowhere.example")
        empty = indicator_profile(session, lonely.id)
        assert empty.sighting_count == 0 and empty.sources == {}
        assert empty.recent_sightings == empty.findings == empty.cases == []
        assert empty.gangs == empty.clues == []
        with pytest.raises(NotFound):
            indicator_profile(session, 987_654)
