"""Build the payment model shipped in `jingwang/payments/models/` from the simulator's ledgers.

    python scripts/train_payment_model.py [--seed 7] [--out src/jingwang/payments/models]

Trains on seed 7's medium ledgers (1M transactions each): the default month (2% laundering) and
the AMLworld-HI-like month (0.1% laundering, camouflaged gang cards, look-alike agents).  Each
ledger is cut by time: the first 60% trains, the next 20% stops the boosting early and sets the
alert threshold (on the HI-like month's slice alone: the default month's 20,000 laundering rows
would otherwise set it, and a threshold that suits 2% laundering flags too much where it is
0.1%), the last 20% is scored here; seed 11's ledgers (another world) are scored
whole as held-out data.  No other data goes in: `../shared/data/` holds no ledgers.

The same seed gives the same model (LightGBM deterministic mode, fixed seeds).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import ibis
import numpy as np
import pyarrow as pa

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
)
from jingwang.simulate.ledger import LedgerStyle, write_ledger
from jingwang.simulate.world import build_world

STYLES = {"default": LedgerStyle(), "hi": LedgerStyle.hi()}
OUT = Path(__file__).resolve().parents[1] / "src" / "jingwang" / "payments" / "models"


def ledger_features(seed: int, style: str, tmp: Path, scale: str = "medium") -> pa.Table:
    where = tmp / f"{seed}-{style}"
    write_ledger(build_world(seed, scale), where, style=STYLES[style])
    con = ibis.duckdb.connect()
    led = con.create_view("ledger", ibis.memtable(read_ledger(str(where /
                                                                  "transactions.parquet"))))
    return labelled_features(con, led)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--held-out", type=int, default=11)
    ap.add_argument("--scale", default="medium")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    columns = RAW_FEATURES + GRAPH_FEATURES
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jingwang-train-") as tmp:
        parts = {s: ledger_features(args.seed, s, Path(tmp), args.scale) for s in STYLES}
        xs, ys, splits = [], [], []
        for table in parts.values():
            ts = table["ts"].cast(pa.int64()).to_numpy()
            splits.append(temporal_split(ts))
            xs.append(to_matrix(table, columns))
            ys.append(table["label"].to_numpy(zero_copy_only=False).astype(np.int8))
        pick = [np.concatenate([x[s[k]] for x, s in zip(xs, splits, strict=True)])
                for k in (0, 1)]
        labels = [np.concatenate([y[s[k]] for y, s in zip(ys, splits, strict=True)])
                  for k in (0, 1)]
        model = LedgerModel(columns).fit(
            pick[0], labels[0], pick[1], labels[1],
            trained_on=f"simulator seed {args.seed} {args.scale} ledgers (default and HI-like), "
                       "first 80% by time")
        hi = list(parts).index("hi")
        val = splits[hi][1]
        model.threshold, _ = best_f1_threshold(ys[hi][val], model.predict(xs[hi][val]))
        print(f"trained in {time.perf_counter() - t0:.0f} s, "
              f"{model.booster.best_iteration or model.rounds} rounds, "
              f"threshold {model.threshold:.3f}")
        for (style, _), x, y, s in zip(parts.items(), xs, ys, splits, strict=True):
            p, r, f = f1_score(y[s[2]], model.predict(x[s[2]]) >= model.threshold)
            print(f"seed {args.seed} {style} last 20%: P {p:.3f} R {r:.3f} F1 {f:.3f}")
        for style in STYLES:
            table = ledger_features(args.held_out, style, Path(tmp), args.scale)
            y = table["label"].to_numpy(zero_copy_only=False).astype(np.int8)
            p, r, f = f1_score(y, model.predict(to_matrix(table, columns)) >= model.threshold)
            print(f"seed {args.held_out} {style} (held out): P {p:.3f} R {r:.3f} F1 {f:.3f}")
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(args.out / "ledger_lgbm.txt")
    print(f"wrote {args.out / 'ledger_lgbm.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
