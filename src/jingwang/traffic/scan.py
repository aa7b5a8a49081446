"""One pass over access logs: read, find the releases, sum up every client, find the floods,
and judge each client.

`scan_logs(paths, …)` streams the files through `read.LogReader` and `features.Compactor` into
integer-coded Arrow columns (spilled to Parquet in a scratch folder past `spill_rows`), which
DuckDB reads as the view `lines`; then:

1. releases: from the schedule when one is given, else inferred from bursts of bookings;
2. user agents: each distinct one classified once (`agents.AgentBook`); addresses that claim a
   search engine's crawler checked against its ranges (or the unit's reverse-DNS file);
3. features per address, account, session and device (`features`);
4. DDoS attack windows and their sources (`ddos`);
5. verdicts per client (`score`), joined into one row per (ip, account, session, device) seen
   together in the log: the union of the rules its address, account, session and device fire,
   scored once; flagged rows linked into clusters when they share any of the four.

It returns a `Scan`: `clients` (`CLIENTS_SCHEMA`, highest score first), `attacks`, the parse
report, the releases used and the time each stage took.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jingwang.traffic.agents import AgentBook, CrawlerRanges
from jingwang.traffic.ddos import Attack, DdosOptions, find_attacks
from jingwang.traffic.features import (
    COMPACT_SCHEMA,
    KEYS,
    UA_KINDS,
    Compactor,
    FeatureOptions,
    entity_features,
    with_releases,
)
from jingwang.traffic.logformat import LogFormat
from jingwang.traffic.read import IdSpec, LogReader, ParseReport
from jingwang.traffic.releases import infer_releases, read_releases
from jingwang.traffic.score import (
    BOOKING_RULES,
    FLAG_AT,
    RULE_BITS,
    Verdicts,
    mask_score,
    score_entities,
)

CLIENTS_SCHEMA = pa.schema([
    ("ip", pa.string()), ("account", pa.string()), ("session", pa.string()),
    ("device", pa.string()), ("requests", pa.int64()),
    ("first_seen", pa.timestamp("ms", tz="UTC")),
    ("last_seen", pa.timestamp("ms", tz="UTC")),
    ("score", pa.float64()), ("flagged", pa.bool_()), ("kind", pa.string()),
    ("rules", pa.list_(pa.string())), ("reasons", pa.string()), ("evidence", pa.string()),
    ("cluster", pa.string()),
])


@dataclass
class ScanOptions:
    features: FeatureOptions = field(default_factory=FeatureOptions)
    ddos: DdosOptions = field(default_factory=DdosOptions)
    memory_limit: str = "4GB"
    threads: int | None = None
    spill_rows: int = 4_000_000      # compacted lines kept in memory; past it, Parquet parts
    asn_db: Path | None = None       # a MaxMind-format ASN database (GeoLite2-ASN and the like)


@dataclass
class Scan:
    clients: pa.Table
    attacks: list[Attack]
    report: ParseReport
    releases: np.ndarray
    releases_inferred: bool
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def flagged(self) -> pa.Table:
        return self.clients.filter(self.clients["flagged"])


def scan_logs(paths: Iterable[str | Path], fmt: LogFormat | None = None,
              releases: str | Path | None = None, ids: dict[str, IdSpec] | None = None,
              crawler_dns: str | Path | None = None, options: ScanOptions | None = None,
              progress: Callable[[str, int], None] | None = None) -> Scan:
    """Scan the logs at `paths` (see the module docstring)."""
    opt = options or ScanOptions()
    schedule = read_releases(releases) if releases is not None else None
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def done(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock
        clock = now

    ranges = CrawlerRanges(dns=Path(crawler_dns) if crawler_dns else None)
    compactor = Compactor(AgentBook(ranges), opt.features, schedule,
                          asn_lookup(opt.asn_db) if opt.asn_db else None)
    with tempfile.TemporaryDirectory(prefix="jingwang-traffic-") as scratch:
        duck = duckdb.connect(config={"memory_limit": opt.memory_limit,
                                      "temp_directory": scratch,
                                      **({"threads": opt.threads} if opt.threads else {})})
        store = _LineStore(Path(scratch), opt.spill_rows)
        reader = LogReader(fmt, ids)
        for batch in reader.batches(paths):
            store.add(compactor.compact(batch))
            if progress:
                progress("read", batch.num_rows)
        done("read")
        inferred = schedule is None
        if schedule is None:
            times = (np.concatenate(compactor.book_times) if compactor.book_times
                     else np.array([]))
            schedule = infer_releases(times)
            store.set_releases(schedule)
        store.register(duck)
        done("releases")
        fake, verified = _crawler_claims(duck, compactor)
        done("agents")
        present = [k for k in KEYS if k == "ip" or len(compactor.values[k]) > 1]
        feats = {k: _named(entity_features(duck, k, opt.features), compactor, k)
                 for k in present}
        done("features")
        attacks = find_attacks(duck, schedule, compactor, opt.ddos)
        sources = {ip: f"a source of the flood at {_hhmm(a.start)}–{_hhmm(a.end)} "
                       f"({len(a.sources):,} addresses; {', '.join(a.paths[:3])})"
                   for a in attacks for ip in a.sources}
        done("ddos")
        verdicts = {k: score_entities(k, feats[k], opt.features, fake, verified, sources,
                                      compactor.values["ua"], reader.report.files)
                    for k in present}
        rows = duck.execute("""
            SELECT ip, account, session, device, count(*) AS requests, min(t) AS first_t,
                   max(t) AS last_t FROM lines GROUP BY ALL""").to_arrow_table()
        duck.close()
    for k in KEYS:
        rows = rows.set_column(rows.schema.get_field_index(k), k, pc.take(
            pa.array(compactor.values[k], pa.string()), rows.column(k)))
    clients = _clients(rows, verdicts, verified, present)
    done("verdicts")
    return Scan(clients, attacks, reader.report, schedule, inferred, timings)


def asn_lookup(path: Path) -> Callable[[str], int]:
    """ip → autonomous system number (0 when unknown) from a MaxMind-format database."""
    import maxminddb

    reader = maxminddb.open_database(str(path))

    def lookup(ip: str) -> int:
        try:
            record = reader.get(ip)
        except ValueError:
            return 0
        return int((record or {}).get("autonomous_system_number") or 0)

    return lookup


def _named(feats: pa.Table, compactor: Compactor, kind: str) -> pa.Table:
    """Features keyed by the client's text, not its code."""
    keys = pc.take(pa.array(compactor.values[kind], pa.string()), feats.column("key"))
    return feats.set_column(feats.schema.get_field_index("key"), "key", keys)


