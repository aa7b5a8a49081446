"""Identity-kit reuse (四件套): accounts opened on a shared ID card, registration phone or device.

Fourth-party payment platforms and card dealers buy identity kits (bank card, SIM, ID card,
U-shield) and open many accounts on each, in batches.  `identity_reuse(con, accounts)` links
accounts that share an ID card, phone or device (null or blank values never link), labels the
connected components of those links (a cluster is named by its smallest account number), and
flags every account of a cluster of at least `min_accounts`:

- identity_kit_reuse: the cluster has `min_accounts` or more accounts (a family of two sharing a
  phone does not);
- account_burst: `min_accounts` or more of the cluster's accounts were opened within
  `burst_hours` of each other (a window starting at one of their opening times), this account
  among them.

The counts, links, components and bursts are Ibis expressions (DuckDB or Spark); only the flagged
rows' sentences are written in Python.  Links are a star per shared value (each account to the
smallest account with that value), so a value shared by n accounts makes n - 1 edges, not n².
The burst windows join the members of each flagged cluster pairwise (clusters are small; a huge
one is itself the finding).  PII in reasons is masked as `jingwang.regions` masks it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from jingwang.linking.graph import connected_components, materialise
from jingwang.payments.ledger import ACCOUNTS_SCHEMA, register_table
from jingwang.regions.attribution import mask


@dataclass(frozen=True)
class IdentityThresholds:
    """When shared identities make a finding."""

    min_accounts: int = 3        # a family of two sharing a phone is ordinary; a kit opens 2–5+
    burst_hours: float = 72.0    # a dealer opens a kit's cards within a few days


IDENTITY_TYPOLOGIES = ("identity_kit_reuse", "account_burst")

# (short name in the tables, column in ACCOUNTS_SCHEMA, label in reasons)
KINDS = (("id_card", "owner_id_card", "ID card"),
         ("phone", "registration_phone", "phone"),
         ("device", "device", "device"))

IDENTITY_SCHEMA = pa.schema([
    pa.field("account", pa.string(), nullable=False),
    pa.field("cluster", pa.string(), nullable=False),
    pa.field("cluster_size", pa.int64(), nullable=False),
    pa.field("shared_id_card", pa.int64(), nullable=False),
    pa.field("shared_phone", pa.int64(), nullable=False),
    pa.field("shared_device", pa.int64(), nullable=False),
    pa.field("flagged", pa.bool_(), nullable=False),
    pa.field("typologies", pa.list_(pa.string()), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
])


def numbered_accounts(accounts: ir.Table) -> ir.Table:
    """(rec, account, opened_at, id_card, phone, device): values stripped, blank ones null, and
    a dense integer per account in account order (so the smallest rec is the smallest account)."""
    cols = {short: accounts[col].strip().nullif("") for short, col, _ in KINDS}
    a = accounts.select("account", "opened_at", **cols)
    return a.mutate(rec=ibis.dense_rank().over(order_by=a.account))


def sightings(a: ir.Table) -> ir.Table:
    """(rec, kind, value): each non-null identity value of each account."""
    parts = [a.filter(a[k].notnull()).select("rec", kind=ibis.literal(k), value=a[k])
             for k, _, _ in KINDS]
    out = parts[0]
    for p in parts[1:]:
        out = out.union(p)
    return out


def shared_counts(a: ir.Table, s: ir.Table) -> ir.Table:
    """`a` with n_<kind>: how many accounts (itself included) carry its value; 0 when null."""
    counts = s.group_by(["kind", "value"]).aggregate(n=s.rec.nunique())
    for k, _, _ in KINDS:
        c = counts.filter(counts.kind == k).select(**{f"v_{k}": "value", f"n_{k}": "n"})
        j = a.left_join(c, a[k] == c[f"v_{k}"])
        a = j.drop(f"v_{k}").mutate(**{f"n_{k}": j[f"n_{k}"].fill_null(0)})
    return a


def star_edges(s: ir.Table) -> ir.Table:
    """(a, b): each account to the smallest account sharing a value with it."""
    roots = s.group_by(["kind", "value"]).aggregate(root=s.rec.min())
    j = s.join(roots, ["kind", "value"])
    return j.filter(j.rec != j.root).select(a=j.root, b=j.rec).distinct()


def bursts(members: ir.Table, th: IdentityThresholds) -> ir.Table:
    """(rec, burst_n, burst_from, burst_to) for accounts in an opening burst: the largest window
    of `burst_hours`, starting at a member's opening, holding `min_accounts` or more of its
    cluster's openings and this one (its first and last opening, epoch seconds)."""
    m = members.filter(members.opened_at.notnull()).select(
        "rec", "component", t=members.opened_at.epoch_seconds())
    width = round(th.burst_hours * 3600)
    w = m.select(c0="component", t0="t").distinct()    # one window per distinct start
    o = m.select(c1="component", t1="t")
    pairs = w.join(o, [w.c0 == o.c1, o.t1 >= w.t0, o.t1 <= w.t0 + width])
    windows = pairs.group_by(["c0", "t0"]).aggregate(n=pairs.count(), last=pairs.t1.max())
    windows = windows.filter(windows.n >= th.min_accounts)
    cover = m.join(windows, [m.component == windows.c0, m.t >= windows.t0,
                             m.t <= windows.t0 + width])
    # Largest window first, then the earliest: a deterministic pick among ties.
    key = cover.n.cast("float64") * 1e10 - cover.t0.cast("float64")
    return cover.group_by("rec").aggregate(burst_n=cover.n.max(), burst_from=cover.t0.argmax(key),
                                           burst_to=cover.last.argmax(key))


