"""Per-account flow features of a canonical ledger as Ibis expressions (DuckDB or Spark).

`account_features(con, ledger)` gives one row per account seen as payer or payee:

- n_in, n_out: inbound and outbound transfers; payers, payees: distinct counterparties (fan-in,
  fan-out); sum_in, sum_out; median_in: the median inbound amount;
- first_in, last_in, first_out, last_out: timestamps;
- mean_dwell_h, median_dwell_h: for each outbound transfer made after some inbound one, the hours
  since the latest inbound transfer before it (ties in time count the inbound one as first),
  averaged (and the median) over those outbound transfers.  One window pass, no self-join.
  Null when the account never pays out after being paid;
- swept_share: the outbound amount sent within `sweep_hours` of the latest inbound transfer, as
  a share of sum_in (how much of what came in left quickly);
- commission: 1 - sum_out / sum_in (null without inbound money): a pass-through card keeps a
  fraction of a percent, a merchant or a saver keeps most of it;
- small_share: the share of inbound transfers under `small_amount`;
- max_payers_1h: the most distinct payers in any one clock hour (hour buckets, not a sliding
  window: a sliding distinct count has no cheap backend-neutral form; a burst straddling an hour
  boundary is split in two).

Medians are exact on both engines (the mean of the two middle values for an even count):
DuckDB's approximate median (a t-digest) and Spark's (percentile_approx, one of the values) differ
enough to change rule scores and the medians quoted in reasons.

Self-transfers (src == dst) are left out.  Amounts are summed as given, whatever the currency
(the ledger's amount is the amount paid).
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import ibis.selectors as s

SMALL_AMOUNT = 1_000.0
SWEEP_HOURS = 24.0


def _sides(ledger: ir.Table) -> tuple[ir.Table, ir.Table]:
    """(inbound, outbound) legs: account, counterparty, ts, amount."""
    t = ledger.filter(ledger.src != ledger.dst)
    inbound = t.select(account=t.dst, cp=t.src, ts=t.ts, amount=t.amount)
    outbound = t.select(account=t.src, cp=t.dst, ts=t.ts, amount=t.amount)
    return inbound, outbound


def _utc(ts: ir.TimestampValue) -> ir.TimestampValue:
    """`ts` typed as a UTC timestamp.  DuckDB's already is; Ibis types Spark's TIMESTAMP (an
    instant, shown in the session zone, UTC in `linking.engines`) as zone-less, so its results
    would come back as naive times: the cast (a no-op in Spark) makes them UTC as on DuckDB."""
    t = ts.type()
    return ts if t.timezone is not None else ts.cast(dt.Timestamp(timezone="UTC", scale=t.scale))


def timed_legs(ledger: ir.Table) -> ir.Table:
    """Every account's legs in time order, one window pass: (account, cp, row or txn_id, ts, secs,
    amount, out: 0 inbound / 1 outbound, last_in_secs: the latest inbound leg at or before this
    one, next_out_secs: the first outbound leg at or after it).  Ties in time put the inbound
    leg first.  Worth keeping (`materialise`): features and rules both read it."""
    t = ledger.filter(ledger.src != ledger.dst)
    t = t.mutate(secs=t.ts.epoch_seconds())
    key = "row" if "row" in ledger.columns else "txn_id"    # scan_ledger numbers the rows
    cols = (key, "ts", "secs", "amount")
    inbound = t.select(*cols, account=t.dst, cp=t.src, out=ibis.literal(0, "int8"))
    outbound = t.select(*cols, account=t.src, cp=t.dst, out=ibis.literal(1, "int8"))
    legs = inbound.union(outbound)
    order = [legs.secs, legs.out, legs[key]]
    before = ibis.window(group_by=legs.account, order_by=order, preceding=None, following=0)
    after = ibis.window(group_by=legs.account, order_by=order, preceding=0, following=None)
    is_in = legs.out == 0
    return legs.mutate(
        last_in_secs=ibis.ifelse(is_in, legs.secs, ibis.null("int64")).max().over(before),
        next_out_secs=ibis.ifelse(~is_in, legs.secs, ibis.null("int64")).min().over(after))


def dwell_legs(ledger: ir.Table, legs: ir.Table | None = None) -> ir.Table:
    """(account, ts, amount, dwell_h) for each outbound leg, dwell_h being the hours since the
    account's latest inbound leg at or before it (null if none).  `legs`: `timed_legs(ledger)`
    when the caller keeps it."""
    legs = legs if legs is not None else timed_legs(ledger)
    out = legs.filter(legs.out == 1)
    return out.select("account", "ts", "amount",
                      dwell_h=(out.secs - out.last_in_secs).cast("float64") / 3600.0)


def account_features(con: ibis.BaseBackend, ledger: ir.Table, small_amount: float = SMALL_AMOUNT,
                     sweep_hours: float = SWEEP_HOURS, legs: ir.Table | None = None
                     ) -> ir.Table:
    """One row per account with the flow features above (see the module docstring).

    `con` is the backend the ledger lives on; it is not queried here (the result is an
    expression), and is taken so every step has the same signature as the graph steps.
    `legs` is `timed_legs(ledger)` when the caller keeps it."""
    del con
    inbound, outbound = _sides(ledger)
    ins = inbound.group_by("account").aggregate(
        n_in=inbound.count(), payers=inbound.cp.nunique(), sum_in=inbound.amount.sum(),
        median_in=inbound.amount.median(),
        small_share=(inbound.amount < small_amount).cast("float64").mean(),
        first_in=inbound.ts.min(), last_in=inbound.ts.max())
    outs = outbound.group_by("account").aggregate(
        n_out=outbound.count(), payees=outbound.cp.nunique(), sum_out=outbound.amount.sum(),
        first_out=outbound.ts.min(), last_out=outbound.ts.max())
    d = dwell_legs(ledger, legs)
    dwell = d.group_by("account").aggregate(
        mean_dwell_h=d.dwell_h.mean(), median_dwell_h=d.dwell_h.median(),
        swept=ibis.ifelse(d.dwell_h <= sweep_hours, d.amount, 0.0).sum())
    hour = inbound.mutate(hour=inbound.ts.truncate("h"))
    per_hour = hour.group_by(["account", "hour"]).aggregate(p=hour.cp.nunique())
    burst = per_hour.group_by("account").aggregate(max_payers_1h=per_hour.p.max())

    accounts = inbound.select("account").union(outbound.select("account"), distinct=True)
    f = (accounts.left_join(ins, "account").select(~s.endswith("_right"))
         .left_join(outs, "account").select(~s.endswith("_right"))
         .left_join(dwell, "account").select(~s.endswith("_right"))
         .left_join(burst, "account").select(~s.endswith("_right")))
    sum_in = f.sum_in.fill_null(0.0)
    sum_out = f.sum_out.fill_null(0.0)
    has_in = sum_in > 0
    return f.select(
        "account",
        n_in=f.n_in.fill_null(0), n_out=f.n_out.fill_null(0),
        payers=f.payers.fill_null(0), payees=f.payees.fill_null(0),
        sum_in=sum_in, sum_out=sum_out, median_in=f.median_in,
        first_in=_utc(f.first_in), last_in=_utc(f.last_in),
        first_out=_utc(f.first_out), last_out=_utc(f.last_out),
        mean_dwell_h=f.mean_dwell_h, median_dwell_h=f.median_dwell_h,
        swept_share=ibis.ifelse(has_in, f.swept.fill_null(0.0) / sum_in, ibis.null("float64")),
        commission=ibis.ifelse(has_in, 1.0 - sum_out / sum_in, ibis.null("float64")),
        small_share=f.small_share, max_payers_1h=f.max_payers_1h.fill_null(0),
    )