class _LineStore:
    """The compacted lines: Arrow tables in memory, spilled to Parquet parts in the scratch
    folder past `spill_rows`, so memory stays bounded; DuckDB reads both as the view `lines`."""

    def __init__(self, scratch: Path, spill_rows: int) -> None:
        self.scratch, self.spill_rows = scratch, spill_rows
        self.memory: list[pa.Table] = []
        self.rows = 0
        self.parts: list[Path] = []

    def add(self, table: pa.Table) -> None:
        self.memory.append(table)
        self.rows += table.num_rows
        if self.rows >= self.spill_rows:
            self._spill()

    def _spill(self) -> None:
        part = self.scratch / f"lines-{len(self.parts):05d}.parquet"
        pq.write_table(pa.concat_tables(self.memory), part, compression="zstd")
        self.parts.append(part)
        self.memory, self.rows = [], 0

    def set_releases(self, releases: np.ndarray) -> None:
        """Each booking's latest release, once the releases are inferred."""
        self.memory = [with_releases(t, releases) for t in self.memory]
        for part in self.parts:
            pq.write_table(with_releases(pq.read_table(part), releases), part,
                           compression="zstd")

    def register(self, duck: duckdb.DuckDBPyConnection) -> None:
        memory = (pa.concat_tables(self.memory) if self.memory
                  else COMPACT_SCHEMA.empty_table())
        duck.register("lines_memory", memory)
        if self.parts:
            files = ", ".join(f"'{p}'" for p in self.parts)
            duck.execute(f"CREATE VIEW lines AS SELECT * FROM read_parquet([{files}]) "
                         "UNION ALL SELECT * FROM lines_memory")
        else:
            duck.execute("CREATE VIEW lines AS SELECT * FROM lines_memory")


