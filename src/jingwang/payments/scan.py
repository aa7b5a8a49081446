"""One pass over a ledger: every payment detector, the learned score, and the two output tables.

`scan_ledger(ledger, accounts=None, model=…)` runs, on one Ibis connection (DuckDB unless a
Spark one is given):

1. the account flow rules (`rules`: pass-through, 跑分 collection, fan-in, fan-out);
2. the cash-out rules per transaction (`cashout`: structuring, crypto off-ramp, cash-out);
3. the structures (`structures`: scatter-gather, gather-scatter, cycles, layering chains,
   bipartite and stack blocks);
4. identity-kit reuse and opening bursts when an accounts table is given (`identities`);
5. the learned layer (`learned`): the per-transaction graph features scored by the LightGBM
   model shipped in `jingwang/payments/models` (or another one), in batches.

and returns a `Scan`: `transactions` (`TRANSACTIONS_SCHEMA`: each payment with its score 0–1,
flagged, typologies and reason) and `accounts` (`ACCOUNTS_OUT_SCHEMA`: each account with its score,
flagged, typologies and reason), plus the structure instances.  A transaction is flagged when the
model's score reaches the model's threshold, or — with no model — when a rule fires on it; its
typologies are the rules that fire on it or on its payer or payee, which explain the alert in
words.  An account is flagged when an account rule or identity-kit reuse flags it, when money passes
through it inside a structure, or when the model flags most of its payments
(`account_min_share` of at least `account_min_txns`), some paid in and some paid out (a victim
who paid a fraud card three times is not a launderer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingwang.linking.graph import materialise
from jingwang.payments.cashout import CASHOUT_TYPOLOGIES, CashoutThresholds, cashout_flags
from jingwang.payments.identities import IdentityThresholds, identity_reuse
from jingwang.payments.learned import LedgerModel, transaction_features
from jingwang.payments.ledger import LEDGER_SCHEMA, register_table
from jingwang.payments.rules import TYPOLOGIES, Thresholds, score_accounts
from jingwang.payments.structures import (
    STRUCTURE_TYPOLOGIES,
    StructureThresholds,
    structure_findings,
)

MODEL_PATH = Path(__file__).parent / "models" / "ledger_lgbm.txt"
BATCH_ROWS = 500_000
STAGES = ("ledger", "account rules", "cash-out rules", "structures", "identity kits",
          "learned layer", "combine")

TRANSACTIONS_SCHEMA = pa.schema([
    pa.field("txn_id", pa.string(), nullable=False),
    pa.field("ts", LEDGER_SCHEMA.field("ts").type, nullable=False),
    pa.field("src", pa.string(), nullable=False),
    pa.field("dst", pa.string(), nullable=False),
    pa.field("amount", pa.float64(), nullable=False),
    pa.field("currency", pa.string(), nullable=False),
    pa.field("channel", pa.string()),
    pa.field("label", pa.int8()),
    pa.field("score", pa.float64(), nullable=False),
    pa.field("flagged", pa.bool_(), nullable=False),
    pa.field("typologies", pa.list_(pa.string()), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
])
ACCOUNTS_OUT_SCHEMA = pa.schema([
    pa.field("account", pa.string(), nullable=False),
    pa.field("score", pa.float64(), nullable=False),
    pa.field("flagged", pa.bool_(), nullable=False),
    pa.field("typologies", pa.list_(pa.string()), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
    pa.field("n_txns", pa.int64(), nullable=False),
    pa.field("n_flagged_txns", pa.int64(), nullable=False),
])

ACCOUNT_TYPOLOGIES = (*TYPOLOGIES, "identity_kit_reuse", "account_burst")
ALL_TYPOLOGIES = (*TYPOLOGIES, *CASHOUT_TYPOLOGIES, *STRUCTURE_TYPOLOGIES,
                  "identity_kit_reuse", "account_burst", "model")


@dataclass
class ScanOptions:
    rules: Thresholds = field(default_factory=Thresholds)
    cashout: CashoutThresholds = field(default_factory=CashoutThresholds)
    structures: StructureThresholds = field(default_factory=StructureThresholds)
    identities: IdentityThresholds = field(default_factory=IdentityThresholds)
    account_min_txns: int = 3        # one payment to a fraud card makes a victim, not a launderer
    account_min_share: float = 0.5   # most of the account's payments are alerts
    batch_rows: int = BATCH_ROWS


@dataclass
class Scan:
    transactions: pa.Table
    accounts: pa.Table
    structures: pa.Table
    identities: pa.Table | None
    model: str | None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def flagged_transactions(self) -> int:
        return int(pc.sum(self.transactions["flagged"]).as_py() or 0)

    @property
    def flagged_accounts(self) -> int:
        return int(pc.sum(self.accounts["flagged"]).as_py() or 0)


def load_model(path: str | Path | None = None) -> LedgerModel | None:
    """The model at `path`, or the shipped one; None when the shipped one is absent."""
    if path is None:
        if not MODEL_PATH.exists():
            return None
        path = MODEL_PATH
    return LedgerModel.load(path)


def _short(account: str) -> str:
    return account if len(account) <= 10 else f"{account[:6]}…{account[-4:]}"


def _as_table(con: ibis.BaseBackend, ledger: ir.Table | pa.Table) -> ir.Table:
    if isinstance(ledger, pa.Table):
        return register_table(con, "jingwang_ledger", ledger.select(LEDGER_SCHEMA.names))
    return ledger


def scan_ledger(ledger: ir.Table | pa.Table, accounts: pa.Table | None = None, *,
                con: ibis.BaseBackend | None = None, model: LedgerModel | None = None,
                options: ScanOptions | None = None,
                progress: Callable[[str], None] | None = None) -> Scan:
    """Run every payment detector over `ledger` (see the module docstring)."""
    import time

    opts = options or ScanOptions()
    con = con if con is not None else ibis.duckdb.connect()
    step = progress or (lambda _name: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    def done(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        timings[name] = round(now - t0, 3)
        t0 = now
        step(name)

    led = materialise(con, _as_table(con, ledger))
    done("ledger")
    acct_rules = score_accounts(con, led, opts.rules)
    done("account rules")
    cash = cashout_flags(con, led, opts.cashout)
    done("cash-out rules")
    structures = structure_findings(con, led, opts.structures)
    done("structures")
    kits = identity_reuse(con, accounts, opts.identities) if accounts is not None else None
    if kits is not None:
        done("identity kits")

    order = ["ts", "txn_id"]
    base = con.to_pyarrow(led.select("txn_id", "ts", "src", "dst", "amount", "currency",
                                     "channel", "label").order_by(order))
    scores = None
    if model is not None:
        feats = transaction_features(con, led, opts.rules, structures)
        feats = feats.join(led.select("txn_id", "ts"), "txn_id").order_by(order)
        batches = con.to_pyarrow_batches(feats.select("txn_id", *model.features),
                                         chunk_size=opts.batch_rows)
        parts, ids = [], []
        for txn_ids, p in model.predict_batches(batches):
            parts.append(p)
            ids.append(txn_ids)
        scores = np.concatenate(parts) if parts else np.zeros(0)
        if not pa.chunked_array(ids, pa.string()).equals(base["txn_id"]):
            raise RuntimeError("feature rows came back out of order")
        done("learned layer")
    structures = _with_inner_accounts(base, structures)
    txns, accts = _combine(base, scores,
                           model.threshold if model is not None else None,
                           acct_rules, cash, structures, kits, opts)
    done("combine")
    return Scan(txns, accts, structures, kits, model.trained_on if model is not None else None,
                timings)


def _with_inner_accounts(base: pa.Table, structures: pa.Table) -> pa.Table:
    """`structures` with `inner_accounts`: those of each instance that both receive and pay in
    it (the cards money passes through), not the payers it starts from (victims, gamblers) nor
    the account it ends in."""
    src, dst = base["src"], base["dst"]
    inner = []
    for ids in structures["txn_ids"].to_pylist():
        pos = pa.array(_positions(base, ids), pa.int64())
        payers = set(src.take(pos).to_pylist())
        inner.append(sorted(payers & set(dst.take(pos).to_pylist())))
    return structures.append_column("inner_accounts", pa.array(inner, pa.list_(pa.string())))


def _positions(base: pa.Table, txn_ids: list[str]) -> list[int]:
    return pc.index_in(pa.array(txn_ids, pa.string()), value_set=base["txn_id"]).to_pylist()


def _combine(base: pa.Table, scores: np.ndarray | None,
             threshold: float | None, acct_rules: pa.Table, cash: pa.Table,
             structures: pa.Table, kits: pa.Table | None, opts: ScanOptions
             ) -> tuple[pa.Table, pa.Table]:
    n = base.num_rows
    typ: list[list[str] | None] = [None] * n
    why: list[list[str] | None] = [None] * n

    def add(i: int, name: str, reason: str) -> None:
        if typ[i] is None:
            typ[i], why[i] = [], []
        if name not in typ[i]:
            typ[i].append(name)
            why[i].append(reason)

    rows = cash.select(["txn_id", "typologies", "reason"]).to_pylist()
    for row, i in zip(rows, _positions(base, [r["txn_id"] for r in rows]), strict=True):
        for name, reason in zip(row["typologies"], row["reason"].split("; "), strict=False):
            add(i, name, reason)
    for row in structures.select(["typology", "txn_ids", "reason"]).to_pylist():
        for i in _positions(base, row["txn_ids"]):
            add(i, row["typology"], row["reason"])

    # Account typologies explain the payments that touch the account.
    acct_typ: dict[str, tuple[list[str], str]] = {}
    for row in acct_rules.filter(acct_rules["flagged"]).select(
            ["account", "typologies", "reason"]).to_pylist():
        acct_typ[row["account"]] = (list(row["typologies"]), row["reason"])
    src = base["src"].to_pylist()
    dst = base["dst"].to_pylist()
    if acct_typ:
        known = pa.array(list(acct_typ), pa.string())
        touches = pc.or_(pc.is_in(base["src"], known), pc.is_in(base["dst"], known))
        for i in np.flatnonzero(touches.to_numpy(zero_copy_only=False)):
            for side, acct in (("payer", src[i]), ("payee", dst[i])):
                hit = acct_typ.get(acct)
                if hit is not None:
                    for name in hit[0]:
                        add(int(i), name, f"{side} {_short(acct)} {name.replace('_', ' ')}")

    rule_hit = np.array([t is not None for t in typ], bool)
    if scores is None:
        score = np.where(rule_hit, 1.0, 0.0)
        flagged = rule_hit
    else:
        score = scores
        flagged = scores >= threshold
        for i in np.flatnonzero(flagged & ~rule_hit):
            add(int(i), "model", f"model score {scores[i]:.2f} (no declared rule fired)")
    txns = pa.table({
        **{c: base[c] for c in ("txn_id", "ts", "src", "dst", "amount", "currency", "channel")},
        "label": base["label"].cast(pa.int8()),
        "score": pa.array(score, pa.float64()),
        "flagged": pa.array(flagged),
        "typologies": pa.array([t or [] for t in typ], pa.list_(pa.string())),
        "reason": pa.array(["; ".join(w) if w else "" for w in why], pa.string()),
    }, schema=TRANSACTIONS_SCHEMA)
    return txns, _accounts(src, dst, score, flagged, acct_rules, structures, kits, opts,
                           scores is not None)


def _accounts(src: list[str], dst: list[str], score: np.ndarray, flagged: np.ndarray,
              acct_rules: pa.Table, structures: pa.Table, kits: pa.Table | None,
              opts: ScanOptions, learned: bool) -> pa.Table:
    names = acct_rules["account"].to_pylist()
    pos = {a: i for i, a in enumerate(names)}
    m = len(names)
    same = np.fromiter((s == d for s, d in zip(src, dst, strict=True)), bool, len(src))
    n_txns = np.zeros(m, np.int64)
    n_flag = np.zeros(m, np.int64)
    n_flag_in = np.zeros(m, np.int64)
    n_flag_out = np.zeros(m, np.int64)
    sum_score = np.zeros(m)
    for side, counted, flags in ((src, np.ones(len(src), bool), n_flag_out), (dst, ~same,
                                                                              n_flag_in)):
        # a self-transfer (cash taken out, reinvested) counts once, as a payment out
        idx = np.fromiter((pos.get(a, -1) for a in side), np.int64, len(side))
        ok = (idx >= 0) & counted
        np.add.at(n_txns, idx[ok], 1)
        np.add.at(n_flag, idx[ok], flagged[ok].astype(np.int64))
        np.add.at(flags, idx[ok], flagged[ok].astype(np.int64))
        np.add.at(sum_score, idx[ok], score[ok])
    share = np.divide(n_flag, n_txns, out=np.zeros(m), where=n_txns > 0)
    mean = np.divide(sum_score, n_txns, out=np.zeros(m), where=n_txns > 0)

    typ = [list(t) for t in acct_rules["typologies"].to_pylist()]
    why = [[r] if r else [] for r in acct_rules["reason"].to_pylist()]
    acct_flag = np.asarray(acct_rules["flagged"].to_numpy(zero_copy_only=False), bool).copy()
    acct_score = np.asarray(acct_rules["score"].to_numpy(zero_copy_only=False), float).copy()

    def add(account: str, name: str, reason: str) -> int | None:
        i = pos.get(account)
        if i is None:
            return None
        if name not in typ[i]:
            typ[i].append(name)
            why[i].append(reason)
        acct_flag[i] = True
        acct_score[i] = max(acct_score[i], 1.0)
        return i

    for row in structures.select(["typology", "inner_accounts", "reason"]).to_pylist():
        for a in row["inner_accounts"]:
            add(a, row["typology"], row["reason"])
    if kits is not None:
        for row in kits.filter(kits["flagged"]).select(
                ["account", "typologies", "reason"]).to_pylist():
            for name in row["typologies"]:
                add(row["account"], name, row["reason"])
    if learned:
        by_model = ((n_txns >= opts.account_min_txns) & (share >= opts.account_min_share)
                    & (n_flag_in > 0) & (n_flag_out > 0))
        for i in np.flatnonzero(by_model):
            if not acct_flag[i]:
                typ[i].append("model")
                why[i].append(f"the model flags {n_flag[i]} of its {n_txns[i]} payments, "
                              f"{n_flag_in[i]} in and {n_flag_out[i]} out "
                              f"(mean score {mean[i]:.2f})")
            acct_flag[i] = True
        acct_score = np.maximum(acct_score, np.where(n_txns >= opts.account_min_txns, mean, 0))
    order = sorted(range(m), key=lambda i: (-acct_score[i], names[i]))
    out = pa.table({
        "account": pa.array(names, pa.string()),
        "score": pa.array(np.clip(acct_score, 0.0, 1.0)),
        "flagged": pa.array(acct_flag),
        "typologies": pa.array(typ, pa.list_(pa.string())),
        "reason": pa.array(["; ".join(w) for w in why], pa.string()),
        "n_txns": pa.array(n_txns), "n_flagged_txns": pa.array(n_flag),
    }, schema=ACCOUNTS_OUT_SCHEMA)
    return out.take(pa.array(order))
