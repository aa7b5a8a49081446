"""Declared laundering-channel rules over per-account flow features (`features.account_features`).

Every threshold lives in `Thresholds` (defaults below, each with the reason for it).  A rule is a
list of conditions; an account gets the rule's typology when all of them hold:

- pass_through (过账卡): received at least `pass_min_sum_in`, sent on all but a commission of
  `pass_min_commission`..`pass_max_commission` (第四方支付 cards keep 0.2–0.5%), and paid out a
  median `pass_max_dwell_h` hours or less after the latest inbound payment;
- paofen_collection (跑分收款): at least `paofen_min_payers` distinct payers, at least
  `paofen_min_small_share` of the inbound payments under the small-amount line (¥1,000), at
  most `paofen_max_payees` payees, at least `paofen_min_swept` of the money out within 24 h of
  arriving, median dwell at most `paofen_max_dwell_h`;
- fan_in (归集): at least `fan_min` distinct payers, at least `fan_ratio` times as many payers as
  payees, median inbound payment at least `fan_in_min_median` (not retail-sized: a shop's
  customers pay small sums), at least `fan_in_min_swept` of it moved on within 24 h;
- fan_out (分散转出): at least `fan_min` payees, at least `fan_ratio` times as many payees as
  payers, at least `fan_out_min_sum_in` received and at least `fan_out_min_swept` of it paid out
  within 24 h.

A merchant with thousands of customers that keeps its takings fails fan_in (small payments, money
not moved on) and pass_through (commission far above 2%).

`score_accounts(con, ledger)` gives (account, score, flagged, typologies, reason) for every
account, highest score first.  score is the largest share of any one rule's conditions the
account meets, squared (1.0 exactly when a rule fires: flagged); reason is one readable sentence
per typology, with the numbers behind it, empty for unflagged accounts.  The conditions are Ibis
expressions (DuckDB or Spark); only the flagged rows' sentences are written in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from jingwang.payments.features import SMALL_AMOUNT, SWEEP_HOURS, account_features
from jingwang.payments.ledger import LEDGER_SCHEMA, register_table


@dataclass(frozen=True)
class Thresholds:
    """Rule thresholds; amounts in the ledger's currency (yuan), times in hours."""

    small_amount: float = SMALL_AMOUNT   # an inbound payment under this is "small" (跑分 top-ups)
    sweep_hours: float = SWEEP_HOURS     # money moved on within this is "swept"
    # pass_through: bought cards move real money, keep a fraction of a percent, pass it on fast
    pass_min_sum_in: float = 2_000.0
    pass_min_commission: float = -0.001  # in ≈ out; a rounding cent may tip it below zero
    pass_max_commission: float = 0.02    # 四方支付 keeps 0.2–0.5%; 2% leaves room for fees
    pass_max_dwell_h: float = 6.0        # ordinary people hold money for days
    # paofen_collection: many unrelated small payers, swept to few collectors quickly
    paofen_min_payers: int = 10
    paofen_min_small_share: float = 0.5
    paofen_max_payees: int = 5
    paofen_min_swept: float = 0.8
    paofen_max_dwell_h: float = 6.0
    # fan_in / fan_out
    fan_min: int = 10
    fan_ratio: float = 5.0
    fan_in_min_median: float = 1_000.0
    fan_in_min_swept: float = 0.2
    fan_out_min_swept: float = 0.5
    fan_out_min_sum_in: float = 10_000.0  # a person splitting a few thousand is not a channel


TYPOLOGIES = ("pass_through", "paofen_collection", "fan_in", "fan_out")


def rule_conditions(f: ir.Table, th: Thresholds) -> dict[str, list[ir.BooleanValue]]:
    """Each rule's conditions as boolean expressions over the features (nulls count as False)."""
    dwell = f.median_dwell_h
    return {
        "pass_through": [
            f.sum_in >= th.pass_min_sum_in,
            f.commission >= th.pass_min_commission,
            f.commission <= th.pass_max_commission,
            dwell <= th.pass_max_dwell_h,
        ],
        "paofen_collection": [
            f.payers >= th.paofen_min_payers,
            f.small_share >= th.paofen_min_small_share,
            (f.payees >= 1) & (f.payees <= th.paofen_max_payees),
            f.swept_share >= th.paofen_min_swept,
            dwell <= th.paofen_max_dwell_h,
        ],
        "fan_in": [
            f.payers >= th.fan_min,
            f.payers >= th.fan_ratio * f.payees,
            f.median_in >= th.fan_in_min_median,
            f.swept_share >= th.fan_in_min_swept,
        ],
        "fan_out": [
            f.payees >= th.fan_min,
            f.payees >= th.fan_ratio * f.payers,
            f.swept_share >= th.fan_out_min_swept,
            f.sum_in >= th.fan_out_min_sum_in,
        ],
    }


