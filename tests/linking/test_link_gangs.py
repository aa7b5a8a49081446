"""Linking on hand-built sightings whose gangs are known, and on the store end to end."""

from __future__ import annotations

import json

import pyarrow as pa
from typer.testing import CliRunner

from jingwang.cli import app
from jingwang.evaluate.metrics import bcubed
from jingwang.linking.exclusions import ExclusionList, default_exclusions
from jingwang.linking.link import NAIVE, link_sightings
from jingwang.store.db import init_store, open_store, session_scope
from jingwang.store.repository import SightingIn, add_sightings

# Two gangs. Gang A: a WeChat, a phone and a card seen together in ads; gang B: a QQ and a domain.
# Both ads also name baidu.com (a big platform); one member of A once posts B's QQ (an overlap).
ADS = [
    ("posts", "p1", [("wechat", "heiye_a1"), ("phone", "+8613812345678"), ("domain", "baidu.com")]),
    ("posts", "p2", [("wechat", "heiye_a1"), ("bank_card", "6222020928159013962")]),
    ("posts", "p3", [("phone", "+8613812345678"), ("bank_card", "6222020928159013962")]),
    ("posts", "p4", [("qq", "3897586144"), ("domain", "bet888.vip"), ("domain", "baidu.com")]),
    ("posts", "p5", [("qq", "3897586144"), ("domain", "bet888.vip")]),
    ("posts", "p6", [("domain", "bet888.vip"), ("telegram", "bet_kefu")]),
    ("cases", "c1", [("phone", "+8613812345678"), ("bank_card", "6222020928159013962")]),
    ("cases", "c2", [("wechat", "heiye_a1"), ("qq", "3897586144")]),  # the overlap
    ("posts", "p7", [("domain", "baidu.com"), ("phone", "+8613900001111")]),  # a benign shop
]
TRUTH = {("wechat", "heiye_a1"): "A", ("phone", "+8613812345678"): "A",
         ("bank_card", "6222020928159013962"): "A", ("qq", "3897586144"): "B",
         ("domain", "bet888.vip"): "B", ("telegram", "bet_kefu"): "B"}


def _table(ads=ADS) -> pa.Table:
    rows = [(src, rid, k, v) for src, rid, pairs in ads for k, v in pairs]
    return pa.table({name: [r[i] for r in rows]
                     for i, name in enumerate(("source", "record_id", "kind", "value"))})


def test_weighted_graph_finds_both_gangs_where_naive_components_glue_them() -> None:
    result = link_sightings(_table())
    assert bcubed(TRUTH, result.membership) == (1.0, 1.0, 1.0)
    by_key = {}
    for pair, key in result.membership.items():
        by_key.setdefault(key, set()).add(pair)
    assert {frozenset(v) for v in by_key.values()} >= {
        frozenset(p for p, g in TRUTH.items() if g == "A"),
        frozenset(p for p, g in TRUTH.items() if g == "B")}
    assert ("domain", "baidu.com") not in result.membership  # excluded, never a member
    assert any(d[:2] == ("domain", "baidu.com") and d[3] == "excluded" for d in result.dropped)
    # The two gangs are tied by the overlap: that tie is reported, not merged.
    assert len(result.links) == 1

    naive = link_sightings(_table(), exclusions=NAIVE, resolution=None)
    p, r, _f = bcubed(TRUTH, naive.membership)
    assert r == 1.0 and p < 0.6  # baidu.com and the overlap glue everything into one group


def test_the_correlation_cap_and_an_edited_list_stop_a_value_linking() -> None:
    capped = link_sightings(_table(), exclusions=ExclusionList(max_records=2))
    assert ("domain", "bet888.vip") not in capped.membership  # seen in 3 records
    assert any(d[:2] == ("domain", "bet888.vip") and d[3] == "over cap" for d in capped.dropped)
    mine = default_exclusions()
    mine.values.add(("qq", "3897586144"))
    edited = link_sightings(_table(), exclusions=mine)
    assert ("qq", "3897586144") not in edited.membership


def test_gang_keys_are_stable_between_runs_and_input_orders() -> None:
    first = link_sightings(_table())
    again = link_sightings(_table(list(reversed(ADS))))
    assert first.membership == again.membership


def _store(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 's.db'}"
    init_store(url)
    with session_scope(open_store(url)) as session:
        add_sightings(session, [SightingIn(k, v, src, rid, i, i + 1, v)
                                for src, rid, pairs in ADS for i, (k, v) in enumerate(pairs)])
    return url


