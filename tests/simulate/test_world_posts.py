"""The simulated world's gangs, posts, cases and reports: deterministic and consistent."""

from __future__ import annotations

import json

from jingwang.categories import CATEGORIES, CHAIN_ROLES
from jingwang.indicators import canonicalize, extract_values
from jingwang.simulate.cases import generate_cases, generate_reports
from jingwang.simulate.posts import generate_posts
from jingwang.simulate.regions import REGIONS
from jingwang.simulate.world import ARCHETYPES, build_world


def test_same_seed_same_world_other_seed_other_world() -> None:
    a, b, c = build_world(7), build_world(7), build_world(8)
    dump = lambda w: json.dumps([(g.id, g.archetype, g.indicators, g.suppliers,  # noqa: E731
                                  [m.id_card for m in g.members]) for g in w.gangs])
    assert dump(a) == dump(b)
    assert dump(a) != dump(c)


def test_gangs_are_real_actors_of_the_chain() -> None:
    world = build_world(7, "small")
    assert {g.archetype for g in world.gangs} == set(ARCHETYPES)  # every kind at small scale
    for gang in world.gangs:
        assert gang.category in CATEGORIES and gang.role in CHAIN_ROLES
        assert gang.region_code in REGIONS and gang.members
        for member in gang.members:
            assert canonicalize("id_card", member.id_card) == member.id_card
            assert member.id_card[:6] == member.region_code
        for kind, values in gang.indicators.items():
            for value in values:
                assert canonicalize(kind, value) == value, (gang.id, kind, value)
        for supplier in gang.suppliers:  # suppliers sit upstream: material, tech, promotion, money
            assert world.gang(supplier).role != "perpetrator"
    # Downstream gangs buy from upstream ones, and some gangs share a contact.
    assert any(g.suppliers for g in world.gangs if g.archetype == "fraud_op")
    assert any(g.shared_with for g in build_world(11, "medium").gangs)


def test_posts_are_deterministic_and_their_truth_is_consistent() -> None:
    world = build_world(7, "small")
    first = list(generate_posts(world))
    assert first == list(generate_posts(build_world(7, "small")))
    assert len(first) == world.scale.posts
    illicit = [(p, t) for p, t in first if t.label == "illicit"]
    assert 0.08 < len(illicit) / len(first) < 0.25
    for post, truth in illicit:
        gang = world.gang(truth.gang_id)
        assert truth.category == gang.category and truth.indicators
        for kind, value in truth.indicators:
            if kind == "url" or value in world.shared.domains:  # URLs, big platforms
                continue
            assert value in gang.values(kind), (post["id"], kind, value)
    benign = [(p, t) for p, t in first if t.label == "benign"]
    assert all(t.gang_id == "" for _, t in benign)


def test_every_written_indicator_is_in_the_text() -> None:
    # The extractor is scored against this truth: it must be findable, and nothing else there.
    world = build_world(7, "small")
    misses = [(p["text"], t.indicators) for p, t in generate_posts(world)
              if set(t.indicators) != extract_values(str(p["text"]))]
    assert len(misses) <= world.scale.posts * 0.01, misses[:5]


def test_cases_and_reports_point_at_gangs() -> None:
    world = build_world(7, "small")
    cases = list(generate_cases(world))
    assert len(cases) == world.scale.cases
    for record, truth in cases:
        assert record["region_code"] in REGIONS
        gang = world.gang(truth.gang_id)
        assert record["category"] == gang.category
        for kind, value in truth.indicators:
            assert value in gang.values(kind)
    reports = list(generate_reports(world, list(generate_posts(world))[:2000]))
    assert len(reports) == world.scale.reports
    labels = {t["label"] for _, t in reports}
    assert labels == {"illicit", "benign"}