def _crawler_claims(duck: duckdb.DuckDBPyConnection, compactor: Compactor
                    ) -> tuple[dict[str, str], set[str]]:
    """Addresses that claim a search engine's crawler: the fakes (with the reason) and the
    verified ones."""
    ranges = compactor.book.ranges
    pairs = duck.execute("SELECT DISTINCT ip, ua FROM lines WHERE ua_kind = "
                         f"{UA_KINDS.index('crawler')}").fetchall()
    claims = {(compactor.values["ip"][ip], compactor.classes[ua].operator) for ip, ua in pairs}
    fake: dict[str, str] = {}
    verified: set[str] = set()
    dates = ranges.list_dates()
    for ip, operator in claims:
        if ranges.verify(ip, operator):
            verified.add(ip)
        else:
            fake[ip] = (f"calls itself {operator}'s crawler from an address outside "
                        f"its known crawler ranges (list of {dates.get(operator, '?')})")
    for ip in verified:            # one address both real and fake: real wins, never banned
        fake.pop(ip, None)
    return fake, verified


def _clients(rows: pa.Table, verdicts: dict[str, Verdicts], verified: set[str],
             present: list[str]) -> pa.Table:
    """One row per client: the union of its address's, account's, session's and device's rules
    (and of its /24 when that is a proxy block), scored once; in whole columns."""
    n = rows.num_rows
    mask = np.zeros(n, dtype=np.int64)
    texts: list[pa.Array] = []
    where: list[pa.Array] = []
    cols = {k: rows.column(k).combine_chunks() for k in KEYS}
    ip_col = cols["ip"]
    for k in sorted(present, key=lambda k: k == "ip"):   # an account's reasons first
        v = verdicts[k]
        if not len(v.keys):
            continue
        idx = pc.index_in(cols[k], value_set=v.keys)
        hit = np.asarray(idx.is_valid())
        pos = np.asarray(idx.fill_null(0))
        mask |= np.where(hit, v.mask[pos], 0)
        texts.append(pc.take(v.text, idx))
        where.append(pc.take(v.evidence, idx))
    own = np.where(mask != 0, mask_score(mask), 0.0)
    nets = _bot_networks(ip_col, verdicts["ip"].flagged())
    if nets:
        net_col = pc.replace_substring_regex(ip_col, r"\.[0-9]+$", "")
        idx = pc.index_in(net_col, value_set=pa.array(list(nets), pa.string()))
        on = np.asarray(idx.is_valid()) & (own < FLAG_AT)
        mask |= np.where(on, RULE_BITS["bot_network"], 0)
        reason = pc.take(pa.array([f"in {net}.0/24, {why}" for net, why in nets.items()]),
                         idx)
        texts.insert(0, pc.if_else(pa.array(on), pc.binary_join_element_wise(
            "ip ", ip_col, ": ", reason, ""), pa.nulls(n, pa.string())))
    real = np.asarray(pc.is_in(ip_col, value_set=pa.array(sorted(verified), pa.string())))
    scores = np.where(real | (mask == 0), 0.0, mask_score(mask))
    flagged = scores >= FLAG_AT
    kinds = np.select(
        [real, ~flagged, (mask & RULE_BITS["ddos_source"]) != 0,
         (mask & RULE_BITS["fake_crawler"]) != 0, (mask & _bits(BOOKING_RULES)) != 0],
        ["crawler", "human", "ddos", "fake_crawler", "scalper"], "bot")
    uniq, inverse = np.unique(mask, return_inverse=True)
    rule_lists = pa.array([[r for r, bit in RULE_BITS.items() if m & bit] for m in uniq.tolist()],
                          pa.list_(pa.string()))
    table = pa.table({
        **{k: rows.column(k) for k in KEYS}, "requests": rows.column("requests"),
        "first_seen": _ts(rows.column("first_t")), "last_seen": _ts(rows.column("last_t")),
        "score": pa.array(np.round(scores, 4)), "flagged": pa.array(flagged),
        "kind": pa.array(kinds.astype(object), pa.string()),
        "rules": pc.take(rule_lists, pa.array(inverse.ravel())),
        "reasons": _join_texts(texts, n),
        "evidence": _join_texts(where, n),
        "cluster": pa.array(_clusters(rows, flagged), pa.string()),
    }, schema=CLIENTS_SCHEMA)
    order = pc.sort_indices(table, [("score", "descending"), ("ip", "ascending"),
                                    ("account", "ascending")])
    return table.take(order)


