"""Structural typologies (scatter-gather, gather-scatter, cycle, layering chain, bipartite, stack)
on hand-built ledgers with one known instance of each among benign traffic, and near misses."""

from __future__ import annotations

import datetime as dt
import math

import ibis
import pyarrow as pa
import pytest
from hand_ledgers import T0, hand_ledger  # same folder

from jingwang.payments.structures import (
    FINDINGS_SCHEMA,
    STRUCTURE_ACCOUNTS_SCHEMA,
    STRUCTURE_TYPOLOGIES,
    StructureThresholds,
    structure_accounts,
    structure_findings,
    structure_legs,
    transaction_structures,
)

Row = tuple[float, str, str, float]   # (hours after T0, src, dst, amount)


def background() -> list[Row]:
    """Benign traffic: a big shop, a market stall paying its suppliers, payroll, people."""
    rows: list[Row] = []
    # SHOP: 300 customers, heavy-tailed bills (¥20–¥3,000) over ten days; pays three suppliers
    for i in range(300):
        amount = round(min(3_000.0, 20 * math.exp(5 * ((i * 7919) % 1_000) / 1_000)), 2)
        rows.append((i * 240 / 300, f"C{i:03d}", "SHOP", amount))
    rows += [(100, "SHOP", "SUP1", 20_000), (150, "SHOP", "SUP2", 18_000),
             (200, "SHOP", "SUP3", 25_000)]
    # MART: 40 customers pay ¥600–¥3,000 over three days; an hour after the last it pays three
    # suppliers (a third of its takings) and keeps the rest
    for i in range(40):
        rows.append((i * 72 / 40, f"D{i:02d}", "MART", 600 + (i * 37) % 2_400))
    rows += [(73, "MART", "SUP1", 9_000), (73.5, "MART", "SUP4", 8_000),
             (74, "MART", "SUP5", 7_000)]
    # payroll: three staff paid ¥8,000, each paying rent (¥3,000) to one landlord the next day
    for i, who in enumerate(("ALICE", "BOB", "CAROL")):
        rows += [(24 + i, "EMPLOYER", who, 8_000), (48 + i, who, "LANDLORD", 3_000)]
    # people paying each other: a dinner split, a loan paid back, small transfers
    rows += [(30, "ALICE", "BOB", 200), (31, "CAROL", "BOB", 200), (32, "BOB", "RESTAURANT", 600),
             (60, "ALICE", "DAVE", 2_000), (90, "DAVE", "ALICE", 2_000),
             (100, "BOB", "CAROL", 150), (101, "CAROL", "ALICE", 120),
             (110, "ALICE", "SHOP", 300), (120, "DAVE", "SHOP", 450)]
    return rows


def scatter_gather_rows() -> list[Row]:
    """S1 pays four cards ¥20,000 each; each passes ¥19,900 on to T1 within hours."""
    rows: list[Row] = [(300 + i / 10, "S1", f"M{i}", 20_000) for i in range(1, 5)]
    rows += [(302 + i, f"M{i}", "T1", 19_900) for i in range(1, 5)]
    return rows


def gather_scatter_rows() -> list[Row]:
    """HUB collects ¥10,000 from four payers and pays ¥13,000 on to three payees."""
    rows: list[Row] = [(400 + i / 2, f"G{i}", "HUB", 10_000) for i in range(1, 5)]
    rows += [(402 + i / 2, "HUB", f"P{i}", 13_000) for i in range(1, 4)]
    return rows


def cycle_rows() -> list[Row]:
    return [(500, "A", "B", 30_000), (510, "B", "C", 29_500), (520, "C", "A", 29_000)]


def chain_rows() -> list[Row]:
    return [(600, "L0", "L1", 50_000), (602, "L1", "L2", 49_800), (605, "L2", "L3", 49_600),
            (609, "L3", "L4", 49_400)]


def bipartite_rows() -> list[Row]:
    """B1, B2, B3 each pay U1 and U2 about ¥8,000 within two hours."""
    rows: list[Row] = []
    for i, b in enumerate(("B1", "B2", "B3")):
        rows += [(700 + i / 2, b, "U1", 8_000 + 100 * i), (701 + i / 2, b, "U2", 7_900 + 50 * i)]
    return rows


