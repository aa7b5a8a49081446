"""Routing on real attributions: a 南通 mobile goes to the 南通 unit, an ID card issued in
350583 to 南安, a case to the unit of its region, no evidence to the ministry — with the reason
written on the clue and in a `route` event."""

from __future__ import annotations

from clue_world import NANAN_ID_CARD, NANTONG_MOBILE, T0, unit
from sqlalchemy import select

from jingwang.clues.make import open_clue
from jingwang.clues.routing import choose_unit, load_units
from jingwang.regions import Attribution, IpLocator, UnitRef, attribute_indicator
from jingwang.store.db import session_scope
from jingwang.store.models import Clue, Unit
from jingwang.store.repository import (
    GangMemberIn,
    add_finding,
    upsert_case,
    upsert_gang,
)


def _finding_clue(session, category: str, explanation: str, indicators):
    finding = add_finding(session, "content", category, 0.9, explanation,
                          source="posts", record_id=f"p-{len(explanation)}",
                          indicators=indicators)
    clue, routing = open_clue(session, "线索", category, "analyst.wang", finding=finding, now=T0)
    return clue, routing


def test_a_nantong_mobile_routes_to_the_nantong_unit(tree):
    assert attribute_indicator("phone", NANTONG_MOBILE).region_code == "320600"
    with session_scope(tree) as session:
        clue, routing = _finding_clue(session, "violence_for_hire", "出钱找人教训一下，速联系",
                                      [("phone", NANTONG_MOBILE)])
        # The phone says 南通市, not which district: the city's unit gets it, not 崇川's.
        assert clue.unit.code == "WA320600"
        assert clue.unit.name == "南通市公安局网安支队"
        assert clue.routing_reason == ("phone +86138…0000 attributed to 江苏省南通市 → "
                                       "南通市公安局网安支队 (WA320600)")
        assert routing.attribution.method == "phone"
        route = clue.events[-1]
        assert (route.action, route.note, route.unit.code, route.at) == (
            "route", clue.routing_reason, "WA320600", T0)
        assert NANTONG_MOBILE not in clue.routing_reason  # PII is masked in the reason


def test_an_id_card_from_350583_routes_to_nanan(tree):
    with session_scope(tree) as session:
        clue, _ = _finding_clue(session, "pii_trade", "出售身份证信息",
                                [("id_card", NANAN_ID_CARD)])
        assert clue.unit.code == "WA350583"
        assert clue.unit.name == "南安市公安局网安大队"
        assert clue.routing_reason.startswith("id_card 350583")
        assert "attributed to 福建省泉州市南安市 → 南安市公安局网安大队 (WA350583)" \
            in clue.routing_reason


def test_without_a_county_unit_the_city_unit_owns_the_county(tree):
    with session_scope(tree) as session:
        session.delete(unit(session, "WA350583"))
        session.flush()
        clue, _ = _finding_clue(session, "pii_trade", "出售身份证信息",
                                [("id_card", NANAN_ID_CARD)])
        assert clue.unit.code == "WA350500"


def test_the_region_most_evidence_supports_wins_and_the_reason_says_how_much(tree):
    with session_scope(tree) as session:
        clue, routing = _finding_clue(
            session, "fraud", "刷单返利，加微信",
            [("phone", NANTONG_MOBILE), ("phone", "+8613962812345"),
             ("phone", "+8613801000000")])  # two of 南通, one of 北京
        assert clue.unit.code == "WA320600"
        assert (routing.evidence, routing.agreeing) == (3, 2)
        assert "(2 of 3 pieces of location evidence agree)" in clue.routing_reason


def test_an_address_in_the_text_is_evidence(tree):
    with session_scope(tree) as session:
        clue, _ = _finding_clue(session, "gambling", "赌场招代理，地点福建省泉州市南安市", [])
        assert clue.unit.code == "WA350583"
        assert clue.routing_reason.startswith("address 福建省泉州市南安市 attributed to")


