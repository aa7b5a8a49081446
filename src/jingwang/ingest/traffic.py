"""Store what a log scan found: findings for the knowledge store, sightings for linking.

`store_traffic(engine, scan, source)` writes, in one transaction:

- one finding per cluster of flagged clients that are not flood sources (detector `traffic`,
  record `cluster/<cluster>`): category `scalping` for scalpers, fake crawlers and other bots on
  the platform; its indicators the cluster's addresses, and its accounts' and devices' values
  where they are phone numbers or IMEIs (an account id of the platform's own has no indicator
  kind; the accounts are listed in the evidence);
- one finding per DDoS attack (detector `traffic.ddos`, record `ddos/<start>-<end>`), category
  `hacking`, its indicators the source addresses;
- a sighting of each indicator in its record, so `jingwang link` joins a fleet's proxies to the
  posts and cases that name them.

`store_live_finding` stores one finding `jingwang watch-log` raised (detector `traffic.watch`,
record the client's key), once.

Each finding holds at most `MAX_INDICATORS` addresses (the evidence says how many there were).
Findings are unique on (detector, category, source, record) and sightings on (indicator, source,
record, offset), so storing the same scan again adds nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from jingwang.indicators import InvalidIndicator, canonicalize
from jingwang.ingest.ledgers import RecordLayout
from jingwang.store.db import session_scope
from jingwang.store.repository import add_finding, add_sightings
from jingwang.traffic.scan import Scan
from jingwang.traffic.watch import LiveFinding

MAX_INDICATORS = 2_000
TRAFFIC_SOURCE = "access-log"


@dataclass
class StoredTraffic:
    findings: int = 0
    sightings: int = 0


def _add(rec: RecordLayout, kind: str, raw: str) -> bool:
    try:
        rec.add(kind, canonicalize(kind, raw), raw)
    except InvalidIndicator:
        return False
    return True


def store_traffic(engine: Engine, scan: Scan, source: str) -> StoredTraffic:
    report = StoredTraffic()
    flagged = scan.flagged.to_pylist()
    clusters: dict[str, list[dict]] = defaultdict(list)
    for row in flagged:
        if row["kind"] != "ddos":
            clusters[row["cluster"]].append(row)
    records: list[RecordLayout] = []
    with session_scope(engine) as session:
        for cluster, rows in sorted(clusters.items()):
            seen = min(r["first_seen"] for r in rows)
            rec = RecordLayout(source, f"cluster/{cluster}"[:256], seen)
            ips = sorted({r["ip"] for r in rows if r["ip"]})
            for ip in ips[:MAX_INDICATORS]:
                _add(rec, "ip", ip)
            accounts = sorted({r["account"] for r in rows if r["account"]})
            devices = sorted({r["device"] for r in rows if r["device"]})
            for value in accounts[:MAX_INDICATORS]:     # a platform that logs in by phone
                if len(value) == 11 and value.startswith("1"):
                    _add(rec, "phone", value)
            for value in devices[:MAX_INDICATORS]:
                _add(rec, "device", value)
            if not rec.parts:
                continue
            records.append(rec)
            kinds = sorted({r["kind"] for r in rows})
            rules = sorted({rule for r in rows for rule in r["rules"]})
            best = max(rows, key=lambda r: r["score"])
            add_finding(
                session, "traffic", "scalping", float(best["score"]),
                f"{' / '.join(kinds)}: {len(ips):,} addresses, {len(accounts):,} accounts, "
                f"{len(devices):,} devices acting together — {best['reasons'][:600]}",
                evidence={"kinds": kinds, "rules": rules, "clients": len(rows),
                          "addresses": len(ips), "accounts": accounts[:500],
                          "devices": devices[:500],
                          "requests": sum(r["requests"] for r in rows),
                          "first_seen": seen.isoformat(),
                          "last_seen": max(r["last_seen"] for r in rows).isoformat()},
                source=source, record_id=rec.record_id, observed_at=seen,
                indicators=[(k, v) for k, v, _ in rec.parts])
            report.findings += 1
        for attack in scan.attacks:
            when = datetime.fromtimestamp(attack.start, UTC)
            rec = RecordLayout(source, f"ddos/{attack.key}", when)
            for ip in attack.sources[:MAX_INDICATORS]:
                _add(rec, "ip", ip)
            if not rec.parts:
                continue
            records.append(rec)
            add_finding(
                session, "traffic.ddos", "hacking", 1.0, attack.reason(),
                evidence={"start": when.isoformat(),
                          "end": datetime.fromtimestamp(attack.end, UTC).isoformat(),
                          "peak_rps": attack.peak_rps, "baseline_rps": attack.baseline_rps,
                          "requests": attack.requests, "error_share": attack.error_share,
                          "cache_busting_share": attack.cache_busting_share,
                          "paths": attack.paths[:50], "sources": len(attack.sources)},
                source=source, record_id=rec.record_id, observed_at=when,
                indicators=[(k, v) for k, v, _ in rec.parts])
            report.findings += 1
        report.sightings = add_sightings(session, [s for r in records for s in r.sightings()])
    return report


def store_live_finding(engine: Engine, finding: LiveFinding, source: str) -> None:
    """One live finding: `hacking` for a flood or its source, else `scalping`; its address as
    the indicator (none for a flood, which has many)."""
    indicators = [("ip", finding.ip)] if finding.ip and finding.kind != "ddos_attack" else []
    category = "hacking" if finding.kind in ("ddos", "ddos_attack") else "scalping"
    with session_scope(engine) as session:
        add_finding(session, "traffic.watch", category, finding.score,
                    "; ".join(finding.reasons), evidence=finding.as_dict(), source=source,
                    record_id=finding.key[:256],
                    observed_at=datetime.fromtimestamp(finding.at, UTC),
                    indicators=indicators)