def stack_rows() -> list[Row]:
    """X1, X2 pay Y1, Y2 (¥6,000 each); Y1, Y2 then pay Z1, Z2 (¥5,900 each)."""
    rows: list[Row] = [(800 + i, x, y, 6_000) for i, (x, y) in enumerate(
        [("X1", "Y1"), ("X1", "Y2"), ("X2", "Y1"), ("X2", "Y2")])]
    rows += [(806 + i, y, z, 5_900) for i, (y, z) in enumerate(
        [("Y1", "Z1"), ("Y1", "Z2"), ("Y2", "Z1"), ("Y2", "Z2")])]
    return rows


def _ids(rows: list[Row], part: list[Row]) -> list[str]:
    """The txn_ids `part`'s rows get in `rows` (in part's order)."""
    return [f"t{rows.index(r)}" for r in part]


@pytest.fixture(scope="module")
def world() -> tuple[list[Row], pa.Table]:
    rows = (background() + scatter_gather_rows() + gather_scatter_rows() + cycle_rows()
            + chain_rows() + bipartite_rows())
    return rows, hand_ledger(rows)


@pytest.fixture(scope="module")
def findings(world: tuple[list[Row], pa.Table]) -> pa.Table:
    return structure_findings(None, world[1])


def _by_typology(f: pa.Table) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {name: [] for name in STRUCTURE_TYPOLOGIES}
    for r in f.to_pylist():
        out[r["typology"]].append(r)
    return out


def test_one_instance_of_each_and_nothing_else(world, findings: pa.Table) -> None:
    rows, _ = world
    assert findings.schema == FINDINGS_SCHEMA
    by = _by_typology(findings)
    assert {k: len(v) for k, v in by.items()} == {
        "scatter_gather": 1, "gather_scatter": 1, "cycle": 1, "layering_chain": 1,
        "bipartite": 1, "stack": 0}
    sg = by["scatter_gather"][0]
    assert sg["accounts"] == ["S1", "M1", "M2", "M3", "M4", "T1"]
    assert sg["txn_ids"] == _ids(rows, scatter_gather_rows())
    assert sg["group_key"] == "S1 > T1" and sg["total"] == 4 * 19_900
    gs = by["gather_scatter"][0]
    assert gs["accounts"] == ["G1", "G2", "G3", "G4", "HUB", "P1", "P2", "P3"]
    assert gs["txn_ids"] == _ids(rows, gather_scatter_rows()) and gs["group_key"] == "HUB"
    cy = by["cycle"][0]
    assert cy["accounts"] == ["A", "B", "C"] and cy["txn_ids"] == _ids(rows, cycle_rows())
    ch = by["layering_chain"][0]
    assert ch["accounts"] == ["L0", "L1", "L2", "L3", "L4"]
    assert ch["txn_ids"] == _ids(rows, chain_rows()) and ch["total"] == 50_000
    bp = by["bipartite"][0]
    assert bp["accounts"] == ["B1", "B2", "B3", "U1", "U2"] and bp["group_key"] == "B1"
    assert sorted(bp["txn_ids"]) == sorted(_ids(rows, bipartite_rows()))
    assert cy["start"] == T0 + dt.timedelta(hours=500)
    assert cy["end"] == T0 + dt.timedelta(hours=520)


def test_background_is_not_flagged(world, findings: pa.Table) -> None:
    named = {a for accts in findings["accounts"].to_pylist() for a in accts}
    benign = {a for _, s, d, _ in background() for a in (s, d)}
    assert not named & benign
    marked = set(findings["txn_ids"].combine_chunks().flatten().to_pylist())
    rows, _ = world
    assert not marked & set(_ids(rows, background()))


