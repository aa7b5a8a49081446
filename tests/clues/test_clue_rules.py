"""Clue rules: the shipped TOML, a user's file and its errors, and making clues from findings,
gangs and cases — routed, pushed when the rule says so, never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from clue_world import NANAN_ID_CARD, NANTONG_MOBILE, T0
from sqlalchemy import func, select

from jingwang.clues.make import make_clues
from jingwang.clues.rules import (
    DEFAULT_RULES_TOML,
    RulesError,
    default_rules,
    load_rules,
    parse_duration,
    parse_rules,
)
from jingwang.store.db import session_scope
from jingwang.store.models import Clue, ClueEvent
from jingwang.store.repository import GangMemberIn, add_finding, upsert_case, upsert_gang


def test_shipped_rules_put_lives_first():
    rules = default_rules()
    assert [r.name for r in rules.rules] == [
        "life-at-risk-no-time", "life-at-risk", "strong-finding", "gang-life-at-risk",
        "gang-with-cases"]
    assert rules.first_match("finding", "suicide_pact", 0.6).urgency == "immediate"
    assert rules.first_match("finding", "suicide_pact", 0.6).push
    # The content classifier's urgency: a pact with a date or place is immediate, one
    # without is urgent — and pushed at once all the same.
    assert rules.first_match("finding", "suicide_pact", 0.6, urgency="immediate").urgency \
        == "immediate"
    no_time = rules.first_match("finding", "suicide_pact", 0.6, urgency="high")
    assert (no_time.name, no_time.urgency, no_time.push) == (
        "life-at-risk-no-time", "urgent", True)
    assert rules.first_match("finding", "fraud", 0.9).name == "strong-finding"
    assert rules.first_match("finding", "fraud", 0.7) is None
    assert rules.first_match("gang", "fraud", 0.5, cases=2) is None
    assert rules.first_match("gang", "fraud", 0.5, cases=3).urgency == "urgent"
    assert rules.first_match("gang", "minor_harm", 0.5, cases=1).urgency == "immediate"
    assert rules.deadlines.receive["immediate"] == timedelta(minutes=15)
    assert parse_rules(DEFAULT_RULES_TOML).rules == rules.rules


def test_a_users_file_replaces_rules_and_deadlines(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[deadlines.receive]\nimmediate = "10m"\nnormal = 120\n\n'
                    '[[rule]]\nname = "cases"\nsource = "case"\ncategories = "fraud"\n'
                    'urgency = "urgent"\n', encoding="utf-8")
    rules = load_rules(path)
    assert rules.origin == str(path)
    assert [(r.name, r.source, r.categories, r.urgency) for r in rules.rules] == [
        ("cases", "case", frozenset({"fraud"}), "urgent")]
    assert dict(rules.deadlines.receive) == {"immediate": timedelta(minutes=10),
                                             "normal": timedelta(hours=2)}
    assert load_rules(None).rules == default_rules().rules


@pytest.mark.parametrize(("text", "reason"), [
    ("[[rule]]\nsource = 'post'\n", "rule 1 (rule-1): source 'post' is not one of"),
    ("[[rule]]\nname='x'\nsource='finding'\nurgency='asap'\n", "rule 1 (x): urgency 'asap'"),
    ("[[rule]]\nsource='finding'\ncategories=['drugs']\n", "unknown category 'drugs'"),
    ("[[rule]]\nsource='finding'\nmin_score=2\n", "min_score 2 is not a number from 0 to 1"),
    ("[[rule]]\nsource='finding'\nmin_cases=3\n", "min_cases only applies to gangs"),
    ("[[rule]]\nsource='gang'\nmin_cases=-1\n", "min_cases -1 is not a whole number"),
    ("[[rule]]\nsource='gang'\npush='yes'\n", "push must be true or false"),
    ("[[rule]]\nsource='gang'\nscore=1\n", "unknown key 'score'"),
    ("[[rule]]\nsource='finding'\nfinding_urgency='now'\n", "finding_urgency 'now' is not "
     "one of immediate, high, normal"),
    ("[[rule]]\nsource='gang'\nfinding_urgency=['high']\n",
     "finding_urgency only applies to findings"),
    ("[[rule]]\nname='a'\nsource='gang'\n[[rule]]\nname='a'\nsource='case'\n",
     "rule name 'a' is used twice"),
    ("[deadlines.receive]\nurgent='soon'\n", "deadlines.receive.urgent: 'soon' is not a "
     "duration"),
    ("[deadlines.receive]\nasap='1h'\n", "deadlines: deadline for unknown urgency 'asap'"),
    ("[deadlines.ack]\nurgent='1h'\n", "unknown step 'ack'"),
    ("[rules]\n", "unknown table 'rules'"),
    ("rule = 3\n", "rules are written [[rule]]"),
    ("[[rule]\n", "not valid TOML"),
])
def test_bad_rules_are_named(text, reason):
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "my.toml")
    assert str(caught.value).startswith("my.toml: ")
    assert reason in str(caught.value)


def test_missing_rules_file_is_a_rules_error(tmp_path):
    with pytest.raises(RulesError, match=r"nope\.toml"):
        load_rules(tmp_path / "nope.toml")
    assert parse_duration("3d") == timedelta(days=3)
    assert parse_duration(" 90 min ") == timedelta(minutes=90)


def _world(session):
    """Findings of each kind of interest, a gang with three cases, one with one."""
    add_finding(session, "content", "suicide_pact", 0.95, "相约烧炭，有意私聊",
                evidence={"urgency": "immediate", "urgency_reason": "suicide_pact with time 今晚"},
                source="posts", record_id="p1", indicators=[("phone", NANTONG_MOBILE)])
    add_finding(session, "content", "violence_for_hire", 0.8, "找人教训一下，价钱好说",
                evidence={"urgency": "high", "urgency_reason": "violence_for_hire without a "
                          "time, place or target"},
                source="posts", record_id="p5", indicators=[("phone", NANTONG_MOBILE)])
    add_finding(session, "content", "fraud", 0.9, "刷单返利，日赚三百",
                source="posts", record_id="p2", indicators=[("id_card", NANAN_ID_CARD)])
    add_finding(session, "content", "fraud", 0.6, "兼职刷单", source="posts", record_id="p3")
    add_finding(session, "content", "violence_for_hire", 0.3, "谁帮我出口气",
                source="posts", record_id="p4")
    cases = [upsert_case(session, f"A-{i}", "诈骗案", category="fraud", region_code="350583")
             for i in range(4)]
    big = upsert_gang(session, "G-big", name="刷单团伙",
                      members=[GangMemberIn(case=c.id) for c in cases[:3]])
    big.category = "fraud"
    small = upsert_gang(session, "G-small", members=[GangMemberIn(case=cases[3].id)])
    small.category = "fraud"
    upsert_gang(session, "G-nocat", members=[GangMemberIn(case=cases[0].id)])
    session.flush()


def test_make_clues_follows_the_rules_routes_pushes_and_never_repeats(tree):
    with session_scope(tree) as session:
        _world(session)
        report = make_clues(session, now=T0)
        assert len(report.created) == 4
        assert dict(report.by_rule) == {"life-at-risk": 1, "life-at-risk-no-time": 1,
                                        "strong-finding": 1, "gang-with-cases": 1}
        assert (report.pushed, report.unrouted, report.already, report.no_category) == (
            2, 0, 0, 1)
        clues = {c.title: c for c in session.scalars(select(Clue))}
        life = clues["网约自杀：相约烧炭，有意私聊"]
        assert (life.urgency, life.status, life.unit.code) == ("immediate", "pushed", "WA320600")
        assert life.deadline_at == T0 + timedelta(minutes=15)
        assert [(e.action, e.to_status, e.at) for e in life.events] == [
            ("status", "new", T0), ("route", "new", T0), ("status", "pushed", T0)]
        assert life.events[0].note.startswith("rule life-at-risk: finding")
        later = next(c for t, c in clues.items() if t.endswith("找人教训一下，价钱好说"))
        assert (later.urgency, later.status) == ("urgent", "pushed")
        assert later.deadline_at == T0 + timedelta(hours=2)
        fraud = clues["电信网络诈骗：刷单返利，日赚三百"]
        assert (fraud.urgency, fraud.status, fraud.unit.code) == ("normal", "new", "WA350583")
        gang = clues["电信网络诈骗团伙：刷单团伙"]
        assert (gang.urgency, gang.status, gang.gang.key) == ("urgent", "new", "G-big")
        assert gang.unit.code == "WA350583"
        assert "case 350583 attributed to 福建省泉州市南安市" in gang.routing_reason

    with session_scope(tree) as session:
        again = make_clues(session, now=T0 + timedelta(hours=1))
        assert again.created == [] and again.already == 4
        assert session.scalar(select(func.count()).select_from(Clue)) == 4
        assert session.scalar(select(func.count()).select_from(ClueEvent)) == 3 + 3 + 3 + 1


def test_a_new_finding_later_gets_its_own_clue_and_case_rules_work(tree):
    rules = parse_rules("[[rule]]\nsource='case'\ncategories=['fraud']\nurgency='urgent'\n"
                        "push=true\n")
    with session_scope(tree) as session:
        upsert_case(session, "A-1", "诈骗案", category="fraud", region_code="320614")
        upsert_case(session, "A-2", "赌博案", category="gambling", region_code="320614")
        report = make_clues(session, rules, now=T0)
        assert len(report.created) == 1 and report.pushed == 1
        clue = session.get(Clue, report.created[0])
        assert (clue.title, clue.unit.code, clue.status) == ("案件 A-1：诈骗案", "WA320614",
                                                             "pushed")
        upsert_case(session, "A-3", "诈骗案", category="fraud", region_code="320602")
        assert len(make_clues(session, rules, now=T0).created) == 1
