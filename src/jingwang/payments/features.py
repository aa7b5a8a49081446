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


def dwell_legs(ledger: ir.Table) -> ir.Table:
    """(account, ts, amount, dwell_h) for each outbound leg, dwell_h being the hours since the
    account's latest inbound leg at or before it (null if none)."""
    inbound, outbound = _sides(ledger)
    legs = inbound.mutate(out=ibis.literal(0)).union(outbound.mutate(out=ibis.literal(1)))
    legs = legs.mutate(secs=legs.ts.epoch_seconds())
    w = ibis.window(group_by=legs.account, order_by=[legs.secs, legs.out, legs.cp, legs.amount],
                    preceding=None, following=0)
    last_in = ibis.ifelse(legs.out == 0, legs.secs, ibis.null("int64")).max().over(w)
    legs = legs.mutate(last_in=last_in)
    out = legs.filter(legs.out == 1)
    return out.select("account", "ts", "amount",
                      dwell_h=(out.secs - out.last_in).cast("float64") / 3600.0)


def account_features(con: ibis.BaseBackend, ledger: ir.Table, small_amount: float = SMALL_AMOUNT,
                     sweep_hours: float = SWEEP_HOURS) -> ir.Table:
    """One row per account with the flow features above (see the module docstring).

    `con` is the backend the ledger lives on; it is not queried here (the result is an
    expression), and is taken so every step has the same signature as the graph steps."""
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
    d = dwell_legs(ledger)
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