def test_reasons_carry_the_numbers(findings: pa.Table) -> None:
    by = {r["typology"]: r["reason"] for r in findings.to_pylist()}
    assert by["scatter_gather"] == (
        "S1 paid ¥80,000 to 4 accounts which each passed it on to T1 (¥79,600 arrived) within "
        "5.6 h: scatter-gather")
    assert by["gather_scatter"] == (
        "HUB received ¥40,000 from 4 payers and paid ¥39,000 (98%) on to 3 payees over 3.0 h: "
        "gather-scatter")
    assert by["cycle"] == ("¥30,000 left A and ¥29,000 came back to it in 3 hops "
                           "(A → B → C → A) within 20.0 h: cycle")
    assert by["layering_chain"] == (
        "¥50,000 moved L0 → L1 → L2 → L3 → L4 in 4 hops, each within 4.0 h of the one before, "
        "¥49,400 arriving (1.2% kept on the way): layering chain")
    assert by["bipartite"].startswith("3 accounts (B1, B2, B3) paid similar amounts to the same "
                                      "2 accounts (U1, U2), ¥48,150 in 6 payments")


def test_transaction_structures_counts(world) -> None:
    rows, ledger = world
    con = ibis.duckdb.connect()
    t = con.to_pyarrow(transaction_structures(con, ibis.memtable(ledger)))
    assert t.column_names == ["txn_id", *STRUCTURE_TYPOLOGIES]
    got = {r["txn_id"]: r for r in t.to_pylist()}
    expected = {name: set(_ids(rows, part())) for name, part in (
        ("scatter_gather", scatter_gather_rows), ("gather_scatter", gather_scatter_rows),
        ("cycle", cycle_rows), ("layering_chain", chain_rows), ("bipartite", bipartite_rows))}
    assert set(got) == set().union(*expected.values())
    for name in STRUCTURE_TYPOLOGIES:
        assert {i for i, r in got.items() if r[name]} == expected.get(name, set())
        assert all(r[name] in (0, 1) for r in got.values())


def test_structure_accounts(findings: pa.Table) -> None:
    a = structure_accounts(None, None, findings=findings)
    assert a.schema == STRUCTURE_ACCOUNTS_SCHEMA
    by = {r["account"]: r for r in a.to_pylist()}
    assert by["HUB"]["typologies"] == ["gather_scatter"] and by["HUB"]["instances"] == 1
    assert by["M3"]["reason"].endswith("scatter-gather")
    assert set(by) == {a for accts in findings["accounts"].to_pylist() for a in accts}


def test_stack_and_its_two_blocks() -> None:
    rows = background() + stack_rows()
    f = _by_typology(structure_findings(None, hand_ledger(rows)))
    assert [r["group_key"] for r in f["stack"]] == ["X1 | Y1"]
    st = f["stack"][0]
    assert st["accounts"] == ["X1", "X2", "Y1", "Y2", "Z1", "Z2"]
    assert sorted(st["txn_ids"]) == sorted(_ids(rows, stack_rows()))
    assert st["reason"].startswith("2 accounts (X1, X2) paid ¥24,000 to 2 accounts (Y1, Y2) "
                                   "which paid ¥23,600 on to 2 accounts (Z1, Z2)")
    assert sorted(r["group_key"] for r in f["bipartite"]) == ["X1", "Y1"]
    assert all(not f[n] for n in ("scatter_gather", "gather_scatter", "cycle", "layering_chain"))


# --- near misses -------------------------------------------------------------------------------

def _found(rows: list[Row], th: StructureThresholds | None = None) -> dict[str, int]:
    f = structure_findings(None, hand_ledger(rows), th)
    counts = dict.fromkeys(STRUCTURE_TYPOLOGIES, 0)
    for name in f["typology"].to_pylist():
        counts[name] += 1
    return {k: v for k, v in counts.items() if v}


def test_cycle_longer_than_the_window_is_not_flagged() -> None:
    slow = [(500, "A", "B", 30_000), (530, "B", "C", 29_500), (580, "C", "A", 29_000)]
    assert _found(slow) == {}
    assert _found(slow, StructureThresholds(window_hours=81)) == {"cycle": 1}


def test_cycle_losing_too_much_or_out_of_order_is_not_flagged() -> None:
    lossy = [(500, "A", "B", 30_000), (510, "B", "C", 29_500), (520, "C", "A", 20_000)]
    assert _found(lossy) == {}
    back_first = [(520, "A", "B", 30_000), (510, "B", "C", 29_500), (500, "C", "A", 29_000)]
    assert _found(back_first) == {}                    # each hop earlier than the one before


