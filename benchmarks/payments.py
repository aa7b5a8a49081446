"""Payments: laundering F1 per transaction (rules, learned layer, raw-feature baseline) and the
scan's speed and memory at 1M / 5M / 20M transactions.

    python benchmarks/payments.py [--quality-scale medium] [--sizes 1,5,20] [--skip-speed]

Quality.  On the simulator's ledgers (1M transactions, 30 days), each cut by time 60/20/20 as
in the AMLworld paper: the first 60% trains, the next 20% stops boosting and sets the alert
threshold (best F1 there), the last 20% is scored.  Three detectors side by side, all scored on
that last 20%: the declared rules alone (`scan_ledger` without a model: a payment is flagged
when a rule fires on it or on its payer or payee), the learned layer (LightGBM on raw + graph
features), and the baseline (the same LightGBM on the raw transaction features alone).  Ledgers:
seed 7 default (2% laundering), seed 7 HI-like (0.1% laundering, camouflaged gang cards,
look-alike agents: `LedgerStyle.hi()`), seed 11 HI-like (another world), and a cross-world row:
trained on seed 7 HI-like, scored on seed 11 HI-like's last 20%; and the shipped model
(`scripts/train_payment_model.py`) on the whole of seed 11's HI-like month (no baseline).
Published anchor on IBM's AMLworld HI-Small: graph features + XGBoost minority F1 63.2,
Multi-PNA+EU 68.2.

Speed.  `scan_ledger` with the shipped model (every rule, structures and the learned layer;
no accounts table) on default-style ledgers of 1M, 5M and 20M transactions, each in a fresh
child process: wall seconds (reading the Parquet file included, generating it not) and the
child's peak RSS.  The last line is the summary.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingwang.payments import read_ledger
from jingwang.payments.learned import (
    GRAPH_FEATURES,
    RAW_FEATURES,
    LedgerModel,
    f1_score,
    labelled_features,
    temporal_split,
    to_matrix,
)
from jingwang.payments.scan import load_model, scan_ledger
from jingwang.simulate.ledger import LedgerStyle, write_ledger
from jingwang.simulate.world import SCALES, build_world

STYLES = {"default": LedgerStyle(), "HI-like": LedgerStyle.hi()}


def _ledger(seed: int, style: str, where: Path, scale: str, rows: int | None = None) -> Path:
    sc = SCALES[scale] if rows is None else replace(SCALES[scale], transactions=rows)
    write_ledger(build_world(seed, sc), where, style=STYLES[style])
    return where / "transactions.parquet"


class Prepared:
    """A ledger's features (time order), its split and its rules-only flags."""

    def __init__(self, path: Path) -> None:
        ledger = read_ledger(str(path))
        con = ibis.duckdb.connect()
        led = con.create_view("ledger", ibis.memtable(ledger))
        self.features = labelled_features(con, led)
        self.y = self.features["label"].to_numpy(zero_copy_only=False).astype(np.int8)
        ts = self.features["ts"].cast(pa.int64()).to_numpy()
        self.split = temporal_split(ts)
        rules = scan_ledger(ledger, model=None).transactions     # in the ledger's order
        at = pc.index_in(self.features["txn_id"], value_set=rules["txn_id"]).to_numpy()
        self.rules = rules["flagged"].to_numpy(zero_copy_only=False)[at]

    def x(self, columns) -> np.ndarray:
        return to_matrix(self.features, columns)

    def fit(self, columns) -> LedgerModel:
        x, (tr, va, _) = self.x(columns), self.split
        return LedgerModel(tuple(columns)).fit(x[tr], self.y[tr], x[va], self.y[va])


