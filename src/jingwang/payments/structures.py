"""Structural laundering typologies (IBM AMLworld, Altman et al. 2023) over a canonical ledger.

Rules over single accounts (`rules`) see how much money an account moves and how fast; these see
the shape money takes across several accounts.  Every threshold lives in `StructureThresholds`
(defaults below, each with the reason for it).  Self-transfers (src == dst) are left out; "later"
is strictly later (a later epoch second); W is `window_hours`.  An instance is found when:

- scatter_gather (分散-归集): a source S pays at least `sg_min_middle` distinct intermediates, each
  of which pays one target T (T != S) after the payment from S and within W of it, passing on
  `sg_min_share`..100% of it; the inbound legs all start within W of the first one, and the money
  that reaches T is at least `min_total`.  Instance: (S, T); every inbound and forward leg of such
  a window is marked;
- gather_scatter (归集-分散): a hub H gets money from at least `gs_min_in` distinct payers and, in
  the W after one of those payments, pays at least `gs_min_out` distinct payees, each payment
  leaving within `gs_max_dwell_h` of the latest money to arrive; what it pays out in that window
  is `gs_min_share`..`gs_max_share` of what came in (at least `min_total`), from at most
  `gs_max_payers` payers, and over the whole ledger it paid out at least `gs_min_share` of what it
  received.  A shop with thousands of customers that keeps its takings, or one that pays its
  suppliers a part of them (out of its balance: more than came in in the days before, and a
  fraction of its takings over the month), is not a hub.  Instance: H; the legs in and out of
  its qualifying windows are marked;
- cycle (资金回流): money returns to its origin A → B → … → A in 2 to `cycle_max_hops` hops, each
  later than the one before, the last within W of the first; every hop carries
  (1 − `cycle_max_loss`)..100% of the first, which is at least `min_total`; accounts distinct.
  Instance: the cycle's transactions;
- layering_chain (多层过账): a path A → B → C → D … of `chain_min_hops` to `chain_max_hops` hops
  through distinct accounts, each hop later than the one before and within `chain_max_dwell_h`
  of it, carrying (1 − `chain_max_loss`)..100% of it (each layer keeps a small commission), the
  first at least `min_total`.  Only maximal chains are reported: one whose first hop continues a
  qualifying hop, or whose last hop is continued by one, is part of a longer chain.  Instance:
  the chain's transactions;
- bipartite (多对多): two sources that paid at least `bip_min_shared` of the same targets, the two
  payments to each shared target within W of each other and of similar size (the smaller at
  least 1 − `bip_max_spread` of the larger).  Sources and targets with more than
  `bip_max_degree` counterparties (merchants' customers, payroll) are not considered.  Sources
  that pair up form one block, keyed by its smallest source; the block's legs to shared targets
  must add up to `min_total`.  The window holds per shared target, not over the whole block;
- stack (叠加多对多): two bipartite blocks in sequence: at least `bip_min_shared` targets of the
  first are sources of the second, each paying on later than it was paid and within W.
  Instance: the pair of blocks.

Payments under `min_leg` are left out of every structure.  Accounts in the middle of a structure
(intermediates, hubs, the inner accounts of cycles and chains) must receive and pay money and
have at most `max_degree` distinct counterparties: a merchant or an employer is not a
pass-through card, and leaving them out keeps the self-joins small.  Everything is bounded joins
on epoch seconds and window functions, no recursion, and no backend-specific SQL: the
expressions run on DuckDB or Spark.

`structure_legs(con, ledger)` lists (typology, group_key, hop, txn_id, src, dst, ts, amount) for
every transaction in every instance; `transaction_structures(con, ledger)` counts, per marked
transaction, the instances of each typology it is part of (an expression, for the learned
layer); `structure_findings(con, ledger)` gives one row per instance with its accounts in order,
transactions, total, start, end and a readable reason; `structure_accounts` the accounts named
in any instance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from jingwang.linking.graph import materialise
from jingwang.payments.ledger import LEDGER_SCHEMA, register_table


@dataclass(frozen=True)
class StructureThresholds:
    """Structure thresholds; amounts in the ledger's currency (yuan), times in hours."""

    window_hours: float = 72.0       # AMLworld's structures unfold within days
    max_degree: int = 200            # more counterparties: a merchant or payroll, not a mule card
    min_total: float = 5_000.0       # people splitting a bill or paying back a friend move less
    min_leg: float = 500.0           # smaller payments are shopping and pocket money: left out
    # scatter_gather: one payer fans out, the intermediates fan in to one target
    sg_min_middle: int = 3           # two intermediates could be two friends shopping at one shop
    sg_min_share: float = 0.5        # a forward leg passes on most of what it got (not more)
    # gather_scatter: a hub collects and pays most of it on at once
    gs_min_in: int = 3
    gs_min_out: int = 3
    gs_min_share: float = 0.8        # a shop pays suppliers and rent a fraction of its takings
    gs_max_share: float = 1.05       # paying out more than came in is paying from a balance
    gs_max_payers: int = 50          # a shop's customers, not a gang's victims or mules
    gs_max_dwell_h: float = 6.0      # a mule card pays out within hours; a shop when bills fall due
    # cycle: money comes back to where it started
    cycle_max_hops: int = 4
    cycle_max_loss: float = 0.2      # the returning money is most of what left
    # layering_chain: pass-through cards in a row, each keeping a commission
    chain_min_hops: int = 3          # two hops is any payment passed on once
    chain_max_hops: int = 6          # bound on the joins; longer chains show as their first hops
    chain_max_dwell_h: float = 24.0  # a 过账卡 moves money on within hours
    chain_max_loss: float = 0.05     # 第四方支付 cards keep 0.2–0.5% a layer; 5% leaves room
    # bipartite / stack: many sources paying the same targets
    bip_min_shared: int = 2
    bip_max_degree: int = 50         # a merchant's customer base would make every pair a block
    bip_max_spread: float = 0.2      # the two payments to a shared target are of similar size


