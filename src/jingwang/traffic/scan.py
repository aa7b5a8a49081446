"""One pass over access logs: read, find the releases, sum up every client, find the floods,
and judge each client.

`scan_logs(paths, …)` streams the files into a DuckDB table (spilling to a scratch folder past
`memory_limit`), then:

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

from jingwang.traffic.agents import AgentBook, CrawlerRanges
from jingwang.traffic.ddos import Attack, DdosOptions, find_attacks
from jingwang.traffic.features import KEYS, FeatureOptions, entity_features, mark_lines
from jingwang.traffic.logformat import LogFormat
from jingwang.traffic.read import LINES_SCHEMA, IdSpec, LogReader, ParseReport
from jingwang.traffic.releases import infer_releases, read_releases
from jingwang.traffic.score import FLAG_AT, RULES, Verdict, kind_of, score_entities

CLIENTS_SCHEMA = pa.schema([
    ("ip", pa.string()), ("account", pa.string()), ("session", pa.string()),
    ("device", pa.string()), ("requests", pa.int64()),
    ("first_seen", pa.timestamp("ms", tz="UTC")),
    ("last_seen", pa.timestamp("ms", tz="UTC")),
    ("score", pa.float64()), ("flagged", pa.bool_()), ("kind", pa.string()),
    ("rules", pa.list_(pa.string())), ("reasons", pa.string()), ("cluster", pa.string()),
])
STAGES = ("read", "releases", "agents", "features", "ddos", "verdicts")


@dataclass
class ScanOptions:
    features: FeatureOptions = field(default_factory=FeatureOptions)
    ddos: DdosOptions = field(default_factory=DdosOptions)
    memory_limit: str = "4GB"
    threads: int | None = None


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

    with tempfile.TemporaryDirectory(prefix="jingwang-traffic-") as scratch:
        duck = duckdb.connect(config={"memory_limit": opt.memory_limit,
                                      "temp_directory": scratch,
                                      **({"threads": opt.threads} if opt.threads else {})})
        duck.execute("CREATE TABLE lines (" + ", ".join(
            f"{f.name} {_duck_type(f.type)}" for f in LINES_SCHEMA) + ")")
        reader = LogReader(fmt, ids)
        for batch in reader.batches(paths):
            duck.register("batch_view", pa.Table.from_batches([batch]))
            duck.execute("INSERT INTO lines SELECT * FROM batch_view")
            duck.unregister("batch_view")
            if progress:
                progress("read", batch.num_rows)
        done("read")
        inferred = schedule is None
        if schedule is None:
            times = duck.execute(
                "SELECT t FROM lines WHERE method = 'POST' AND regexp_matches(path, ?)",
                [opt.features.book_pattern]).fetchnumpy()["t"]
            schedule = infer_releases(np.asarray(times, dtype=np.float64))
        done("releases")
        ranges = CrawlerRanges(dns=Path(crawler_dns) if crawler_dns else None)
        book = AgentBook(ranges)
        agents = duck.execute("SELECT DISTINCT ua FROM lines").fetchnumpy()["ua"].tolist()
        kinds = [book.classify(ua) for ua in agents]
        table = pa.table({"ua": agents, "kind": [k.kind for k in kinds],
                          "operator": [k.operator for k in kinds]},
                         schema=pa.schema([("ua", pa.string()), ("kind", pa.string()),
                                           ("operator", pa.string())]))
        mark_lines(duck, schedule, table, opt.features)
        fake, verified = _crawler_claims(duck, ranges)
        done("agents")
        present = [k for k in KEYS if k == "ip" or duck.execute(
            f"SELECT count(*) FROM lines WHERE {k} <> ''").fetchone()[0]]
        feats = {k: entity_features(duck, k, opt.features) for k in present}
        done("features")
        attacks = find_attacks(duck, schedule, opt.ddos)
        sources = {ip: f"a source of the flood at {_hhmm(a.start)}–{_hhmm(a.end)} "
                       f"({len(a.sources):,} addresses; {', '.join(a.paths[:3])})"
                   for a in attacks for ip in a.sources}
        done("ddos")
        verdicts = {k: score_entities(k, feats[k], opt.features, fake, verified, sources)
                    for k in present}
        rows = duck.execute("""
            SELECT ip, account, session, device, count(*) AS requests, min(t) AS first_t,
                   max(t) AS last_t FROM lines GROUP BY ALL""").fetch_arrow_table()
        duck.close()
    clients = _clients(rows, verdicts, verified, present)
    done("verdicts")
    return Scan(clients, attacks, reader.report, schedule, inferred, timings)


def _crawler_claims(duck: duckdb.DuckDBPyConnection, ranges: CrawlerRanges
                    ) -> tuple[dict[str, str], set[str]]:
    """Addresses that claim a search engine's crawler: the fakes (with the reason) and the
    verified ones."""
    claims = duck.execute("""
        SELECT DISTINCT l.ip, a.operator FROM lines l JOIN agent_kinds a ON a.ua = l.ua
        WHERE a.kind = 'crawler'""").fetchall()
    fake: dict[str, str] = {}
    verified: set[str] = set()
    dates = ranges.list_dates()
    for ip, operator in claims:
        if ranges.verify(ip, operator):
            verified.add(ip)
        else:
            fake[ip] = (f"calls itself {operator}'s crawler from an address outside "
                        f"{operator}'s published ranges (list of {dates.get(operator, '?')})")
    for ip in verified:            # one address both real and fake: real wins, never banned
        fake.pop(ip, None)
    return fake, verified


def _clients(rows: pa.Table, verdicts: dict[str, dict[str, Verdict]], verified: set[str],
             present: list[str]) -> pa.Table:
    cols = {k: rows.column(k).to_pylist() for k in KEYS}
    n = rows.num_rows
    nets = _bot_networks(cols["ip"], verdicts["ip"])
    scores = np.zeros(n)
    kinds, rules_out, reasons_out = [], [], []
    for i in range(n):
        rules: dict[str, None] = {}
        reasons = []
        net = nets.get(_net(cols["ip"][i]))
        own = verdicts["ip"].get(cols["ip"][i])
        if net and (own is None or own.score < FLAG_AT):
            rules.setdefault("bot_network")
            reasons.append((RULES["bot_network"].weight, f"ip {cols['ip'][i]}: {net}"))
        for k in present:
            value = cols[k][i]
            v = verdicts[k].get(value) if value else None
            if v is None:
                continue
            for rule, text in zip(v.rules, v.reasons, strict=True):
                rules.setdefault(rule)
                reasons.append((RULES[rule].weight, f"{k} {value}: {text}"))
        is_real = cols["ip"][i] in verified
        score = 0.0 if is_real or not rules else float(
            1 - np.prod([1 - RULES[r].weight for r in rules]))
        scores[i] = score
        kinds.append(kind_of(set(rules), is_real) if score >= FLAG_AT or is_real else
                     "human")
        rules_out.append(list(rules))
        reasons_out.append("; ".join(text for _, text in sorted(reasons, key=lambda r: -r[0])))
    flagged = scores >= FLAG_AT
    clusters = _clusters(cols, flagged)
    table = pa.table({
        **{k: rows.column(k) for k in KEYS}, "requests": rows.column("requests"),
        "first_seen": _ts(rows.column("first_t")), "last_seen": _ts(rows.column("last_t")),
        "score": pa.array(np.round(scores, 4)), "flagged": pa.array(flagged),
        "kind": pa.array(kinds, pa.string()), "rules": pa.array(rules_out,
                                                                 pa.list_(pa.string())),
        "reasons": pa.array(reasons_out, pa.string()), "cluster": pa.array(clusters,
                                                                          pa.string()),
    }, schema=CLIENTS_SCHEMA)
    order = np.lexsort((np.array(cols["ip"], dtype=object).astype(str), -scores))
    return table.take(pa.array(order))


def _net(ip: str) -> str:
    return ip.rsplit(".", 1)[0] if ip.count(".") == 3 else ""


def _bot_networks(ips: list[str], verdicts: dict[str, Verdict]) -> dict[str, str]:
    """/24 networks where most addresses seen are flagged bots (a proxy block): the reason."""
    seen: dict[str, set[str]] = {}
    for ip in set(ips):
        seen.setdefault(_net(ip), set()).add(ip)
    out = {}
    for net, members in seen.items():
        bad = sum(1 for ip in members if ip in verdicts and verdicts[ip].score >= FLAG_AT)
        if net and bad >= 5 and bad >= 0.5 * len(members):
            out[net] = (f"in {net}.0/24, where {bad} of the {len(members)} addresses seen "
                        f"are flagged bots")
    return out


def _clusters(cols: dict[str, list], flagged: np.ndarray) -> list[str]:
    """Flagged rows that share an address, account, session or device: one cluster each,
    named after its smallest member value."""
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    members: list[list[str]] = []
    for i in np.flatnonzero(flagged).tolist():
        values = [f"{k}:{cols[k][i]}" for k in KEYS if cols[k][i]]
        members.append(values)
        for v in values[1:]:
            ra, rb = find(values[0]), find(v)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    out = [""] * len(flagged)
    for i, values in zip(np.flatnonzero(flagged).tolist(), members, strict=True):
        out[i] = find(values[0])
    return out


def _ts(col: pa.ChunkedArray) -> pa.Array:
    ms = np.round(np.nan_to_num(col.to_numpy(zero_copy_only=False)) * 1000).astype(np.int64)
    return pa.array(ms, pa.timestamp("ms", tz="UTC"))


def _hhmm(t: float) -> str:
    return time.strftime("%m-%d %H:%M", time.gmtime(t + 8 * 3600))


def _duck_type(t: pa.DataType) -> str:
    return {pa.int16(): "SMALLINT", pa.int64(): "BIGINT", pa.float64(): "DOUBLE",
            pa.float32(): "FLOAT"}.get(t, "VARCHAR")