def test_two_hop_cycle_and_small_one() -> None:
    assert _found([(0, "A", "B", 10_000), (5, "B", "A", 9_500)]) == {"cycle": 1}
    assert _found([(0, "A", "B", 2_000), (5, "B", "A", 2_000)]) == {}   # a loan paid back


def test_chain_whose_amounts_grow_is_not_flagged() -> None:
    growing = [(600, "K0", "K1", 20_000), (602, "K1", "K2", 20_500), (604, "K2", "K3", 21_000)]
    assert _found(growing) == {}
    lossy = [(600, "K0", "K1", 20_000), (602, "K1", "K2", 18_000), (604, "K2", "K3", 17_500)]
    assert _found(lossy) == {}                         # 10% kept at the first layer
    slow = [(600, "K0", "K1", 20_000), (602, "K1", "K2", 19_900), (630, "K2", "K3", 19_800)]
    assert _found(slow) == {}                          # 28 h at K2
    assert _found(slow, StructureThresholds(chain_max_dwell_h=30)) == {"layering_chain": 1}


def test_chain_of_two_hops_and_sub_chains() -> None:
    assert _found(chain_rows()[:2]) == {}
    f = structure_findings(None, hand_ledger(chain_rows()), StructureThresholds(chain_max_hops=3))
    assert f["txn_ids"].to_pylist() == [["t0", "t1", "t2"]]   # capped at three hops


def test_scatter_whose_legs_come_back_before_going_out_is_not_flagged() -> None:
    rows = [(302 + i, f"M{i}", "T1", 19_900) for i in range(1, 5)]
    rows += [(310 + i, "S1", f"M{i}", 20_000) for i in range(1, 5)]
    assert _found(rows) == {}


def test_scatter_needs_three_middles_most_of_the_money_and_the_window() -> None:
    rows = scatter_gather_rows()
    two = [r for r in rows if r[1] not in ("M3", "M4") and r[2] not in ("M3", "M4")]
    assert _found(two) == {}
    assert _found(two, StructureThresholds(sg_min_middle=2)) == {"scatter_gather": 1}
    small = [(h, s, d, a if s == "S1" else 5_000) for h, s, d, a in rows]
    assert _found(small) == {}                         # a quarter passed on: not forwarding it
    late = [(h + 80 if s == "S1" and d in ("M3", "M4") else h, s, d, a) for h, s, d, a in rows]
    assert _found(late) == {}                          # M3, M4 paid after the others passed it on


def test_gather_scatter_near_misses() -> None:
    rows = gather_scatter_rows()
    keeps = [(h, s, d, 5_000 if s == "HUB" else a) for h, s, d, a in rows]
    assert _found(keeps) == {}                         # pays on 37.5%
    slow = [(h + 10 if s == "HUB" else h, s, d, a) for h, s, d, a in rows]
    assert _found(slow) == {}                          # 10 h after the money came in
    assert _found(slow, StructureThresholds(gs_max_dwell_h=12)) == {"gather_scatter": 1}


def test_bipartite_needs_similar_amounts_and_low_degree() -> None:
    rows = bipartite_rows()
    uneven = [(h, s, d, a * 2 if s == "B2" else a) for h, s, d, a in rows]
    assert _found(uneven) == {"bipartite": 1}          # B1 and B3 still pair up
    uneven = [(h, s, d, a * (1 + i)) for i, (h, s, d, a) in enumerate(rows)]
    assert _found(uneven) == {}
    crowd = rows + [(i, f"F{i}", "U1", 100) for i in range(60)]   # U1: a shop, 63 payers
    assert _found(crowd) == {}


def test_self_transfers_and_empty_ledger() -> None:
    f = structure_findings(None, hand_ledger([]))
    assert f.num_rows == 0 and f.schema == FINDINGS_SCHEMA
    rows = [(0, "A", "A", 30_000), (1, "A", "A", 30_000), (2, "A", "A", 30_000)]
    assert _found(rows) == {}
    con = ibis.duckdb.connect()
    legs = con.to_pyarrow(structure_legs(con, ibis.memtable(hand_ledger(cycle_rows()))))
    assert sorted(legs["hop"].to_pylist()) == [1, 2, 3]
    assert set(legs["group_key"].to_pylist()) == {"t0 > t1 > t2"}
