"""Declared cash-out (integration) rules over single transactions of a canonical ledger.

Laundered money leaves the payment system at the end of a run: bought Bitcoin (or USDT) from an
OTC dealer, cash withdrawn, a wire abroad, often in pieces just under the ¥50,000 large-sum
reporting line.  Every threshold lives in `CashoutThresholds` (defaults below, each with the
reason for it).  A transaction gets a typology when:

- structuring (拆分规避): its sender made at least `min_pieces` payments each in
  [`line` × (1 − `margin`), `line`) within some `window_hours` span that holds this one.  Every
  payment of such a run is flagged (not only the one that completes it); self-transfers count
  (the simulator, like AMLworld, books a cash withdrawal as a payment to oneself);
- crypto_offramp (币商出金): its channel or currency is one of `crypto_names` (compared
  case-insensitively: Bitcoin, USDT …), and in the `offramp_hours` before it the sender received
  at least `offramp_min_cover` times its amount from others (a person buying a little Bitcoin out
  of savings has no such inflow);
- cash_out (取现): its channel is one of `cash_channels`, its amount is above `cash_min`, and the
  sender received more than `cash_min_cover` of that amount from others in the `cash_hours`
  before it (money arriving and leaving as cash at once, not a shop banking its takings).

Inflow is money from other accounts (self-transfers left out) at or before the payment's time.
Each payment is judged against the inflow alone, not against the other payments it shares that
inflow with.

`cashout_flags(con, ledger)` gives (txn_id, src, dst, ts, amount, channel, typologies, reason),
one row per flagged transaction, by time; reason is one readable sentence per typology with the
numbers behind it.  The conditions are Ibis expressions (range windows and an interval join on
epoch seconds: DuckDB or Spark); only the flagged rows' sentences are written in Python.
Accounts are printed in full: they are the subject of the flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from jingwang.payments.ledger import LEDGER_SCHEMA, register_table


@dataclass(frozen=True)
class CashoutThresholds:
    """Cash-out thresholds; amounts in the ledger's currency (yuan), times in hours."""

    # structuring: pieces just under the line, several within a day
    line: float = 50_000.0           # large-sum / large-cash reporting line (大额交易报告)
    margin: float = 0.1              # "just under": within 10% of the line (¥45,000–¥49,999.99)
    min_pieces: int = 3              # two could be chance; three in a day is a pattern
    window_hours: float = 24.0
    # crypto_offramp: bought crypto with money that just came in
    crypto_names: tuple[str, ...] = ("bitcoin", "btc", "usdt", "tether", "ethereum", "eth",
                                     "crypto", "cryptocurrency")
    offramp_hours: float = 48.0      # the simulator cashes out within a day of the money landing
    offramp_min_cover: float = 0.5   # the inflow pays for at least half of the purchase
    # cash_out: a large withdrawal out of fresh money
    cash_channels: tuple[str, ...] = ("cash",)
    cash_min: float = 10_000.0       # everyday cash is a few hundred yuan
    cash_hours: float = 48.0
    cash_min_cover: float = 0.5      # "most of it" came in within cash_hours


CASHOUT_TYPOLOGIES = ("structuring", "crypto_offramp", "cash_out")