def test_a_case_routes_to_the_unit_of_its_region_and_a_gang_by_its_cases(tree):
    with session_scope(tree) as session:
        case = upsert_case(session, "A320602-1", "网络诈骗案", category="fraud",
                           region_code="320602")
        clue, _ = open_clue(session, "案件线索", "fraud", "analyst.wang", case=case, now=T0)
        assert clue.unit.code == "WA320602"
        assert clue.routing_reason.startswith("case 320602 attributed to 江苏省南通市崇川区")
        gang = upsert_gang(session, "G-1", name="刷单团伙", members=[
            GangMemberIn(case=case.id, role="perpetrator"),
            GangMemberIn(indicator=("phone", NANTONG_MOBILE), role="perpetrator")])
        gang_clue, _ = open_clue(session, "团伙线索", "fraud", "analyst.wang", gang="G-1",
                                 now=T0)
        assert gang.id == gang_clue.gang_id
        # The phone says 南通, the case 崇川区 inside it: both agree on 崇川.
        assert gang_clue.unit.code == "WA320602"
        assert "(2 of 2 pieces of location evidence agree)" in gang_clue.routing_reason


def test_no_evidence_goes_to_the_ministry_and_says_so(tree):
    with session_scope(tree) as session:
        clue, routing = _finding_clue(session, "rumor", "散布谣言", [("qq", "12345678")])
        assert clue.unit.code == "WA000000"
        assert routing.attribution is None
        assert clue.routing_reason == ("no location evidence: routed to 公安部网络安全保卫局 "
                                       "(WA000000) to be assigned by hand")


def test_an_analyst_may_name_the_unit(tree):
    with session_scope(tree) as session:
        clue, routing = open_clue(session, "线索", "porn", "analyst.wang", unit="WA320614",
                                  now=T0)
        assert routing is None and clue.unit.code == "WA320614"
        assert clue.routing_reason == "assigned to 南通市公安局海门分局网安大队 (WA320614) by " \
            "analyst.wang"
        assert [e.action for e in clue.events] == ["status", "route"]
        assert clue.events[0].actor == "analyst.wang" and clue.events[0].at == T0


def test_choose_unit_without_units_leaves_the_clue_unrouted():
    phone = Attribution("320600", "phone", f"phone {NANTONG_MOBILE}", 0.7)
    assert choose_unit([phone], []).unit is None
    assert "no unit covers 320600" in choose_unit([phone], []).reason
    assert choose_unit([], []).reason.startswith("no location evidence, and no ministry unit")
    only_js = [UnitRef(1, "JS", "江苏省公安厅网安总队", "320000", "province", None)]
    assert choose_unit([phone], only_js).unit.code == "JS"


def test_units_are_loaded_as_unit_refs(tree):
    with session_scope(tree) as session:
        refs = {u.code: u for u in load_units(session)}
        stored = {u.code: u for u in session.scalars(select(Unit))}
        assert set(refs) == set(stored)
        nt = refs["WA320600"]
        assert (nt.level, nt.region_code, nt.parent_id) == (
            "city", "320600", stored["WA320000"].id)
        assert session.scalar(select(Clue.id)) is None


class OneCityReader:
    """A stand-in for a MaxMind reader that places every IP in 南安."""

    def get(self, ip: str):
        return {"country": {"iso_code": "CN"},
                "subdivisions": [{"names": {"zh-CN": "福建省"}}],
                "city": {"names": {"zh-CN": "南安市"}}}


def test_an_ip_is_evidence_when_there_is_an_ip_database(tree):
    with session_scope(tree) as session:
        finding = add_finding(session, "web", "gambling", 0.9, "赌博网站", source="pages",
                              record_id="x", indicators=[("ip", "203.0.113.7")])
        clue, _ = open_clue(session, "线索", "gambling", "a", finding=finding, now=T0,
                            ip_reader=IpLocator(OneCityReader()))
        assert clue.unit.code == "WA350583"
        assert clue.routing_reason.startswith("ip 203.0.113.7 attributed to 福建省泉州市南安市")
        other, _ = open_clue(session, "线索", "gambling", "a", finding=finding, now=T0)
        assert other.unit.code == "WA000000"  # without a database an IP says nothing
