"""The learned layer: gradient-boosted trees on per-transaction graph features.

The recipe of the AMLworld paper (Altman et al. 2023, "Realistic synthetic financial
transactions for anti-money laundering models"): give each transaction the graph around it —
its payer's and payee's fan-in and fan-out, counted over the whole ledger and in a window around
the payment, how long the money stayed (dwell), what share went on and what was kept
(commission), and how many structures (scatter-gather, cycles, chains …) it sits in — and let a
gradient-boosted model (LightGBM here) learn which combinations mean laundering.  The declared
rules still explain each alert: the model gives the score, `transactions.score_transactions`
adds the rules' typologies and reasons.

`transaction_features(con, ledger)` is one Ibis expression (DuckDB or Spark): one row per
transaction with `txn_id`, the raw columns of `RAW_FEATURES` (what a transaction says about
itself: amount, time of day, channel, currency, banks) and the graph columns of
`GRAPH_FEATURES`.  `LedgerModel` trains on a labelled ledger's features (a chosen column set),
picks its alert threshold on a validation slice (the best minority-class F1), predicts, and
saves to / loads from a LightGBM text file with a JSON sidecar.  `temporal_split` cuts a ledger
60/20/20 by time, as the paper does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import ibis.selectors as s
import numpy as np
import pyarrow as pa

from jingwang.linking.graph import materialise
from jingwang.payments.features import timed_legs
from jingwang.payments.ledger import register_table
from jingwang.payments.rules import TYPOLOGIES, Thresholds, rule_table
from jingwang.payments.structures import STRUCTURE_TYPOLOGIES, structure_findings

# Channels and currencies known by name get their own code; anything else is "other" (0).
CHANNELS = ("ach", "wire", "credit card", "cash", "cheque", "bitcoin", "reinvestment", "usdt",
            "alipay", "wechat", "unionpay", "bank transfer", "pos", "atm")
CURRENCIES = ("yuan", "cny", "rmb", "us dollar", "usd", "euro", "eur", "bitcoin", "btc",
              "usdt", "hong kong dollar", "hkd")

RAW_FEATURES = ("amount", "log_amount", "round_100", "has_cents", "hour", "weekday",
                "channel_code", "currency_code", "same_bank", "self_transfer")
_ACCOUNT = ("n_in", "n_out", "payers", "payees", "sum_in", "sum_out", "median_in",
            "median_dwell_h", "swept_share", "commission", "small_share", "max_payers_1h",
            "active_h")
_RULES_MET = tuple(f"{name}_met" for name in TYPOLOGIES)
WINDOW_FEATURES = ("src_out_day", "src_payees_day", "dst_in_day", "dst_in_sum_day",
                   "src_in_before_h", "src_in_ratio", "dst_out_after_h", "dst_out_ratio",
                   "pair_count", "amount_to_dst_median")
STRUCTURE_FEATURES = tuple(f"in_{name}" for name in STRUCTURE_TYPOLOGIES)
GRAPH_FEATURES = (tuple(f"src_{c}" for c in _ACCOUNT + _RULES_MET)
                  + tuple(f"dst_{c}" for c in _ACCOUNT + _RULES_MET) + WINDOW_FEATURES
                  + STRUCTURE_FEATURES)
CATEGORICAL = ("channel_code", "currency_code", "weekday")
# What the field knows, imposed on the trees: the more of its intake a payer keeps, and the
# less of it it moves on within a day, the less its payment looks like a channel's.  Without
# this a model trained on simulated ledgers can take a quiet shop paying a supplier for a 跑分
# card sweeping to a collector (both: many small payers, few payees).
MONOTONE = {"src_commission": -1, "src_swept_share": 1}

DAY = 86_400
EARLY_STOP_MARGIN = 12.0


def _code(value: ir.StringValue, names: Sequence[str]) -> ir.IntegerValue:
    lowered = value.lower().strip()
    out = ibis.literal(0, "int16")
    for i, name in reversed(list(enumerate(names, 1))):
        out = ibis.ifelse(lowered == name, ibis.literal(i, "int16"), out)
    return out.fill_null(0)


# Times of day and calendar days are counted in UTC from epoch seconds, not read off the
# timestamp: Spark reads hours, weekdays and days in its session's time zone, which need not be
# UTC (DuckDB's is, under Ibis).  1970-01-01 was a Thursday (weekday 3, Monday being 0).

def _day(secs: ir.IntegerValue) -> ir.IntegerValue:
    """The UTC calendar day of epoch seconds `secs`, as days since 1970-01-01."""
    return secs // DAY


def _weekday(secs: ir.IntegerValue) -> ir.IntegerValue:
    """The UTC weekday of epoch seconds `secs`, Monday 0 to Sunday 6."""
    return ((_day(secs) + 3) % 7).cast("int16")


def _raw_columns(t: ir.Table) -> dict[str, ir.Value]:
    amount = t.amount
    secs = t.ts.epoch_seconds()
    return dict(
        amount=amount,
        log_amount=(amount + 1.0).ln(),
        round_100=((amount % 100.0) == 0.0).cast("int8"),
        has_cents=((amount % 1.0) != 0.0).cast("int8"),
        hour=((secs % DAY) // 3600).cast("int16"),
        weekday=_weekday(secs),
        channel_code=_code(t.channel, CHANNELS),
        currency_code=_code(t.currency, CURRENCIES),
        same_bank=(t.src_bank == t.dst_bank).fill_null(False).cast("int8"),
        self_transfer=(t.src == t.dst).cast("int8"),
    )


def raw_features(ledger: ir.Table, key: str = "txn_id") -> ir.Table:
    """`key` (txn_id, or scan_ledger's row) with what the transaction alone says
    (`RAW_FEATURES`)."""
    return ledger.select(key, **_raw_columns(ledger))


def _windows(ledger: ir.Table, legs: ir.Table
             ) -> dict[str, tuple[ir.Table, list[str]]]:
    """`WINDOW_FEATURES`, the payment's neighbourhood in time, as tables to join onto the
    ledger, each with its join keys (the key is `row` when the ledger has scan_ledger's row
    numbers, else txn_id).  Self-transfers are left out of every count.

    src_out_day / src_payees_day: the payer's payments and distinct payees on that (UTC)
    calendar day; dst_in_day / dst_in_sum_day: the payee's inbound payments and their sum that
    day (day buckets rather than sliding windows: hash aggregates, a third of the cost, and a
    distinct count has no portable sliding form); src_in_before_h / src_in_ratio: hours since
    the payer was last paid before this payment, and this amount over that inbound one (≈1 on
    a pass-through hop); dst_out_after_h / dst_out_ratio: hours until the payee next pays
    someone after this payment, and that amount over this one; pair_count: payments between
    the same payer and payee in the ledger; amount_to_dst_median: this amount over the median
    the payee receives.  `legs` is `features.timed_legs(ledger)`."""
    key = "row" if "row" in ledger.columns else "txn_id"
    t = ledger.filter(ledger.src != ledger.dst)
    t = t.mutate(secs=t.ts.epoch_seconds())
    t = t.mutate(day=_day(t.secs))
    pair = t.group_by(["src", "dst"]).aggregate(pair_count=t.count())
    payer_day = t.group_by(["src", "day"]).aggregate(src_out_day=t.count(),
                                                     src_payees_day=t.dst.nunique())
    payee_day = t.group_by(["dst", "day"]).aggregate(dst_in_day=t.count(),
                                                     dst_in_sum_day=t.amount.sum())
    is_in = legs.out == 0
    outs = legs.filter(legs.out == 1)
    ins = legs.filter(is_in)
    # The amounts at those times (the largest when several legs share the second).
    in_amt = ins.group_by(["account", "secs"]).aggregate(in_amount=ins.amount.max())
    out_amt = outs.group_by(["account", "secs"]).aggregate(out_amount=outs.amount.max())
    src_side = outs.left_join(in_amt, [outs.account == in_amt.account,
                                       outs.last_in_secs == in_amt.secs])
    src_side = src_side.select(
        **{key: src_side[key]},
        src_in_before_h=(src_side.secs - src_side.last_in_secs).cast("float64") / 3600.0,
        src_in_ratio=src_side.amount / src_side.in_amount)
    dst_side = ins.left_join(out_amt, [ins.account == out_amt.account,
                                       ins.next_out_secs == out_amt.secs])
    dst_side = dst_side.select(
        **{key: dst_side[key]},
        dst_out_after_h=(dst_side.next_out_secs - dst_side.secs).cast("float64") / 3600.0,
        dst_out_ratio=dst_side.out_amount / dst_side.amount)
    return {"pair": (pair, ["src", "dst"]), "payer_day": (payer_day, ["src", "day"]),
            "payee_day": (payee_day, ["dst", "day"]), "src_side": (src_side, [key]),
            "dst_side": (dst_side, [key])}


def structure_counts(findings: pa.Table) -> pa.Table:
    """(txn_id, in_<typology> …): how many structure instances of each typology each transaction
    is part of, from `structure_findings`' table (transactions in none are left out)."""
    ids, names = [], []
    for typology, txn_ids in zip(findings["typology"].to_pylist(),
                                 findings["txn_ids"].to_pylist(), strict=True):
        ids += txn_ids
        names += [typology] * len(txn_ids)
    legs = pa.table({"txn_id": pa.array(ids, pa.string()), "typology": pa.array(names,
                                                                                 pa.string())})
    counts = legs.group_by(["txn_id", "typology"]).aggregate([("typology", "count")])
    out: dict[str, dict[str, int]] = {}
    for t, name, n in zip(counts["txn_id"].to_pylist(), counts["typology"].to_pylist(),
                          counts["typology_count"].to_pylist(), strict=True):
        out.setdefault(t, {})[name] = n
    return pa.table({"txn_id": pa.array(list(out), pa.string()),
                     **{f"in_{name}": pa.array([c.get(name, 0) for c in out.values()], pa.int32())
                        for name in STRUCTURE_TYPOLOGIES}})


def transaction_features(con: ibis.BaseBackend | None, ledger: ir.Table,
                         thresholds: Thresholds | None = None,
                         structures: pa.Table | None = None,
                         rules: ir.Table | None = None,
                         legs: ir.Table | None = None) -> ir.Table:
    """One row per transaction: txn_id, label (null when the ledger has none), `RAW_FEATURES`
    and `GRAPH_FEATURES` (null where a feature does not apply, e.g. a self-transfer's window).

    `structures` is `structure_findings`' table for this ledger (computed here when not given);
    its per-transaction counts are registered on `con` and joined in.  `rules` is
    `rules.rule_table(con, ledger, thresholds, legs)` and `legs` `features.timed_legs(ledger)`
    when the caller keeps them (both are computed and kept here otherwise)."""
    th = thresholds or Thresholds()
    con = con if con is not None else ibis.duckdb.connect()
    if structures is None:
        structures = structure_findings(con, ledger)
    counts = register_table(con, "jingwang_structure_counts", structure_counts(structures))
    if legs is None:
        legs = materialise(con, timed_legs(ledger))
    f = rules if rules is not None else rule_table(con, ledger, th, legs)
    f = f.mutate(
        active_h=(f.last_out.epoch_seconds().fill_null(f.last_in.epoch_seconds())
                  - f.first_in.epoch_seconds().fill_null(f.first_out.epoch_seconds()))
        .cast("float64") / 3600.0,
        **{c: f[c].cast("int8") for c in _RULES_MET})
    acct = f.select("account", *_ACCOUNT, *_RULES_MET)
    src = acct.rename({f"src_{c}": c for c in _ACCOUNT + _RULES_MET} | {"src": "account"})
    dst = acct.rename({f"dst_{c}": c for c in _ACCOUNT + _RULES_MET} | {"dst": "account"})
    keep = ["row"] if "row" in ledger.columns else []     # scan_ledger's row numbers
    t = ledger.mutate(day=_day(ledger.ts.epoch_seconds()), **_raw_columns(ledger))
    t = t.select("txn_id", *keep, "src", "dst", "day", "label", *RAW_FEATURES)
    j = t
    for table, keys in _windows(ledger, legs).values():
        j = j.left_join(table, keys).select(~s.endswith("_right"))
    j = (j.left_join(src, "src").select(~s.endswith("_right"))
         .left_join(dst, "dst").select(~s.endswith("_right"))
         .left_join(counts, "txn_id").select(~s.endswith("_right")))
    own = j.src == j.dst          # a self-transfer has no neighbourhood: its counts are null
    j = j.mutate(**{c: ibis.ifelse(own, ibis.null(j[c].type()), j[c])
                    for c in ("pair_count", "src_out_day", "src_payees_day", "dst_in_day",
                              "dst_in_sum_day")})
    j = j.mutate(amount_to_dst_median=j.amount / j.dst_median_in,
                 **{c: j[c].fill_null(0) for c in STRUCTURE_FEATURES})
    return j.select("txn_id", *keep, "label", *RAW_FEATURES, *GRAPH_FEATURES)


def temporal_split(ts: np.ndarray, shares: tuple[float, float, float] = (0.6, 0.2, 0.2)
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boolean masks (train, validation, test) cutting the transactions by time at the given
    shares of rows; ties in time fall on the earlier side."""
    order = np.argsort(ts, kind="stable")
    n = len(ts)
    a = round(shares[0] * n)
    b = round((shares[0] + shares[1]) * n)
    cut1 = ts[order[a - 1]] if a else None
    cut2 = ts[order[b - 1]] if b else None
    train = ts <= cut1 if cut1 is not None else np.zeros(n, bool)
    val = (ts <= cut2) & ~train if cut2 is not None else np.zeros(n, bool)
    return train, val, ~(train | val)


def best_f1_threshold(y: np.ndarray, p: np.ndarray, slack: float = 0.005
                      ) -> tuple[float, float]:
    """(threshold, F1): the threshold that maximises the positive class's F1 on (y, p).

    Scores of a boosted model pile up near 0 and 1, so a wide range of cuts can give the best
    F1 or nearly; the lowest cut within `slack` of the best is taken, halfway down to the next
    lower score, which carries better to data the model has not seen."""
    order = np.argsort(-p, kind="stable")
    ys = y[order].astype(np.int64)
    pos = int(ys.sum())
    if pos == 0:
        return 1.0, 0.0
    tp = np.cumsum(ys)
    f1 = 2 * tp / (np.arange(1, len(ys) + 1) + pos)
    ps = p[order]
    last = np.r_[ps[1:] != ps[:-1], True]          # only cut between distinct scores
    f1 = np.where(last, f1, -1.0)
    best = float(f1.max())
    i = int(np.flatnonzero(f1 >= best - slack)[-1])
    below = ps[i + 1] if i + 1 < len(ps) else 0.0
    return float((ps[i] + below) / 2), float(f1[i])


def f1_score(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """(precision, recall, F1) of the positive class."""
    tp = int((y.astype(bool) & pred).sum())
    fp = int((~y.astype(bool) & pred).sum())
    fn = int((y.astype(bool) & ~pred).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def to_matrix(table: pa.Table, columns: Sequence[str]) -> np.ndarray:
    """The columns as a float32 matrix, nulls as NaN (LightGBM's missing value)."""
    out = np.empty((table.num_rows, len(columns)), np.float32)
    for i, c in enumerate(columns):
        out[:, i] = table[c].to_numpy(zero_copy_only=False).astype(np.float32, copy=False) \
            if table[c].null_count == 0 else \
            np.asarray(table[c].cast(pa.float64()).fill_null(np.nan), np.float32)
    return out


@dataclass
class LedgerModel:
    """A LightGBM model over a set of feature columns, with its alert threshold."""

    features: tuple[str, ...]
    params: dict = field(default_factory=lambda: dict(
        objective="binary", learning_rate=0.08, num_leaves=31, min_data_in_leaf=40,
        feature_fraction=0.8, bagging_freq=1, pos_bagging_fraction=1.0,
        neg_bagging_fraction=0.25, lambda_l2=1.0, max_bin=127,
        verbose=-1, num_threads=0, seed=7, deterministic=True, force_row_wise=True))
    rounds: int = 300
    threshold: float = 0.5
    booster: object = None
    trained_on: str = ""

    def fit(self, x: np.ndarray, y: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
            trained_on: str = "") -> LedgerModel:
        """Train with early stopping on the validation slice, then set the threshold there."""
        import lightgbm as lgb

        cats = [i for i, c in enumerate(self.features) if c in CATEGORICAL]
        train = lgb.Dataset(x, y, feature_name=list(self.features), categorical_feature=cats,
                            free_raw_data=True)
        val = lgb.Dataset(x_val, y_val, reference=train)
        params = dict(self.params,
                      monotone_constraints=[MONOTONE.get(c, 0) for c in self.features])
        self.booster = lgb.train(params, train, self.rounds, valid_sets=[val],
                                 callbacks=[lgb.early_stopping(30, verbose=False)])
        self.threshold, _ = best_f1_threshold(y_val, self.predict(x_val))
        self.trained_on = trained_on
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Scores 0–1.  Prediction stops early for a row whose raw score is already beyond
        ±`EARLY_STOP_MARGIN` after a block of trees (nearly every ordinary payment), so most
        rows cost ten trees, not all of them; a row that far from the threshold does not
        cross it."""
        return self.booster.predict(x, num_iteration=self.booster.best_iteration or None,
                                    pred_early_stop=True, pred_early_stop_freq=10,
                                    pred_early_stop_margin=EARLY_STOP_MARGIN)

    def predict_batches(self, batches: Iterator[pa.RecordBatch], key: str = "txn_id"
                        ) -> Iterator[tuple[pa.Array, np.ndarray]]:
        """(the `key` column, scores) per batch of feature rows: flat memory on any size."""
        for batch in batches:
            table = pa.Table.from_batches([batch])
            yield table[key].combine_chunks(), self.predict(to_matrix(table, self.features))

    def save(self, path: str | Path) -> None:
        """`path` (LightGBM's text model) and `path`.json (features, threshold, provenance)."""
        path = Path(path)
        self.booster.save_model(str(path), num_iteration=self.booster.best_iteration or None)
        path.with_suffix(path.suffix + ".json").write_text(json.dumps({
            "features": list(self.features), "threshold": self.threshold,
            "trained_on": self.trained_on}, indent=1) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> LedgerModel:
        import lightgbm as lgb

        path = Path(path)
        meta = json.loads(path.with_suffix(path.suffix + ".json").read_text())
        model = cls(features=tuple(meta["features"]), threshold=float(meta["threshold"]),
                    trained_on=meta.get("trained_on", ""))
        model.booster = lgb.Booster(model_file=str(path))
        return model


@dataclass
class Trained:
    """A model trained on the first slices of a labelled ledger, and its scores on the last."""

    model: LedgerModel
    test_prf: tuple[float, float, float]
    val_f1: float
    rows: tuple[int, int, int]            # train, validation, test
    positives: tuple[int, int, int]


def labelled_features(con: ibis.BaseBackend, ledger: ir.Table,
                      thresholds: Thresholds | None = None) -> pa.Table:
    """`transaction_features` of a labelled ledger, with `ts`, in time order (Arrow)."""
    f = transaction_features(con, ledger, thresholds)
    f = f.join(ledger.select("txn_id", "ts"), "txn_id").order_by(["ts", "txn_id"])
    table = con.to_pyarrow(f)
    if table["label"].null_count:
        raise ValueError("the ledger has unlabelled transactions: a model needs every label")
    return table


def train_temporal(features: pa.Table, columns: Sequence[str], trained_on: str = "",
                   shares: tuple[float, float, float] = (0.6, 0.2, 0.2)) -> Trained:
    """Train on the first `shares[0]` of the transactions by time, stop early and set the alert
    threshold on the next `shares[1]`, and score the last `shares[2]` (minority-class P/R/F1)."""
    y = features["label"].to_numpy(zero_copy_only=False).astype(np.int8)
    ts = features["ts"].cast(pa.int64()).to_numpy()
    train, val, test = temporal_split(ts, shares)
    x = to_matrix(features, columns)
    model = LedgerModel(tuple(columns)).fit(x[train], y[train], x[val], y[val], trained_on)
    _, val_f1 = best_f1_threshold(y[val], model.predict(x[val]))
    prf = f1_score(y[test], model.predict(x[test]) >= model.threshold)
    return Trained(model, prf, val_f1, (int(train.sum()), int(val.sum()), int(test.sum())),
                   (int(y[train].sum()), int(y[val].sum()), int(y[test].sum())))