STRUCTURE_TYPOLOGIES = ("scatter_gather", "gather_scatter", "cycle", "layering_chain",
                        "bipartite", "stack")

LEGS_COLUMNS = ("typology", "group_key", "hop", "txn_id", "src", "dst", "ts", "amount")

FINDINGS_SCHEMA = pa.schema([
    pa.field("typology", pa.string(), nullable=False),
    pa.field("group_key", pa.string(), nullable=False),
    pa.field("accounts", pa.list_(pa.string()), nullable=False),
    pa.field("txn_ids", pa.list_(pa.string()), nullable=False),
    pa.field("total", pa.float64(), nullable=False),
    pa.field("start", LEDGER_SCHEMA.field("ts").type, nullable=False),
    pa.field("end", LEDGER_SCHEMA.field("ts").type, nullable=False),
    pa.field("reason", pa.string(), nullable=False),
])

STRUCTURE_ACCOUNTS_SCHEMA = pa.schema([
    pa.field("account", pa.string(), nullable=False),
    pa.field("typologies", pa.list_(pa.string()), nullable=False),
    pa.field("instances", pa.int64(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
])


# --- building blocks -------------------------------------------------------------------------

def _cut(t: ir.Table) -> ir.Table:
    """`t` as a relation of its own, so that Ibis writes it once as a CTE when it is used more
    than once (a join result used as is would be inlined into each join chain that uses it)."""
    return t.filter(ibis.literal(True))


Cut = Callable[[ir.Table], ir.Table]


def _edges(ledger: ir.Table) -> ir.Table:
    t = ledger.filter(ledger.src != ledger.dst)
    return t.select("txn_id", "src", "dst", "ts", "amount", secs=t.ts.epoch_seconds())


def _accounts(e: ir.Table, cut: Cut = _cut) -> ir.Table:
    """(account, degree, payers, payees, sum_in, sum_out): distinct counterparties, payers and
    payees, money in and out."""
    pairs = e.select(account=e.src, cp=e.dst).union(e.select(account=e.dst, cp=e.src))
    deg = pairs.group_by("account").aggregate(degree=pairs.cp.nunique())
    ins = e.group_by(account=e.dst).aggregate(payers=e.src.nunique(), sum_in=e.amount.sum())
    outs = e.group_by(account=e.src).aggregate(payees=e.dst.nunique(), sum_out=e.amount.sum())
    a = deg.left_join(ins, deg.account == ins.account).select(deg.account, deg.degree, ins.payers,
                                                              ins.sum_in)
    a = a.left_join(outs, a.account == outs.account).select(a.account, a.degree, a.payers,
                                                            a.sum_in, outs.payees, outs.sum_out)
    return cut(a.mutate(payers=a.payers.fill_null(0), payees=a.payees.fill_null(0),
                         sum_in=a.sum_in.fill_null(0.0), sum_out=a.sum_out.fill_null(0.0)))


def _middles(acc: ir.Table, th: StructureThresholds, cut: Cut = _cut) -> ir.Table:
    """Accounts that may sit inside a structure: paid and paying, few counterparties."""
    m = acc.filter((acc.payers > 0) & (acc.payees > 0) & (acc.degree <= th.max_degree))
    return cut(m.select(mid=m.account))


def _leg(t: ir.Table, typology: str, key: ir.StringValue, hop: int | ir.IntegerValue,
         txn: str, src: str, dst: str, ts: str, amount: str) -> ir.Table:
    """Rows of `t` as legs (LEGS_COLUMNS), the named columns holding each leg's fields."""
    return t.select(typology=ibis.literal(typology), group_key=key,
                    hop=ibis.literal(hop).cast("int32") if isinstance(hop, int)
                    else hop.cast("int32"),
                    txn_id=t[txn], src=t[src], dst=t[dst], ts=t[ts], amount=t[amount])


def _secs(hours: float) -> int:
    return round(hours * 3600)


# --- typologies --------------------------------------------------------------------------------

def scatter_gather(e: ir.Table, mid: ir.Table, th: StructureThresholds,
                   cut: Cut = _cut) -> ir.Table:
    w = _secs(th.window_hours)
    inb = e.semi_join(mid, e.dst == mid.mid)
    inb = inb.select(x1=inb.txn_id, s=inb.src, m=inb.dst, t1=inb.secs, ts1=inb.ts, a1=inb.amount)
    fwd = e.semi_join(mid, e.src == mid.mid)
    fwd = fwd.select(x2=fwd.txn_id, m2=fwd.src, t=fwd.dst, t2=fwd.secs, ts2=fwd.ts,
                     a2=fwd.amount)
    p = inb.join(fwd, [inb.m == fwd.m2, fwd.t2 > inb.t1, fwd.t2 <= inb.t1 + w,
                       fwd.a2 <= inb.a1, fwd.a2 >= th.sg_min_share * inb.a1, fwd.t != inb.s])
    p = cut(p.select("x1", "s", "m", "t1", "ts1", "a1", "x2", "t", "t2", "ts2", "a2"))
    n = p.group_by(["s", "t"]).aggregate(n=p.m.nunique())
    n = n.filter(n.n >= th.sg_min_middle)
    p = cut(p.semi_join(n, [p.s == n.s, p.t == n.t]).select(p))
    # anchor a window at each inbound leg; the paths whose inbound leg starts in it
    anchor = p.select(s0=p.s, t0=p.t, start=p.t1).distinct()
    q = anchor.join(p, [anchor.s0 == p.s, anchor.t0 == p.t, p.t1 >= anchor.start,
                        p.t1 <= anchor.start + w])
    q = cut(q.select("s0", "t0", "start", "x1", "s", "m", "ts1", "a1", "x2", "t", "ts2", "a2"))
    per_out = q.group_by(["s0", "t0", "start", "x2"]).aggregate(m=q.m.max(), a2=q.a2.max())
    win = per_out.group_by(["s0", "t0", "start"]).aggregate(n=per_out.m.nunique(),
                                                           total=per_out.a2.sum())
    win = win.filter((win.n >= th.sg_min_middle) & (win.total >= th.min_total))
    q = q.semi_join(win, [q.s0 == win.s0, q.t0 == win.t0, q.start == win.start])
    q = cut(q.select("x1", "s", "m", "ts1", "a1", "x2", "t", "ts2", "a2").distinct())
    q = q.mutate(key=q.s + " > " + q.t)
    return _leg(q, "scatter_gather", q.key, 1, "x1", "s", "m", "ts1", "a1").union(
        _leg(q, "scatter_gather", q.key, 2, "x2", "m", "t", "ts2", "a2"))


def gather_scatter(e: ir.Table, acc: ir.Table, th: StructureThresholds,
                   cut: Cut = _cut) -> ir.Table:
    w = _secs(th.window_hours)
    hubs = acc.filter((acc.payers >= th.gs_min_in) & (acc.payees >= th.gs_min_out)
                      & (acc.degree <= th.max_degree)
                      & (acc.sum_out >= th.gs_min_share * acc.sum_in))
    inh = cut(e.semi_join(hubs, e.dst == hubs.account).select(e))
    outh = e.semi_join(hubs, e.src == hubs.account).select(e)
    # an outbound leg counts if it leaves within gs_max_dwell_h of the hub's latest inbound one
    legs = inh.mutate(h=inh.dst, out=ibis.literal(0)).union(
        outh.mutate(h=outh.src, out=ibis.literal(1)))
    order = ibis.window(group_by=legs.h, order_by=[legs.secs, legs.out, legs.txn_id],
                        preceding=None, following=0)
    legs = legs.mutate(last_in=ibis.ifelse(legs.out == 0, legs.secs, ibis.null("int64"))
                       .max().over(order))
    legs = legs.filter((legs.out == 1) & (legs.secs - legs.last_in <= _secs(th.gs_max_dwell_h)))
    outh = cut(legs.select("txn_id", "src", "dst", "ts", "amount", "secs"))
    anchor = inh.select(h=inh.dst, start=inh.secs).distinct()
    wi = anchor.join(inh, [anchor.h == inh.dst, inh.secs >= anchor.start,
                           inh.secs <= anchor.start + w])
    wo = anchor.join(outh, [anchor.h == outh.src, outh.secs > anchor.start,
                            outh.secs <= anchor.start + w])
    wi = cut(wi.select("h", "start", "txn_id", "src", "dst", "ts", "amount"))
    wo = cut(wo.select("h", "start", "txn_id", "src", "dst", "ts", "amount"))
    gi = wi.group_by(["h", "start"]).aggregate(payers=wi.src.nunique(), sum_in=wi.amount.sum())
    go = wo.group_by(["h", "start"]).aggregate(payees=wo.dst.nunique(), sum_out=wo.amount.sum())
    win = gi.join(go, ["h", "start"])
    win = win.filter((win.payers >= th.gs_min_in) & (win.payers <= th.gs_max_payers)
                     & (win.payees >= th.gs_min_out) & (win.sum_in >= th.min_total)
                     & (win.sum_out >= th.gs_min_share * win.sum_in)
                     & (win.sum_out <= th.gs_max_share * win.sum_in))
    wi = wi.semi_join(win, [wi.h == win.h, wi.start == win.start])
    wo = wo.semi_join(win, [wo.h == win.h, wo.start == win.start])
    return _leg(wi, "gather_scatter", wi.h, 1, "txn_id", "src", "dst", "ts", "amount").union(
        _leg(wo, "gather_scatter", wo.h, 2, "txn_id", "src", "dst", "ts", "amount"))


def _path_legs(paths: ir.Table, k: int, typology: str) -> ir.Table:
    """The k hops of each path (x1.., n0.., ts1.., a1..) as legs keyed by its transactions."""
    key = paths.x1
    for i in range(2, k + 1):
        key = key + " > " + paths[f"x{i}"]
    paths = paths.mutate(key=key)
    legs = [_leg(paths, typology, paths.key, i, f"x{i}", f"n{i - 1}", f"n{i}", f"ts{i}", f"a{i}")
            for i in range(1, k + 1)]
    out = legs[0]
    for leg in legs[1:]:
        out = out.union(leg)
    return out


def cycle(e: ir.Table, acc: ir.Table, mid: ir.Table, th: StructureThresholds,
          cut: Cut = _cut) -> ir.Table:
    w = _secs(th.window_hours)
    lo = 1 - th.cycle_max_loss
    ends = acc.filter((acc.payers > 0) & (acc.payees > 0)).select(a=acc.account)
    c = e.filter(e.amount >= lo * th.min_total)
    c = c.semi_join(ends, c.src == ends.a)
    ends2 = ends.view()
    c = c.semi_join(ends2, c.dst == ends2.a)
    first = c.filter(c.amount >= th.min_total)
    first = first.semi_join(mid, first.dst == mid.mid)
    paths = first.select(x1=first.txn_id, n0=first.src, n1=first.dst, s1=first.secs,
                         ts1=first.ts, a1=first.amount)
    found = []
    for k in range(2, th.cycle_max_hops + 1):
        cv = c.view()
        h = cv.select(**{f"x{k}": cv.txn_id, "_src": cv.src, f"n{k}": cv.dst, f"s{k}": cv.secs,
                         f"ts{k}": cv.ts, f"a{k}": cv.amount})
        j = paths.join(h, [paths[f"n{k - 1}"] == h._src, h[f"s{k}"] > paths[f"s{k - 1}"],
                           h[f"s{k}"] <= paths.s1 + w, h[f"a{k}"] >= lo * paths.a1,
                           h[f"a{k}"] <= paths.a1]).drop("_src")
        j = cut(j)
        closed = j.filter(j[f"n{k}"] == j.n0)
        found.append(_path_legs(closed, k, "cycle"))
        if k == th.cycle_max_hops:
            break
        open_ = j.filter(j[f"n{k}"] != j.n0)
        for i in range(1, k):
            open_ = open_.filter(open_[f"n{k}"] != open_[f"n{i}"])
        paths = open_.semi_join(mid, open_[f"n{k}"] == mid.mid)
    out = found[0]
    for f in found[1:]:
        out = out.union(f)
    return out


def layering_chain(e: ir.Table, mid: ir.Table, th: StructureThresholds,
                   cut: Cut = _cut) -> ir.Table:
    dwell = _secs(th.chain_max_dwell_h)
    lo = 1 - th.chain_max_loss
    c = e.filter(e.amount >= th.min_total * lo ** (th.chain_max_hops - 1))
    a = c.semi_join(mid, c.dst == mid.mid)
    a = a.select(p=a.txn_id, pa=a.src, pm=a.dst, ps=a.secs, pamt=a.amount)
    b = c.select(q=c.txn_id, qm=c.src, qd=c.dst, qs=c.secs, qamt=c.amount)
    links = a.join(b, [a.pm == b.qm, b.qs > a.ps, b.qs <= a.ps + dwell, b.qamt <= a.pamt,
                       b.qamt >= lo * a.pamt, b.qd != a.pa]).select("p", "q")
    links = cut(links)
    starts = c.anti_join(links, c.txn_id == links.q)
    starts = starts.filter(starts.amount >= th.min_total)
    paths = starts.select(x1=starts.txn_id, n0=starts.src, n1=starts.dst, s1=starts.secs,
                          ts1=starts.ts, a1=starts.amount)
    cv = c.view()
    step = cut(links.join(cv, links.q == cv.txn_id).select("p", "q", "dst", "secs", "ts",
                                                             "amount"))
    found = []
    for k in range(2, th.chain_max_hops + 1):
        nxt = step.view()
        nxt = nxt.select(**{"_p": nxt.p, f"x{k}": nxt.q, f"n{k}": nxt.dst, f"s{k}": nxt.secs,
                            f"ts{k}": nxt.ts, f"a{k}": nxt.amount})
        j = paths.join(nxt, paths[f"x{k - 1}"] == nxt._p).drop("_p")
        for i in range(0, k - 1):
            j = j.filter(j[f"n{k}"] != j[f"n{i}"])
        j = cut(j)
        if k - 1 >= th.chain_min_hops:
            xs = [f"x{i}" for i in range(1, k)]
            ended = paths.anti_join(j, [paths[x] == j[x] for x in xs])
            found.append(_path_legs(ended, k - 1, "layering_chain"))
        paths = j
    if th.chain_max_hops >= th.chain_min_hops:
        found.append(_path_legs(paths, th.chain_max_hops, "layering_chain"))
    if not found:
        return _leg(e.filter(ibis.literal(False)), "layering_chain", e.txn_id, 0, "txn_id",
                    "src", "dst", "ts", "amount")
    out = found[0]
    for f in found[1:]:
        out = out.union(f)
    return out


def bipartite(e: ir.Table, acc: ir.Table, th: StructureThresholds) -> ir.Table:
    w = _secs(th.window_hours)
    keep = 1 - th.bip_max_spread
    srcs = acc.filter((acc.payees >= th.bip_min_shared) & (acc.degree <= th.bip_max_degree))
    dsts = acc.filter((acc.payers >= 2) & (acc.degree <= th.bip_max_degree))
    b = e.semi_join(srcs, e.src == srcs.account)
    b = b.semi_join(dsts, b.dst == dsts.account)
    b1 = b.select(x1=b.txn_id, s1=b.src, t=b.dst, t1=b.secs, a1=b.amount)
    b2 = b.select(x2=b.txn_id, s2=b.src, u=b.dst, t2=b.secs, a2=b.amount)
    j = b1.join(b2, [b1.t == b2.u, b1.s1 < b2.s2, b2.t2 >= b1.t1 - w, b2.t2 <= b1.t1 + w,
                     b2.a2 >= keep * b1.a1, b1.a1 >= keep * b2.a2])
    pairs = j.group_by(["s1", "s2"]).aggregate(n=j.t.nunique())
    pairs = pairs.filter(pairs.n >= th.bip_min_shared)
    j = j.semi_join(pairs, [j.s1 == pairs.s1, j.s2 == pairs.s2])
    both = pairs.select(s=pairs.s1, other=pairs.s2).union(
        pairs.select(s=pairs.s2, other=pairs.s1))
    block = both.group_by("s").aggregate(low=both.other.min())
    block = block.select("s", key=ibis.least(block.s, block.low))
    legs = j.select(x=j.x1, s=j.s1).union(j.select(x=j.x2, s=j.s2), distinct=True)
    legs = legs.join(block, "s").join(e, legs.x == e.txn_id)
    legs = legs.select("key", "txn_id", "src", "dst", "ts", "amount")
    tot = legs.group_by("key").aggregate(total=legs.amount.sum())
    legs = legs.semi_join(tot.filter(tot.total >= th.min_total), "key")
    return _leg(legs, "bipartite", legs.key, 1, "txn_id", "src", "dst", "ts", "amount")


def stack(e: ir.Table, bip: ir.Table, th: StructureThresholds) -> ir.Table:
    w = _secs(th.window_hours)
    legs = bip.mutate(secs=bip.ts.epoch_seconds())
    one = legs.select(k1=legs.group_key, x1=legs.txn_id, s1=legs.src, m=legs.dst, t1=legs.secs,
                      ts1=legs.ts, a1=legs.amount)
    two = legs.select(k2=legs.group_key, x2=legs.txn_id, m2=legs.src, d=legs.dst, t2=legs.secs,
                      ts2=legs.ts, a2=legs.amount)
    j = one.join(two, [one.m == two.m2, one.k1 != two.k2, two.t2 > one.t1,
                       two.t2 <= one.t1 + w, two.d != one.s1])
    n = j.group_by(["k1", "k2"]).aggregate(n=j.m.nunique())
    j = j.semi_join(n.filter(n.n >= th.bip_min_shared), ["k1", "k2"])
    j = j.mutate(key=j.k1 + " | " + j.k2)
    return _leg(j, "stack", j.key, 1, "x1", "s1", "m", "ts1", "a1").union(
        _leg(j, "stack", j.key, 2, "x2", "m", "d", "ts2", "a2"))


# --- public API --------------------------------------------------------------------------------

def structure_legs(con: ibis.BaseBackend | None, ledger: ir.Table,
                   th: StructureThresholds | None = None,
                   typologies: tuple[str, ...] = STRUCTURE_TYPOLOGIES) -> ir.Table:
    """(typology, group_key, hop, txn_id, src, dst, ts, amount): each transaction of each
    instance found (distinct rows).  hop is the leg's place in the instance: the hop number along
    a cycle or chain, 1 for the inbound and 2 for the outbound legs of a scatter-gather,
    gather-scatter or stack, 1 for a bipartite block.  An expression; `con` is not queried."""
    del con
    tables = list(_typology_legs(ledger, th or StructureThresholds(), typologies).values())
    out = tables[0]
    for t in tables[1:]:
        out = out.union(t)
    return out.distinct()


def _typology_legs(ledger: ir.Table, th: StructureThresholds, typologies: tuple[str, ...],
                   cut: Cut = _cut) -> dict[str, ir.Table]:
    """The legs of each typology asked for (in `STRUCTURE_TYPOLOGIES` order), rows not yet made
    distinct.  `cut` marks the steps used more than once: a CTE by default, or a step computed
    once and kept (`structure_findings` on Spark)."""
    every = cut(_edges(ledger))
    acc = _accounts(every, cut)
    mid = _middles(acc, th, cut)
    e = every.filter(every.amount >= th.min_leg)
    parts: dict[str, ir.Table] = {}
    if "scatter_gather" in typologies:
        parts["scatter_gather"] = scatter_gather(e, mid, th, cut)
    if "gather_scatter" in typologies:
        parts["gather_scatter"] = gather_scatter(e, acc, th, cut)
    if "cycle" in typologies:
        parts["cycle"] = cycle(e, acc, mid, th, cut)
    if "layering_chain" in typologies:
        parts["layering_chain"] = layering_chain(e, mid, th, cut)
    if "bipartite" in typologies or "stack" in typologies:
        bip = bipartite(e, acc, th)
        if "bipartite" in typologies:
            parts["bipartite"] = bip
        if "stack" in typologies:
            parts["stack"] = stack(e, cut(bip) if "bipartite" in typologies else bip, th)
    if not parts:
        raise ValueError(f"no typology among {typologies!r}; known: {STRUCTURE_TYPOLOGIES}")
    return {name: parts[name] for name in STRUCTURE_TYPOLOGIES if name in parts}


def transaction_structures(con: ibis.BaseBackend | None, ledger: ir.Table,
                           th: StructureThresholds | None = None) -> ir.Table:
    """(txn_id, scatter_gather, gather_scatter, cycle, layering_chain, bipartite, stack): one row
    per transaction in any instance, with the number of instances of each typology it is part of
    (int64, 0 where none).  An expression, to join onto transactions as features."""
    legs = structure_legs(con, ledger, th)
    legs = legs.select("txn_id", "typology", "group_key").distinct()
    counts = {name: (legs.typology == name).cast("int64").sum() for name in STRUCTURE_TYPOLOGIES}
    return legs.group_by("txn_id").aggregate(**counts)


def _as_ibis(con: ibis.BaseBackend | None, ledger: ir.Table | pa.Table
             ) -> tuple[ibis.BaseBackend, ir.Table]:
    con = con if con is not None else ibis.duckdb.connect()
    if isinstance(ledger, pa.Table):
        ledger = register_table(con, "jingwang_ledger", ledger.select(LEDGER_SCHEMA.names))
    return con, ledger


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"


def _yuan(x: float) -> str:
    return f"¥{x:,.0f}"


def _names(accounts: list[str], most: int = 4) -> str:
    if len(accounts) <= most:
        return ", ".join(accounts)
    return f"{', '.join(accounts[:most])} and {len(accounts) - most} more"


def explain(typology: str, legs: list[dict]) -> tuple[list[str], float, str]:
    """(accounts in order, total, reason) of one instance from its legs (dicts of LEGS_COLUMNS)."""
    legs = sorted(legs, key=lambda r: (r["hop"], r["ts"], r["txn_id"]))
    first: dict[str, tuple] = {}
    for r in legs:   # an account's place: its earliest layer, then when it first appears
        for acct, layer in ((r["src"], r["hop"] - 1), (r["dst"], r["hop"])):
            first[acct] = min(first.get(acct, (layer, r["ts"])), (layer, r["ts"]))
    accounts = sorted(first, key=lambda a: (*first[a], a))
    hop1 = [r for r in legs if r["hop"] == 1]
    hop2 = [r for r in legs if r["hop"] == 2]
    span = (max(r["ts"] for r in legs) - min(r["ts"] for r in legs)).total_seconds()
    if typology == "scatter_gather":
        src, dst = hop1[0]["src"], hop2[0]["dst"]
        middles = sorted({r["dst"] for r in hop1})
        paid, came = sum(r["amount"] for r in hop1), sum(r["amount"] for r in hop2)
        dwell = max(min((o["ts"] - i["ts"]).total_seconds() for i in hop1
                        if i["dst"] == o["src"] and i["ts"] < o["ts"]) for o in hop2)
        return accounts, came, (
            f"{src} paid {_yuan(paid)} to {len(middles)} accounts which each passed it on to "
            f"{dst} ({_yuan(came)} arrived) within {_hours(dwell)}: scatter-gather")
    if typology == "gather_scatter":
        hub = hop1[0]["dst"]
        got, paid = sum(r["amount"] for r in hop1), sum(r["amount"] for r in hop2)
        payers, payees = {r["src"] for r in hop1}, {r["dst"] for r in hop2}
        return accounts, got, (
            f"{hub} received {_yuan(got)} from {len(payers)} payers and paid {_yuan(paid)} "
            f"({100 * paid / got:.0f}%) on to {len(payees)} payees over {_hours(span)}: "
            f"gather-scatter")
    if typology in ("cycle", "layering_chain"):
        path = [legs[0]["src"], *(r["dst"] for r in legs)]
        a0, a1 = legs[0]["amount"], legs[-1]["amount"]
        kept = 100 * (1 - a1 / a0) if a0 else 0.0
        if typology == "cycle":
            return accounts, a0, (
                f"{_yuan(a0)} left {path[0]} and {_yuan(a1)} came back to it in {len(legs)} hops "
                f"({' → '.join(path)}) within {_hours(span)}: cycle")
        dwell = max((b["ts"] - a["ts"]).total_seconds() for a, b in pairwise(legs))
        return accounts, a0, (
            f"{_yuan(a0)} moved {' → '.join(path)} in {len(legs)} hops, each within "
            f"{_hours(dwell)} of the one before, {_yuan(a1)} arriving ({kept:.1f}% kept on the "
            f"way): layering chain")
    if typology == "bipartite":
        sources = sorted({r["src"] for r in legs})
        targets = sorted({r["dst"] for r in legs})
        total = sum(r["amount"] for r in legs)
        return accounts, total, (
            f"{len(sources)} accounts ({_names(sources)}) paid similar amounts to the same "
            f"{len(targets)} accounts ({_names(targets)}), {_yuan(total)} in {len(legs)} "
            f"payments over {_hours(span)}: bipartite")
    sources = sorted({r["src"] for r in hop1})
    middles = sorted({r["dst"] for r in hop1} & {r["src"] for r in hop2})
    targets = sorted({r["dst"] for r in hop2})
    total = sum(r["amount"] for r in hop1)
    return accounts, total, (
        f"{len(sources)} accounts ({_names(sources)}) paid {_yuan(total)} to {len(middles)} "
        f"accounts ({_names(middles)}) which paid {_yuan(sum(r['amount'] for r in hop2))} on to "
        f"{len(targets)} accounts ({_names(targets)}) over {_hours(span)}: stack")


def structure_findings(con: ibis.BaseBackend | None, ledger: ir.Table | pa.Table,
                       th: StructureThresholds | None = None) -> pa.Table:
    """One row per instance (`FINDINGS_SCHEMA`), by typology then start: typology, group_key,
    accounts (in the order money reaches them), txn_ids (by hop, then time), total (the money
    that went in: what reached the target of a scatter-gather, the hub's intake, the first hop of
    a cycle or chain, the sum of a block's payments), start, end and reason.

    `ledger` is an Ibis table on `con` or an Arrow table in `LEDGER_SCHEMA` (registered on
    `con` as the view `jingwang_ledger`); `con` None means a fresh DuckDB connection."""
    con, ledger = _as_ibis(con, ledger)
    # one query per typology: the same rows as one query for all, and a plan small enough for
    # Spark's driver (the union of all six is planned as one tree there)
    # Spark plans each query whole, inlining every step it reads as often as it is read (the
    # ledger too, an Arrow table held in the plan): its optimiser then runs the driver out of
    # heap.  So each step used more than once is computed once and kept (a local checkpoint on
    # Spark, a temporary table on DuckDB), which also spares recomputing the accounts for every
    # typology: 1.5× faster on DuckDB than a CTE per query.
    parts = _typology_legs(ledger, th or StructureThresholds(), STRUCTURE_TYPOLOGIES,
                           lambda t: materialise(con, t))
    queries = [t.distinct() for t in parts.values()]
    legs = [r for q in queries for r in con.to_pyarrow(q).to_pylist()]
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in legs:
        groups[(r["typology"], r["group_key"])].append(r)
    rows = []
    for (typology, key), g in groups.items():
        accounts, total, reason = explain(typology, g)
        g.sort(key=lambda r: (r["hop"], r["ts"], r["txn_id"]))
        ids = list(dict.fromkeys(r["txn_id"] for r in g))
        rows.append({"typology": typology, "group_key": key, "accounts": accounts,
                     "txn_ids": ids, "total": float(total),
                     "start": min(r["ts"] for r in g), "end": max(r["ts"] for r in g),
                     "reason": reason})
    order = {name: i for i, name in enumerate(STRUCTURE_TYPOLOGIES)}
    rows.sort(key=lambda r: (order[r["typology"]], r["start"], r["group_key"]))
    return pa.Table.from_pylist(rows, schema=FINDINGS_SCHEMA)


def structure_accounts(con: ibis.BaseBackend | None, ledger: ir.Table | pa.Table,
                       th: StructureThresholds | None = None,
                       findings: pa.Table | None = None) -> pa.Table:
    """(account, typologies, instances, reason) for every account named in an instance, by
    account (`STRUCTURE_ACCOUNTS_SCHEMA`); reason joins the reasons of its instances (the first
    three, then how many more).  Pass `findings` to reuse `structure_findings`' result."""
    if findings is None:
        findings = structure_findings(con, ledger, th)
    seen: dict[str, list[dict]] = defaultdict(list)
    for f in findings.to_pylist():
        for acct in f["accounts"]:
            seen[acct].append(f)
    rows = []
    for acct in sorted(seen):
        fs = seen[acct]
        names = [n for n in STRUCTURE_TYPOLOGIES if any(f["typology"] == n for f in fs)]
        reasons = [f["reason"] for f in fs[:3]]
        if len(fs) > 3:
            reasons.append(f"and {len(fs) - 3} more instances")
        rows.append({"account": acct, "typologies": names, "instances": len(fs),
                     "reason": "; ".join(reasons)})
    return pa.Table.from_pylist(rows, schema=STRUCTURE_ACCOUNTS_SCHEMA)