def quality(scale: str, tmp: Path) -> list[tuple[str, dict[str, tuple[float, float, float]]]]:
    rows = []
    prepared = {}
    for seed, style in ((7, "default"), (7, "HI-like"), (11, "HI-like")):
        t0 = time.perf_counter()
        p = Prepared(_ledger(seed, style, tmp / f"{seed}-{style}", scale))
        prepared[(seed, style)] = p
        test = p.split[2]
        learned = p.fit(RAW_FEATURES + GRAPH_FEATURES)
        raw = p.fit(RAW_FEATURES)
        scores = {
            "rules": f1_score(p.y[test], p.rules[test]),
            "learned": f1_score(p.y[test], learned.predict(p.x(learned.features)[test])
                                >= learned.threshold),
            "baseline": f1_score(p.y[test], raw.predict(p.x(raw.features)[test])
                                 >= raw.threshold),
        }
        pos = int(p.y[test].sum())
        rows.append((f"seed {seed} {style} ({pos} laundering in the test 20%)", scores))
        print(f"  {rows[-1][0]}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        if (seed, style) == (7, "HI-like"):
            cross = (learned, raw)
    a = prepared[(11, "HI-like")]
    shipped = load_model()
    rows.append(("the shipped model (trained on seed 7's months), seed 11 HI-like whole", {
        "rules": f1_score(a.y, a.rules),
        "learned": f1_score(a.y, shipped.predict(a.x(shipped.features)) >= shipped.threshold),
        "baseline": (float("nan"),) * 3}))
    b = cross
    test = a.split[2]
    rows.append(("trained seed 7 HI-like, scored seed 11 HI-like", {
        "rules": f1_score(a.y[test], a.rules[test]),
        "learned": f1_score(a.y[test], b[0].predict(a.x(b[0].features)[test]) >= b[0].threshold),
        "baseline": f1_score(a.y[test], b[1].predict(a.x(b[1].features)[test])
                             >= b[1].threshold)}))
    return rows


def speed_one(path: str) -> None:
    """Child: scan one ledger with the shipped model; print JSON (seconds, rows, rss_gb)."""
    t0 = time.perf_counter()
    ledger = read_ledger(path)
    scan = scan_ledger(ledger, model=load_model())
    secs = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    print(json.dumps({"seconds": secs, "rows": ledger.num_rows, "rss_gb": rss,
                      "flagged": scan.flagged_transactions, "timings": scan.timings}))


def speed(sizes: list[int], tmp: Path) -> list[dict]:
    out = []
    for millions in sizes:
        where = tmp / f"speed-{millions}m"
        path = _ledger(7, "default", where, "large", millions * 1_000_000)
        res = subprocess.run([sys.executable, __file__, "--speed-one", str(path)],
                             capture_output=True, text=True, check=True)
        row = json.loads(res.stdout.strip().splitlines()[-1])
        out.append(row)
        print(f"  {millions}M: {row['seconds']:.1f} s, {row['rss_gb']:.2f} GB, "
              f"stages {row['timings']}", file=sys.stderr)
        for f in where.iterdir():
            f.unlink()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quality-scale", default="medium")
    ap.add_argument("--sizes", default="1,5,20", help="millions of transactions")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--speed-one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.speed_one:
        speed_one(args.speed_one)
        return 0
    summary = []
    with tempfile.TemporaryDirectory(prefix="jingwang-payments-") as tmp:
        if not args.skip_quality:
            print("minority-class (laundering) P / R / F1 per transaction, test 20% by time")
            for name, scores in quality(args.quality_scale, Path(tmp)):
                cells = "  ".join(f"{k} {p:.3f}/{r:.3f}/{f:.3f}" for k, (p, r, f)
                                  in scores.items())
                print(f"{name}: {cells}")
                summary.append(f"{name.split(' (')[0]}: F1 rules {scores['rules'][2]:.3f} "
                               f"learned {scores['learned'][2]:.3f} "
                               f"baseline {scores['baseline'][2]:.3f}")
        if not args.skip_speed:
            sizes = [int(s) for s in args.sizes.split(",") if s]
            print("scan with the shipped model (reading included)")
            for row in speed(sizes, Path(tmp)):
                line = (f"{row['rows'] / 1e6:.0f}M transactions: {row['seconds']:.1f} s, "
                        f"peak RSS {row['rss_gb']:.2f} GB")
                print(line)
                summary.append(line)
    print("; ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