def _join_texts(texts: list[pa.Array], n: int) -> pa.Array:
    """Each row's non-null texts joined by '; '.  An empty last text keeps every row (pyarrow
    26's null skipping drops rows that are null throughout); its separator is trimmed off."""
    if not texts:
        return pa.array([""] * n, pa.string())
    joined = pc.binary_join_element_wise(*texts, pa.scalar(""), "; ", null_handling="skip")
    return pc.utf8_rtrim(joined, "; ")


def _bits(names) -> int:
    return sum(RULE_BITS[n] for n in names)


def _bot_networks(ips: pa.Array, flagged: set[str]) -> dict[str, str]:
    """/24 networks where most addresses seen are flagged bots (a proxy block): the reason."""
    distinct = pc.unique(ips)
    nets = pc.replace_substring_regex(distinct, r"\.[0-9]+$", "")
    bad = np.asarray(pc.is_in(distinct, value_set=pa.array(sorted(flagged), pa.string())))
    four = np.asarray(pc.equal(pc.count_substring(distinct, "."), 3))
    table = pa.table({"net": nets, "bad": bad, "four": four}).filter(pa.array(four))
    grouped = table.group_by("net").aggregate([("bad", "sum"), ("bad", "count")])
    out = {}
    for net, n_bad, n_all in zip(*(grouped.column(c).to_pylist()
                                   for c in ("net", "bad_sum", "bad_count")), strict=True):
        if n_bad >= 5 and n_bad >= 0.5 * n_all:
            out[net] = f"where {n_bad} of the {n_all} addresses seen are flagged bots"
    return out


def _clusters(rows: pa.Table, flagged: np.ndarray) -> list[str]:
    """Flagged rows that share an address, account, session or device: one cluster each,
    named after its smallest member value (connected components in igraph)."""
    import igraph

    idx = np.flatnonzero(flagged)
    out = np.array([""] * rows.num_rows, dtype=object)
    if not len(idx):
        return out.tolist()
    names: list[str] = []
    node_cols = []
    for k in KEYS:
        col = pc.take(rows.column(k), pa.array(idx))
        enc = pc.dictionary_encode(col).combine_chunks()
        values = enc.dictionary.to_pylist()
        codes = np.asarray(enc.indices) + len(names)
        empty = np.array([v == "" for v in values], dtype=bool)
        node_cols.append(np.where(empty[np.asarray(enc.indices)], -1, codes))
        names.extend(f"{k}:{v}" for v in values)
    nodes = np.stack(node_cols, axis=1)
    first = nodes[:, 0]
    edges = [np.stack([first, nodes[:, j]], axis=1)[nodes[:, j] >= 0] for j in range(1, 4)]
    graph = igraph.Graph(n=len(names), edges=np.concatenate(edges).tolist())
    member = np.array(graph.connected_components().membership)
    order = np.argsort(np.array(names, dtype=object), kind="stable")
    smallest = {}
    for node in order.tolist():
        smallest.setdefault(member[node], names[node])
    out[idx] = [smallest[member[v]] for v in first.tolist()]
    return out.tolist()


def _ts(col: pa.ChunkedArray) -> pa.Array:
    ms = np.round(np.nan_to_num(col.to_numpy(zero_copy_only=False)) * 1000).astype(np.int64)
    return pa.array(ms, pa.timestamp("ms", tz="UTC"))


def _hhmm(t: float) -> str:
    return time.strftime("%m-%d %H:%M", time.gmtime(t + 8 * 3600))