def rule_table(con: ibis.BaseBackend, ledger: ir.Table, th: Thresholds | None = None,
               legs: ir.Table | None = None) -> ir.Table:
    """The features with, for each rule, `<rule>_met` (conditions met) and `<rule>` (all met).
    `legs` is `features.timed_legs(ledger)` when the caller keeps it."""
    th = th or Thresholds()
    f = account_features(con, ledger, th.small_amount, th.sweep_hours, legs)
    cols = {}
    for name, conds in rule_conditions(f, th).items():
        met = sum((c.fill_null(False).cast("int32") for c in conds), ibis.literal(0))
        cols[f"{name}_met"] = met
        cols[name] = met == len(conds)
    return f.mutate(**cols)


def _hours(h: float | None) -> str:
    return "n/a" if h is None else f"{h:.1f} h"


def _pct(x: float | None, digits: int = 0) -> str:
    if x is not None and abs(x) < 1e-9:
        x = 0.0                                      # no "-0.00%" from float rounding
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"


def explain(row: dict, typology: str) -> str:
    """The readable sentence for one typology of one account's feature row."""
    r = row
    if typology == "pass_through":
        return (f"received ¥{r['sum_in']:,.0f} in {r['n_in']} payments from {r['payers']} payers "
                f"and sent {_pct(1 - r['commission'], 1)} of it on to {r['payees']} accounts "
                f"after {_hours(r['median_dwell_h'])} (median), keeping "
                f"{_pct(r['commission'], 2)}: pass-through account")
    if typology == "paofen_collection":
        return (f"received {r['n_in']} payments from {r['payers']} payers (median "
                f"¥{r['median_in']:,.0f}, {_pct(r['small_share'])} under ¥1,000) and sent "
                f"{_pct(r['swept_share'])} of it on to {r['payees']} accounts within "
                f"{_hours(r['median_dwell_h'])} (median): 跑分 collection")
    if typology == "fan_in":
        return (f"received {r['n_in']} payments (median ¥{r['median_in']:,.0f}) from "
                f"{r['payers']} payers and moved {_pct(r['swept_share'])} of it on to "
                f"{r['payees']} accounts within a day: fan-in")
    return (f"paid {r['n_out']} transfers (¥{r['sum_out']:,.0f}) to {r['payees']} payees out of "
            f"money from {r['payers']} payers, {_pct(r['swept_share'])} of it within a day: "
            f"fan-out")


SCORES_SCHEMA = pa.schema([
    pa.field("account", pa.string(), nullable=False),
    pa.field("score", pa.float64(), nullable=False),
    pa.field("flagged", pa.bool_(), nullable=False),
    pa.field("typologies", pa.list_(pa.string()), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
])


def score_accounts(con: ibis.BaseBackend | None, ledger: ir.Table | pa.Table,
                   thresholds: Thresholds | None = None,
                   rules: ir.Table | None = None) -> pa.Table:
    """(account, score, flagged, typologies, reason) for every account, highest score first.

    `ledger` is an Ibis table on `con` or an Arrow table in `LEDGER_SCHEMA` (registered on
    `con` as the view `jingwang_ledger`); `con` None means a fresh DuckDB connection.  `rules`
    is `rule_table(con, ledger, thresholds)` when the caller has it already (kept, say)."""
    con = con if con is not None else ibis.duckdb.connect()
    th = thresholds or Thresholds()
    if isinstance(ledger, pa.Table):
        ledger = register_table(con, "jingwang_ledger", ledger.select(LEDGER_SCHEMA.names))
    conds = rule_conditions(account_features(con, ledger), th)   # only for the counts
    t = rules if rules is not None else rule_table(con, ledger, th)
    share = [t[f"{name}_met"].cast("float64") / len(conds[name]) for name in TYPOLOGIES]
    best = ibis.greatest(*share)
    flagged = ibis.literal(False)
    for name in TYPOLOGIES:
        flagged = flagged | t[name]
    t = t.mutate(score=best * best, flagged=flagged)
    t = t.order_by([ibis.desc("score"), "account"])
    res = con.to_pyarrow(t)
    typologies: list[list[str]] = []
    reasons: list[str] = []
    fired = {name: res[name].to_pylist() for name in TYPOLOGIES}
    flags = res["flagged"].to_pylist()
    rows = None
    for i, flag in enumerate(flags):
        if not flag:
            typologies.append([])
            reasons.append("")
            continue
        if rows is None:
            rows = res.filter(pc.field("flagged")).to_pylist()
            it = iter(rows)
        row = next(it)
        names = [n for n in TYPOLOGIES if fired[n][i]]
        typologies.append(names)
        reasons.append("; ".join(explain(row, n) for n in names))
    return pa.table([res["account"], res["score"], res["flagged"],
                     pa.array(typologies, pa.list_(pa.string())), pa.array(reasons, pa.string())],
                    schema=SCORES_SCHEMA)