def identity_table(con: ibis.BaseBackend, accounts: ir.Table,
                   th: IdentityThresholds | None = None) -> ir.Table:
    """Per account: rec, account, identity values, n_<kind>, cluster, cluster_size, the cluster's
    first and last opening, and the burst columns (null outside a burst)."""
    th = th or IdentityThresholds()
    a = materialise(con, numbered_accounts(accounts))
    s = materialise(con, sightings(a))
    a = shared_counts(a, s)
    comps = connected_components(con, a.select(ind="rec"), materialise(con, star_edges(s)))
    names = a.select(component="rec", cluster="account")
    j = a.join(comps, a.rec == comps.ind).drop("ind")
    j = j.join(names, "component")
    sizes = j.group_by("component").aggregate(
        cluster_size=j.count(), first_opened=j.opened_at.min(), last_opened=j.opened_at.max())
    j = materialise(con, j.join(sizes, "component"))
    big = j.filter(j.cluster_size >= th.min_accounts).select("rec", "component", "opened_at")
    b = bursts(big, th)
    out = j.left_join(b, j.rec == b.rec)
    return out.drop("rec_right")


def _day(ts: dt.datetime | None) -> str | None:
    return None if ts is None else ts.strftime("%Y-%m-%d")


def _minute(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M")


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def explain(row: dict, typology: str, th: IdentityThresholds) -> str:
    """The readable sentence for one typology of one account's row."""
    if typology == "identity_kit_reuse":
        shared = [(label, row[k], row[f"n_{k}"]) for k, _, label in KINDS if row[f"n_{k}"] > 1]
        what = _and([f"{label} {mask(value)}" for label, value, _ in shared])
        counts = _and([str(n) for _, _, n in shared])
        text = (f"one of {row['cluster_size']} accounts opened on {what} "
                f"(shared by {counts} accounts)")
        first, last = _day(row["first_opened"]), _day(row["last_opened"])
        if first is not None:
            text += f" on {first}" if first == last else f" between {first} and {last}"
        return text
    return (f"one of {row['burst_n']} accounts of its cluster opened within "
            f"{th.burst_hours:g} h ({_minute(row['burst_from'])} to {_minute(row['burst_to'])})")


def identity_reuse(con: ibis.BaseBackend | None, accounts: ir.Table | pa.Table,
                   thresholds: IdentityThresholds | None = None) -> pa.Table:
    """(account, cluster, cluster_size, shared_id_card, shared_phone, shared_device, flagged,
    typologies, reason) for every account: flagged ones first, largest cluster first.

    shared_<kind> counts the other accounts with the same value (0 when the value is null).
    `accounts` is an Ibis table on `con` or an Arrow table in `ACCOUNTS_SCHEMA` (registered on
    `con` as the view `jingwang_accounts`); `con` None means a fresh DuckDB connection."""
    con = con if con is not None else ibis.duckdb.connect()
    th = thresholds or IdentityThresholds()
    if isinstance(accounts, pa.Table):
        accounts = register_table(con, "jingwang_accounts",
                                  accounts.select(ACCOUNTS_SCHEMA.names))
    t = identity_table(con, accounts, th)
    t = t.mutate(flagged=t.cluster_size >= th.min_accounts)
    t = t.order_by([ibis.desc("flagged"), ibis.desc("cluster_size"), "cluster", "account"])
    rows = con.to_pyarrow(t).to_pylist()
    typologies: list[list[str]] = []
    reasons: list[str] = []
    for row in rows:
        names = []
        if row["flagged"]:
            names.append("identity_kit_reuse")
            if row["burst_n"] is not None:
                names.append("account_burst")
        typologies.append(names)
        reasons.append("; ".join(explain(row, n, th) for n in names))
    cols = {
        "account": [r["account"] for r in rows],
        "cluster": [r["cluster"] for r in rows],
        "cluster_size": [r["cluster_size"] for r in rows],
        **{f"shared_{k}": [max(r[f"n_{k}"] - 1, 0) for r in rows] for k, _, _ in KINDS},
        "flagged": [r["flagged"] for r in rows],
        "typologies": typologies,
        "reason": reasons,
    }
    return pa.table(cols, schema=IDENTITY_SCHEMA)
