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
flagged, typologies and reason; in the ledger's order when it is given as Arrow, else by time)
and `accounts` (`ACCOUNTS_OUT_SCHEMA`: each account with its score,
flagged, typologies and reason), plus the structure instances.  A transaction is flagged when the
model's score reaches the model's threshold, or — with no model — when a rule fires on it; its
typologies are the rules that fire on it or on its payer or payee, which explain the alert in
words.  An account is flagged when an account rule or identity-kit reuse flags it, when money passes
through it inside a structure, or when the model flags most of its payments
(`account_min_share` of at least `account_min_txns`), some paid in and some paid out (a victim
who paid a fraud card three times is not a launderer).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jingwang.linking.graph import materialise
from jingwang.payments.cashout import CashoutThresholds, cashout_flags
from jingwang.payments.features import timed_legs
from jingwang.payments.identities import IdentityThresholds, identity_reuse
from jingwang.payments.learned import LedgerModel, transaction_features
from jingwang.payments.ledger import LEDGER_SCHEMA, register_table
from jingwang.payments.rules import Thresholds, rule_table, score_accounts
from jingwang.payments.structures import (
    StructureThresholds,
    structure_findings,
)

MODEL_PATH = Path(__file__).parent / "models" / "ledger_lgbm.txt"
BATCH_ROWS = 500_000
DUCKDB_MEMORY_LIMIT = "5GB"     # past it DuckDB spills to a scratch folder
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


def _duckdb(stack: ExitStack) -> ibis.BaseBackend:
    """An in-process DuckDB that spills past `DUCKDB_MEMORY_LIMIT` to a scratch folder."""
    scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="jingwang-scan-"))
    con = ibis.duckdb.connect(memory_limit=DUCKDB_MEMORY_LIMIT, temp_directory=scratch,
                              preserve_insertion_order=False)
    stack.callback(con.disconnect)
    return con


def scan_ledger(ledger: ir.Table | pa.Table, accounts: pa.Table | None = None, *,
                con: ibis.BaseBackend | None = None, model: LedgerModel | None = None,
                options: ScanOptions | None = None,
                progress: Callable[[str], None] | None = None) -> Scan:
    """Run every payment detector over `ledger` (see the module docstring).

    `ledger` is an Arrow table in `LEDGER_SCHEMA` or an Ibis table of those columns (fetched,
    by time: the scored table is built in memory either way).  Without `con` the detectors run
    on a memory-bounded DuckDB."""
    with ExitStack() as stack:
        if con is None:
            con = _duckdb(stack)
        return _scan(con, ledger, accounts, model, options or ScanOptions(),
                     progress or (lambda _name: None))