def test_link_and_gang_commands_store_and_show_gangs(tmp_path) -> None:
    url = _store(tmp_path)
    runner = CliRunner()
    first = runner.invoke(app, ["--db", url, "link"])
    assert first.exit_code == 0, first.output
    assert "2 gangs (2 new" in first.output and "1 chain links" in first.output
    again = runner.invoke(app, ["--db", url, "link"])
    assert "2 gangs (0 new, 2 kept, 0 removed)" in again.output
    counts = json.loads(runner.invoke(app, ["--db", url, "stats", "--json"]).stdout)
    assert counts["gangs"] == 2 and counts["gang_links"] == 1

    result = link_sightings(_table())
    key_a = result.membership[("wechat", "heiye_a1")]
    shown = runner.invoke(app, ["--db", url, "gang", key_a, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    view = json.loads(shown.stdout)
    assert {(m["kind"], m["value"]) for m in view["indicators"]} == {
        p for p, g in TRUTH.items() if g == "A"}
    assert len(view["upstream"]) + len(view["downstream"]) == 1
    dot = runner.invoke(app, ["--db", url, "gang", key_a, "--format", "dot"])
    assert dot.stdout.startswith(f'graph "{key_a}"') and "heiye_a1" in dot.stdout
    missing = runner.invoke(app, ["--db", url, "gang", "G-nothing"])
    assert missing.exit_code == 1 and "no gang" in missing.output


def test_giant_components_are_split_by_label_propagation(monkeypatch) -> None:
    import jingwang.linking.link as link_module

    # Treat every component as giant: the same two gangs come out of label propagation.
    monkeypatch.setattr(link_module, "LEIDEN_MAX_NODES", 2)
    result = link_module.link_sightings(_table())
    assert bcubed(TRUTH, result.membership)[2] == 1.0


def _shape(result):
    return sorted((g.key, tuple(g.indicators), g.record_count, tuple(sorted(g.sources.items())),
                   tuple(sorted(g.records)), g.internal_weight, g.boundary_weight)
                  for g in result.groups)


def test_an_ibis_table_links_as_its_arrow_table_does() -> None:
    import ibis

    from jingwang.linking.link import bounded_duckdb

    from_arrow = link_sightings(_table())
    with bounded_duckdb() as con:
        view = con.create_view("my_sightings", ibis.memtable(_table()))
        from_ibis = link_sightings(view)  # runs on the view's own connection
    assert _shape(from_ibis) == _shape(from_arrow)
    assert from_ibis.membership == from_arrow.membership and from_ibis.links == from_arrow.links


def test_an_indicator_named_twice_in_a_record_counts_once() -> None:
    twice = [("posts", "p1", [("wechat", "heiye_a1")])]  # p1 already names it
    once, again = link_sightings(_table()), link_sightings(_table(ADS + twice))
    assert _shape(again) == _shape(once) and again.links == once.links


def test_edge_weights_add_one_record_at_a_time_in_any_order() -> None:
    import numpy as np

    from jingwang.linking.link import repeated_sum

    rng = np.random.default_rng(7)
    term, times = rng.random(500) * 17, rng.integers(1, 40, 500)
    expected = []
    for x, n in zip(term.tolist(), times.tolist(), strict=True):
        total = x
        for _ in range(n - 1):
            total += x
        expected.append(total)
    assert repeated_sum(term, times).tolist() == expected  # exactly, not approximately
    shuffled = rng.permutation(500)
    assert repeated_sum(term[shuffled], times[shuffled]).tolist() == [expected[i]
                                                                      for i in shuffled]


def test_a_member_named_in_laundering_cases_settles_payments_for_a_fraud_gang() -> None:
    from jingwang.linking.run import indicator_categories, to_gangs

    card = ("bank_card", "6222020928159013962")
    extra = [("cases", "c5", [("wechat", "heiye_a1"), ("phone", "+8613812345678")]),
             ("cases", "c6", [("wechat", "heiye_a1"), ("phone", "+8613812345678")]),
             ("cases", "c3", [card]), ("cases", "c4", [card])]
    table = _table(ADS + extra)
    categories = {("cases", "c1"): "fraud", ("cases", "c5"): "fraud", ("cases", "c6"): "fraud",
                  ("cases", "c3"): "money_laundering", ("cases", "c4"): "money_laundering"}
    result = link_sightings(table)
    gangs, _ = to_gangs(result, categories, {}, indicator_categories(table, categories))
    gang_a = next(g for g in gangs if ("wechat", "heiye_a1", "perpetrator") in g.indicators)
    roles = {(k, v): r for k, v, r in gang_a.indicators}
    assert gang_a.role == "perpetrator" and gang_a.category == "fraud"
    assert roles[card] == "payment_settlement"          # 2 laundering cases against 1 fraud
    assert roles[("phone", "+8613812345678")] == "perpetrator"
    assert dict(gang_a.cases)["c3"] == "payment_settlement"
    assert dict(gang_a.cases)["c5"] == "perpetrator"
