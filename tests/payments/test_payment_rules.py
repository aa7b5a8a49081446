"""Account flow features and laundering-channel rules on hand-built ledgers with known answers,
and a sanity check against the simulator's ground truth."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
from hand_ledgers import T0, hand_ledger  # same folder

from jingwang.payments import read_ledger
from jingwang.payments.features import account_features
from jingwang.payments.rules import SCORES_SCHEMA, Thresholds, score_accounts


def world_rows() -> list[tuple[float, str, str, float]]:
    rows: list[tuple[float, str, str, float]] = []
    # pass-through card PT: three payers, 20,000 each, passed on after 30 min keeping 0.5%
    for i in range(3):
        rows += [(i, f"A{i}", "PT", 20_000), (i + 0.5, "PT", "CONS", 19_900)]
    # 跑分 collector PF: 30 unrelated payers of ¥300, swept (95%) to two collectors every ten
    for i in range(30):
        h = 24 + i / 6
        rows.append((h, f"P{i:02d}", "PF", 300))
        if i % 10 == 9:
            rows.append((h + 1 / 12, "PF", "K1" if i < 20 else "K2", 2_850))
    # fan-out FO: one payer's 50,000 spread over 20 payees within two hours (keeps 4%)
    rows.append((48, "SRC", "FO", 50_000))
    rows += [(48.1 + i / 10, "FO", f"R{i:02d}", 2_400) for i in range(20)]
    # merchant SHOP: 2,000 customers (heavy-tailed ¥20–¥2,000 bills) over ten days; pays rent
    for i in range(2_000):
        amount = round(min(2_000.0, 20 * math.exp(3 * ((i * 7919) % 1_000) / 1_000)), 2)
        rows.append((72 + i * 240 / 2_000, f"C{i:04d}", "SHOP", amount))
    rows.append((200, "SHOP", "LANDLORD", 5_000))
    # ordinary people: a salary, rent and shopping days apart, a transfer between friends
    rows += [(1, "EMPLOYER", "ALICE", 8_000), (70, "ALICE", "LANDLORD", 3_000),
             (100, "ALICE", "BOB", 200), (150, "BOB", "ALICE", 150), (160, "ALICE", "SHOP", 120),
             (30, "EMPLOYER", "BOB", 7_000), (130, "BOB", "LANDLORD", 2_500)]
    return rows


@pytest.fixture(scope="module")
def world() -> pa.Table:
    return hand_ledger(world_rows())


@pytest.fixture(scope="module")
def scores(world: pa.Table) -> pa.Table:
    return score_accounts(ibis.duckdb.connect(), world)


def _by_account(table: pa.Table) -> dict[str, dict]:
    return {r["account"]: r for r in table.to_pylist()}


def test_features_of_known_accounts(world: pa.Table) -> None:
    con = ibis.duckdb.connect()
    f = _by_account(con.to_pyarrow(account_features(con, ibis.memtable(world))))
    pt = f["PT"]
    assert (pt["n_in"], pt["n_out"], pt["payers"], pt["payees"]) == (3, 3, 3, 1)
    assert pt["sum_in"] == 60_000 and pt["sum_out"] == 59_700
    assert pt["commission"] == pytest.approx(0.005)
    assert pt["mean_dwell_h"] == pytest.approx(0.5) and pt["median_dwell_h"] == pytest.approx(0.5)
    assert pt["swept_share"] == pytest.approx(0.995)
    assert pt["first_in"] == T0 and pt["last_out"] == T0 + dt.timedelta(hours=2.5)
    pf = f["PF"]
    assert (pf["payers"], pf["payees"], pf["small_share"]) == (30, 2, 1.0)
    assert pf["median_in"] == 300 and pf["max_payers_1h"] == 6
    assert pf["mean_dwell_h"] == pytest.approx(1 / 12)
    shop = f["SHOP"]
    assert shop["payers"] == 2_001 and shop["payees"] == 1 and shop["commission"] > 0.9
    assert f["CONS"]["n_out"] == 0 and f["CONS"]["mean_dwell_h"] is None
    assert f["EMPLOYER"]["n_in"] == 0 and f["EMPLOYER"]["commission"] is None
    assert len(f) == len({a for _, s, d, _ in world_rows() for a in (s, d)})


def test_self_transfers_are_left_out() -> None:
    con = ibis.duckdb.connect()
    t = hand_ledger([(0, "X", "X", 100.0), (1, "Y", "X", 50.0)])
    f = _by_account(con.to_pyarrow(account_features(con, ibis.memtable(t))))
    assert f["X"]["n_in"] == 1 and f["X"]["n_out"] == 0 and f["X"]["sum_in"] == 50


def test_flagged_set_and_typologies(scores: pa.Table) -> None:
    assert scores.schema == SCORES_SCHEMA
    flagged = {r["account"]: r["typologies"] for r in scores.to_pylist() if r["flagged"]}
    assert flagged == {"PT": ["pass_through"], "PF": ["paofen_collection"], "FO": ["fan_out"]}
    s = scores["score"].to_pylist()
    assert s == sorted(s, reverse=True) and all(0 <= x <= 1 for x in s)
    by = _by_account(scores)
    assert by["PT"]["score"] == 1.0 and by["SHOP"]["score"] < 1.0
    assert by["SHOP"]["reason"] == "" and by["SHOP"]["typologies"] == []


def test_reasons_carry_the_numbers(scores: pa.Table) -> None:
    by = _by_account(scores)
    pt = by["PT"]["reason"]
    assert "¥60,000" in pt and "3 payers" in pt and "0.50%" in pt and "0.5 h" in pt
    assert pt.endswith("pass-through account")
    pf = by["PF"]["reason"]
    assert "30 payments from 30 payers (median ¥300, 100% under ¥1,000)" in pf
    assert "95% of it on to 2 accounts" in pf and pf.endswith("跑分 collection")
    fo = by["FO"]["reason"]
    assert "20 transfers (¥48,000) to 20 payees" in fo and "fan-out" in fo


def test_thresholds_are_the_knobs(world: pa.Table) -> None:
    strict = Thresholds(paofen_min_payers=50, pass_max_commission=0.001)
    s = score_accounts(None, world, strict)
    flagged = {r["account"] for r in s.to_pylist() if r["flagged"]}
    assert flagged == {"FO"}
    loose = Thresholds(pass_max_commission=0.06)     # PF keeps 5%, FO 4%
    s = score_accounts(None, world, loose)
    typ = {r["account"]: r["typologies"] for r in s.to_pylist() if r["flagged"]}
    assert typ["PF"] == ["pass_through", "paofen_collection"]
    assert typ["FO"] == ["pass_through", "fan_out"]


def test_merchant_keeping_money_is_not_flagged_however_many_payers() -> None:
    rows = [(i / 100, f"C{i}", "MART", 50.0 + (i % 97) * 30) for i in range(5_000)]
    rows += [(60, "MART", "SUPPLIER", 20_000.0)]
    s = score_accounts(None, hand_ledger(rows))
    assert not any(s["flagged"].to_pylist())


def test_simulated_ledger_precision_recall(tmp_path: Path) -> None:
    from jingwang.simulate.run import simulate_world

    simulate_world(7, "small", tmp_path)
    ledger = read_ledger(tmp_path / "ledger" / "transactions.parquet")
    truth_path = next(p for p in (tmp_path / "ledger" / "truth_accounts.csv",
                                  tmp_path / "truth" / "accounts.csv") if p.exists())
    truth = pcsv.read_csv(truth_path, convert_options=pcsv.ConvertOptions(
        column_types={"account": pa.string(), "gang_id": pa.string()}))
    roles = dict(zip(truth["account"].to_pylist(), truth["role"].to_pylist(), strict=True))
    bad = {a for a, r in roles.items() if r in ("collection", "pass_through", "consolidation")}
    s = score_accounts(None, ledger)
    flagged = {a for a, f in zip(s["account"].to_pylist(), s["flagged"].to_pylist(), strict=True)
               if f}
    tp = len(flagged & bad)
    precision, recall = tp / max(len(flagged), 1), tp / max(len(bad), 1)
    print(f"simulated small ledger: {ledger.num_rows} rows, {len(flagged)} flagged, "
          f"{len(bad)} laundering accounts, precision {precision:.3f}, recall {recall:.3f}")
    # observed with seed 7: precision 0.981, recall 0.855 (53 of 62); a floor, not the target
    assert precision >= 0.8 and recall >= 0.6