def _scan(con: ibis.BaseBackend, ledger: ir.Table | pa.Table, accounts: pa.Table | None,
          model: LedgerModel | None, opts: ScanOptions, step: Callable[[str], None]) -> Scan:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    def done(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        timings[name] = round(now - t0, 3)
        t0 = now
        step(name)

    if not isinstance(ledger, pa.Table):
        ledger = ledger.get_backend().to_pyarrow(ledger.order_by(["ts", "txn_id"]))
    base = ledger.select(LEDGER_SCHEMA.names)
    # each transaction's row number travels with it, so scores land where they belong in
    # whatever order the engine returns them
    numbered = base.append_column("row", pa.array(np.arange(base.num_rows, dtype=np.int64)))
    led = register_table(con, "jingwang_ledger", numbered)
    if con.name == "pyspark":
        led = materialise(con, led)
    done("ledger")
    legs = materialise(con, timed_legs(led))      # read by the rules and the features
    rules = materialise(con, rule_table(con, led, opts.rules, legs))
    acct_rules = score_accounts(con, led, opts.rules, rules)
    done("account rules")
    cash = cashout_flags(con, led, opts.cashout)
    done("cash-out rules")
    structures = structure_findings(con, led, opts.structures)
    done("structures")
    kits = identity_reuse(con, accounts, opts.identities) if accounts is not None else None
    if kits is not None:
        done("identity kits")
    scores = None
    if model is not None:
        feats = transaction_features(con, led, opts.rules, structures, rules, legs)
        batches = con.to_pyarrow_batches(feats.select("row", *model.features),
                                         chunk_size=opts.batch_rows)
        scores = np.full(base.num_rows, np.nan)
        for rows, p in model.predict_batches(batches, key="row"):
            scores[rows.to_numpy()] = p
        if np.isnan(scores).any():
            raise RuntimeError("the learned layer left transactions unscored")
        done("learned layer")
    cash_rows, per = _where(base, cash, structures)
    structures = _with_inner_accounts(base, structures, per)
    txns, accts = _combine(base, scores, model.threshold if model is not None else None,
                           acct_rules, cash, cash_rows, structures, per, kits, opts)
    done("combine")
    return Scan(txns, accts, structures, kits, model.trained_on if model is not None else None,
                timings)


def _where(base: pa.Table, cash: pa.Table, structures: pa.Table
           ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Row numbers in `base` of the cash-out flags, and of each structure instance's
    transactions (one lookup in a hash of the ledger's ids)."""
    lists = structures["txn_ids"].combine_chunks() if structures.num_rows else None
    ids = cash["txn_id"].combine_chunks()
    if lists is not None:
        ids = pa.concat_arrays([ids, lists.flatten()])
    pos = pc.index_in(ids, value_set=base["txn_id"]).to_numpy(zero_copy_only=False)
    k = cash.num_rows
    if lists is None:
        return pos[:k], []
    offsets = lists.offsets.to_numpy() + k
    return pos[:k], [pos[offsets[i]:offsets[i + 1]] for i in range(len(lists))]


def _with_inner_accounts(base: pa.Table, structures: pa.Table,
                         per: list[np.ndarray]) -> pa.Table:
    """`structures` with `inner_accounts`: those of each instance that both receive and pay in
    it (the cards money passes through), not the payers it starts from (victims, gamblers) nor
    the account it ends in.  `per`: each instance's row numbers in `base`."""
    every = pa.array(np.concatenate(per) if per else np.zeros(0, np.int64), pa.int64())
    src, dst = base["src"].take(every).to_pylist(), base["dst"].take(every).to_pylist()
    inner, at = [], 0
    for pos in per:
        k = len(pos)
        inner.append(sorted(set(src[at:at + k]) & set(dst[at:at + k])))
        at += k
    return structures.append_column("inner_accounts", pa.array(inner, pa.list_(pa.string())))


def _index_in(values: pa.ChunkedArray | pa.Array, names: pa.Array) -> np.ndarray:
    """Position of each value in `names`, -1 where absent (vectorised)."""
    return pc.fill_null(pc.index_in(values, value_set=names), -1).to_numpy()


class _Hits:
    """Typologies and reasons of the few rows something fired on, by row number."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[list[str], list[str]]] = {}

    def add(self, i: int, name: str, reason: str) -> None:
        names, reasons = self.rows.setdefault(i, ([], []))
        if name not in names:
            names.append(name)
            reasons.append(reason)

    def columns(self, n: int) -> tuple[pa.Array, pa.Array]:
        """(typologies, reason) for all n rows: empty where nothing fired."""
        rows = sorted(self.rows)
        counts = np.zeros(n, np.int64)
        counts[rows] = [len(self.rows[i][0]) for i in rows]
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        values = pa.array([t for i in rows for t in self.rows[i][0]], pa.string())
        typologies = pa.ListArray.from_arrays(pa.array(offsets), values)
        index = np.zeros(n, np.int64)
        index[rows] = np.arange(1, len(rows) + 1)
        texts = pa.array([""] + ["; ".join(self.rows[i][1]) for i in rows], pa.string())
        return typologies, texts.take(pa.array(index))


def _combine(base: pa.Table, scores: np.ndarray | None, threshold: float | None,
             acct_rules: pa.Table, cash: pa.Table, cash_rows: np.ndarray,
             structures: pa.Table, per: list[np.ndarray], kits: pa.Table | None,
             opts: ScanOptions) -> tuple[pa.Table, pa.Table]:
    n = base.num_rows
    hits = _Hits()
    rows = cash.select(["typologies", "reason"]).to_pylist()
    for row, i in zip(rows, cash_rows, strict=True):
        for name, reason in zip(row["typologies"], row["reason"].split("; "), strict=False):
            hits.add(int(i), name, reason)
    for row, pos in zip(structures.select(["typology", "reason"]).to_pylist(), per,
                        strict=True):
        for i in pos:
            hits.add(int(i), row["typology"], row["reason"])

    # Account typologies explain the payments that touch the account.
    flagged_accts = acct_rules.filter(acct_rules["flagged"])
    names = flagged_accts["account"].combine_chunks()
    typs = flagged_accts["typologies"].to_pylist()
    for side, label in (("src", "payer"), ("dst", "payee")):
        idx = _index_in(base[side], names)
        for i in np.flatnonzero(idx >= 0):
            acct = names[int(idx[i])].as_py()
            for name in typs[int(idx[i])]:
                hits.add(int(i), name, f"{label} {_short(acct)} {name.replace('_', ' ')}")

    rule_hit = np.zeros(n, bool)
    rule_hit[list(hits.rows)] = True
    if scores is None:
        score = np.where(rule_hit, 1.0, 0.0)
        flagged = rule_hit
    else:
        score = scores
        flagged = scores >= threshold
        for i in np.flatnonzero(flagged & ~rule_hit):
            hits.add(int(i), "model", f"model score {scores[i]:.2f} (no declared rule fired)")
    typologies, reasons = hits.columns(n)
    txns = pa.table({
        **{c: base[c] for c in ("txn_id", "ts", "src", "dst", "amount", "currency", "channel")},
        "label": base["label"].cast(pa.int8()),
        "score": pa.array(score, pa.float64()),
        "flagged": pa.array(flagged),
        "typologies": typologies,
        "reason": reasons,
    }, schema=TRANSACTIONS_SCHEMA)
    return txns, _accounts(base, score, flagged, acct_rules, structures, kits, opts,
                           scores is not None)


def _accounts(base: pa.Table, score: np.ndarray, flagged: np.ndarray, acct_rules: pa.Table,
              structures: pa.Table, kits: pa.Table | None, opts: ScanOptions,
              learned: bool) -> pa.Table:
    names = acct_rules["account"].to_pylist()
    m = len(names)
    pos = {a: i for i, a in enumerate(names)}
    value_set = acct_rules["account"].combine_chunks()
    same = pc.equal(base["src"], base["dst"]).to_numpy(zero_copy_only=False)
    src = _index_in(base["src"], value_set)
    dst = _index_in(base["dst"], value_set)
    src_ok = src >= 0
    dst_ok = (dst >= 0) & ~same      # a self-transfer counts once, as a payment out

    def count(idx: np.ndarray, ok: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[ok]
        return np.bincount(idx[ok], weights=w, minlength=m)

    flag = flagged.astype(np.float64)
    n_txns = (count(src, src_ok) + count(dst, dst_ok)).astype(np.int64)
    n_flag_out = count(src, src_ok, flag).astype(np.int64)
    n_flag_in = count(dst, dst_ok, flag).astype(np.int64)
    n_flag = n_flag_out + n_flag_in
    sum_score = count(src, src_ok, score) + count(dst, dst_ok, score)
    share = np.divide(n_flag, n_txns, out=np.zeros(m), where=n_txns > 0)
    mean = np.divide(sum_score, n_txns, out=np.zeros(m), where=n_txns > 0)

    typ = [list(t) for t in acct_rules["typologies"].to_pylist()]
    why = [[r] if r else [] for r in acct_rules["reason"].to_pylist()]
    acct_flag = np.asarray(acct_rules["flagged"].to_numpy(zero_copy_only=False), bool).copy()
    acct_score = np.asarray(acct_rules["score"].to_numpy(zero_copy_only=False), float).copy()

    def add(account: str, name: str, reason: str) -> None:
        i = pos.get(account)
        if i is None:
            return
        if name not in typ[i]:
            typ[i].append(name)
            why[i].append(reason)
        acct_flag[i] = True
        acct_score[i] = 1.0

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
    out = pa.table({
        "account": pa.array(names, pa.string()),
        "score": pa.array(np.clip(acct_score, 0.0, 1.0)),
        "flagged": pa.array(acct_flag),
        "typologies": pa.array(typ, pa.list_(pa.string())),
        "reason": pa.array(["; ".join(w) for w in why], pa.string()),
        "n_txns": pa.array(n_txns), "n_flagged_txns": pa.array(n_flag),
    }, schema=ACCOUNTS_OUT_SCHEMA)
    return out.take(pc.sort_indices(out, [("score", "descending"), ("account", "ascending")]))