FLAGS_SCHEMA = pa.schema([
    pa.field("txn_id", pa.string(), nullable=False),
    pa.field("src", pa.string(), nullable=False),
    pa.field("dst", pa.string(), nullable=False),
    pa.field("ts", LEDGER_SCHEMA.field("ts").type, nullable=False),
    pa.field("amount", pa.float64(), nullable=False),
    pa.field("channel", pa.string()),
    pa.field("typologies", pa.list_(pa.string()), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
])

_COLS = ("txn_id", "src", "dst", "ts", "amount", "channel")


def structuring(ledger: ir.Table, th: CashoutThresholds) -> ir.Table:
    """The payments in a run of structuring: _COLS plus `pieces`, the size of the largest run
    (payments in the band within `window_hours`) this payment belongs to."""
    lo = th.line * (1 - th.margin)
    band = ledger.filter((ledger.amount >= lo) & (ledger.amount < th.line))
    band = band.mutate(secs=band.ts.epoch_seconds())
    w_secs = round(th.window_hours * 3600)
    ahead = ibis.window(group_by=band.src, order_by=band.secs, range=(0, w_secs))
    band = band.mutate(fwd=band.txn_id.count().over(ahead))       # run starting here
    run = ibis.ifelse(band.fwd >= th.min_pieces, band.fwd, 0)
    behind = ibis.window(group_by=band.src, order_by=band.secs, range=(-w_secs, 0))
    band = band.mutate(pieces=run.max().over(behind))             # a run starting ≤ W before
    return band.filter(band.pieces >= th.min_pieces).select(*_COLS, "pieces")


def _inflow(ledger: ir.Table, cand: ir.Table, hours: float) -> ir.Table:
    """For each candidate payment: _COLS plus inflow (money from others to its sender within
    `hours` at or before it), payers (distinct) and last_in_h (hours since the latest inflow)."""
    cand = cand.select(*_COLS, secs=cand.ts.epoch_seconds())
    t = ledger.filter(ledger.src != ledger.dst)
    inb = t.select(acct=t.dst, payer=t.src, in_secs=t.ts.epoch_seconds(), in_amt=t.amount)
    secs = round(hours * 3600)
    j = cand.join(inb, [cand.src == inb.acct, inb.in_secs <= cand.secs,
                        inb.in_secs >= cand.secs - secs])
    agg = j.group_by([*_COLS, "secs"]).aggregate(
        inflow=j.in_amt.sum(), payers=j.payer.nunique(), last_in=j.in_secs.max())
    return agg.select(*_COLS, "inflow", "payers",
                      last_in_h=(agg.secs - agg.last_in).cast("float64") / 3600.0)


def crypto_offramp(ledger: ir.Table, th: CashoutThresholds) -> ir.Table:
    names = [n.lower() for n in th.crypto_names]
    cand = ledger.filter(ledger.channel.lower().isin(names)
                         | ledger.currency.lower().isin(names))
    f = _inflow(ledger, cand, th.offramp_hours)
    return f.filter(f.inflow >= th.offramp_min_cover * f.amount)


def cash_out(ledger: ir.Table, th: CashoutThresholds) -> ir.Table:
    names = [n.lower() for n in th.cash_channels]
    cand = ledger.filter(ledger.channel.lower().isin(names) & (ledger.amount > th.cash_min))
    f = _inflow(ledger, cand, th.cash_hours)
    return f.filter(f.inflow > th.cash_min_cover * f.amount)


def explain(row: dict, typology: str, th: CashoutThresholds) -> str:
    """The readable sentence for one typology of one flagged transaction's row."""
    r = row
    if typology == "structuring":
        lo = th.line * (1 - th.margin)
        return (f"one of {r['pieces']} payments of ¥{lo:,.0f} to under ¥{th.line:,.0f} "
                f"(this one ¥{r['amount']:,.2f}) sent by {r['src']} within {th.window_hours:g} h: "
                f"structuring under the ¥{th.line:,.0f} reporting line")
    share = r["inflow"] / r["amount"] if r["amount"] else 0.0
    came = (f"¥{r['inflow']:,.0f} ({100 * share:.0f}% of it) had come in from {r['payers']} "
            f"payer{'s' if r['payers'] != 1 else ''}")
    if typology == "crypto_offramp":
        return (f"¥{r['amount']:,.0f} paid by {r['src']} as {r['channel']}; {came} in the "
                f"{th.offramp_hours:g} h before (the latest {r['last_in_h']:.1f} h before): "
                f"crypto off-ramp")
    return (f"¥{r['amount']:,.0f} taken out by {r['src']} in cash; {came} in the "
            f"{th.cash_hours:g} h before (the latest {r['last_in_h']:.1f} h before): cash-out")


RULES = {"structuring": structuring, "crypto_offramp": crypto_offramp, "cash_out": cash_out}


def cashout_flags(con: ibis.BaseBackend | None, ledger: ir.Table | pa.Table,
                  thresholds: CashoutThresholds | None = None) -> pa.Table:
    """(txn_id, src, dst, ts, amount, channel, typologies, reason) for each flagged transaction,
    by time (`FLAGS_SCHEMA`).

    `ledger` is an Ibis table on `con` or an Arrow table in `LEDGER_SCHEMA` (registered on
    `con` as the view `jingwang_ledger`); `con` None means a fresh DuckDB connection."""
    con = con if con is not None else ibis.duckdb.connect()
    th = thresholds or CashoutThresholds()
    if isinstance(ledger, pa.Table):
        ledger = register_table(con, "jingwang_ledger", ledger.select(LEDGER_SCHEMA.names))
    hits: dict[str, dict] = {}
    for name in CASHOUT_TYPOLOGIES:
        for row in con.to_pyarrow(RULES[name](ledger, th)).to_pylist():
            hit = hits.setdefault(row["txn_id"], {**{c: row[c] for c in _COLS},
                                                  "typologies": [], "reasons": []})
            hit["typologies"].append(name)
            hit["reasons"].append(explain(row, name, th))
    rows = sorted(hits.values(), key=lambda h: (h["ts"], h["txn_id"]))
    cols = {c: [h[c] for h in rows] for c in _COLS}
    cols["typologies"] = [h["typologies"] for h in rows]
    cols["reason"] = ["; ".join(h["reasons"]) for h in rows]
    return pa.table(cols, schema=FLAGS_SCHEMA)
