"""The learned layer: per-transaction features on a hand-built ledger, the temporal split, the
threshold, training on one simulated world and scoring another, and the shipped model."""

from __future__ import annotations

from pathlib import Path

import ibis
import numpy as np
import pyarrow as pa
import pytest
from hand_ledgers import hand_ledger  # same folder

from jingwang.payments import read_ledger
from jingwang.payments.learned import (
    GRAPH_FEATURES,
    RAW_FEATURES,
    LedgerModel,
    best_f1_threshold,
    f1_score,
    labelled_features,
    temporal_split,
    to_matrix,
    train_temporal,
    transaction_features,
)
from jingwang.payments.scan import MODEL_PATH, load_model
from jingwang.simulate.ledger import write_ledger
from jingwang.simulate.world import build_world


def _ledger(rows: list[tuple]) -> pa.Table:
    """Yuan, from bank 1 to banks 2 and 1 in turn."""
    n = len(rows)
    return hand_ledger(rows, currency="Yuan", src_bank=["1"] * n,
                       dst_bank=["1" if i % 2 else "2" for i in range(n)])


def _features(ledger: pa.Table) -> dict[str, dict]:
    con = ibis.duckdb.connect()
    t = con.create_view("l", ibis.memtable(ledger))
    rows = con.to_pyarrow(transaction_features(con, t)).to_pylist()
    return {r["txn_id"]: r for r in rows}


def test_features_of_a_pass_through_hop() -> None:
    # A pays PT 10,000 at 0 h; PT passes 9,970 on to B at 0.5 h; B pays C twice, days later.
    f = _features(_ledger([(0, "A", "PT", 10_000, "ACH"), (0.5, "PT", "B", 9_970, "Wire"),
                           (50, "B", "C", 100, "Cash"), (60, "B", "C", 100.25, "mystery"),
                           (61, "C", "C", 5, "Reinvestment")]))
    hop = f["t1"]
    assert hop["src_in_before_h"] == pytest.approx(0.5)
    assert hop["src_in_ratio"] == pytest.approx(0.997)
    assert hop["dst_out_after_h"] == pytest.approx(49.5)       # B's next payment out
    assert hop["dst_out_ratio"] == pytest.approx(100 / 9_970)
    assert hop["src_commission"] == pytest.approx(0.003)
    assert hop["src_n_in"] == 1 and hop["src_payees"] == 1
    assert hop["dst_in_day"] == 1 and hop["src_out_day"] == 1
    assert f["t0"]["dst_out_after_h"] == pytest.approx(0.5)
    assert f["t0"]["src_in_before_h"] is None                  # A was never paid
    assert f["t2"]["pair_count"] == 2 and f["t3"]["pair_count"] == 2
    assert f["t3"]["src_out_day"] == 2 and f["t3"]["src_payees_day"] == 1   # 50 h, 60 h: one day
    # raw features
    assert f["t0"]["round_100"] == 1 and f["t3"]["round_100"] == 0
    assert f["t3"]["has_cents"] == 1 and f["t0"]["has_cents"] == 0
    assert f["t0"]["hour"] == 0 and f["t2"]["hour"] == 2
    assert f["t0"]["weekday"] == 0                               # 2026-01-05 is a Monday
    assert f["t1"]["channel_code"] == 2 and f["t3"]["channel_code"] == 0   # unknown → 0
    assert f["t0"]["currency_code"] == 1
    assert f["t4"]["self_transfer"] == 1 and f["t4"]["src_out_day"] is None
    assert f["t1"]["same_bank"] == 1 and f["t0"]["same_bank"] == 0
    assert set(RAW_FEATURES + GRAPH_FEATURES) <= set(hop)


def test_temporal_split_cuts_by_time() -> None:
    ts = np.array([5, 1, 9, 3, 7, 2, 8, 4, 6, 10])
    train, val, test = temporal_split(ts)
    assert sorted(ts[train]) == [1, 2, 3, 4, 5, 6]
    assert sorted(ts[val]) == [7, 8] and sorted(ts[test]) == [9, 10]
    ties = np.array([1, 1, 1, 2, 2, 2, 2, 3, 3, 4])   # ties fall on the earlier side
    train, val, test = temporal_split(ties)
    assert list(ties[train]) == [1, 1, 1, 2, 2, 2, 2] and list(ties[val]) == [3, 3]
    assert list(ties[test]) == [4]


def test_best_threshold_and_f1() -> None:
    y = np.array([0, 0, 1, 1, 0, 1])
    p = np.array([0.1, 0.2, 0.9, 0.8, 0.85, 0.3])
    thr, f1 = best_f1_threshold(y, p)
    # cutting at 0.3 flags 0.9, 0.85, 0.8, 0.3: 3 of 4 right, all 3 found (F1 6/7); at 0.8
    # two of three right, two of three found (2/3).  The cut goes halfway to the next score.
    assert thr == pytest.approx(0.25) and f1 == pytest.approx(6 / 7)
    assert f1_score(y, p >= thr) == pytest.approx((0.75, 1.0, 6 / 7))
    assert f1_score(y, p >= 0.8) == pytest.approx((2 / 3, 2 / 3, 2 / 3))


@pytest.fixture(scope="module")
def small_worlds(tmp_path_factory) -> dict[int, pa.Table]:
    out = {}
    for seed in (7, 11):
        where = tmp_path_factory.mktemp(f"ledger{seed}")
        write_ledger(build_world(seed, "small"), where)
        con = ibis.duckdb.connect()
        led = con.create_view("l", ibis.memtable(read_ledger(str(where /
                                                                "transactions.parquet"))))
        out[seed] = labelled_features(con, led)
    return out


def test_graph_features_beat_raw_features_on_another_world(small_worlds, tmp_path: Path):
    trained = train_temporal(small_worlds[7], RAW_FEATURES + GRAPH_FEATURES, "seed 7 small")
    raw = train_temporal(small_worlds[7], RAW_FEATURES, "seed 7 small")
    assert trained.rows[0] > trained.rows[1] > 0 and trained.positives[2] > 30
    assert trained.test_prf[2] >= 0.85
    assert raw.test_prf[2] < trained.test_prf[2] - 0.2
    # scored on a world it never saw
    other = small_worlds[11]
    y = other["label"].to_numpy(zero_copy_only=False)
    model = trained.model
    _, _, f1 = f1_score(y, model.predict(to_matrix(other, model.features)) >= model.threshold)
    assert f1 >= 0.8
    # saved and loaded, it scores the same
    model.save(tmp_path / "m.txt")
    again = LedgerModel.load(tmp_path / "m.txt")
    x = to_matrix(other, model.features)
    assert again.threshold == model.threshold and again.trained_on == "seed 7 small"
    np.testing.assert_allclose(again.predict(x), model.predict(x))


def test_shipped_model_reads_todays_features_and_scores_a_held_out_world(small_worlds):
    assert MODEL_PATH.exists(), "run scripts/train_payment_model.py"
    model = load_model()
    assert set(model.features) <= set(RAW_FEATURES + GRAPH_FEATURES)
    assert "seed 7" in model.trained_on
    other = small_worlds[11]
    y = other["label"].to_numpy(zero_copy_only=False)
    p, r, f1 = f1_score(y, model.predict(to_matrix(other, model.features)) >= model.threshold)
    assert f1 >= 0.8, (p, r)
