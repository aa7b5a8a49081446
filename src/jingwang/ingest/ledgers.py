"""Store what a ledger scan found: findings for the knowledge store, sightings for linking.

`store_scan(engine, scan, source)` writes, in one transaction:

- one `money_laundering` finding per flagged account (detector `payments`, record
  `account/<account>`), its indicator the account: a `bank_card` when the number is a valid
  card, else a `payment_account`;
- one finding per structure instance (detector `payments.structures`, record
  `<typology>/<instance key>`), its indicators the accounts money passed through in it (the
  scan's `inner_accounts`; every account when the table has no such column);
- one finding per identity-kit cluster of flagged accounts when an identity table is given
  (detector `payments.identities`, record `kit/<cluster>`), its indicators the accounts and the
  shared ID card, phone and device;
- a sighting of each of those indicators in that record, so `jingwang link` joins the accounts
  of one channel together and to the posts and cases that name the same cards.

Findings are unique on (detector, category, source, record) and sightings on (indicator, source,
record, offset), so scanning the same ledger again under the same source adds nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine

from jingwang.indicators import InvalidIndicator, canonicalize
from jingwang.store.db import session_scope
from jingwang.store.repository import SightingIn, add_finding, add_sightings

CATEGORY = "money_laundering"


@dataclass
class StoredScan:
    findings: int = 0
    sightings: int = 0
    skipped_values: int = 0


def account_indicator(account: str) -> tuple[str, str] | None:
    """(kind, canonical value) for a ledger account: a bank card when it is one, else a payment
    account; None when it is neither (too short, odd characters)."""
    for kind in ("bank_card", "payment_account"):
        try:
            return kind, canonicalize(kind, account)
        except InvalidIndicator:
            continue
    return None


class RecordLayout:
    """The indicators of one record, laid out as text "a → b → c" so each has its own span."""

    def __init__(self, source: str, record_id: str, seen_at: datetime | None) -> None:
        self.source, self.record_id, self.seen_at = source, record_id, seen_at
        self.parts: list[tuple[str, str, str]] = []

    def add(self, kind: str, value: str, raw: str) -> None:
        if (kind, value, raw) not in self.parts:
            self.parts.append((kind, value, raw))

    def sightings(self) -> list[SightingIn]:
        text = " → ".join(raw for _, _, raw in self.parts)
        out, pos = [], 0
        for kind, value, raw in self.parts:
            out.append(SightingIn(kind, value, self.source, self.record_id, pos, pos + len(raw),
                                  raw, text[:500], self.seen_at))
            pos += len(raw) + 3
        return out


def store_scan(engine: Engine, accounts: pa.Table, structures: pa.Table, source: str,
               identities: pa.Table | None = None, registry: pa.Table | None = None
               ) -> StoredScan:
    """Write the findings and sightings above (see the module docstring); returns the counts.

    `accounts` is the scan's account table, `identities` the `identity_reuse` table and
    `registry` the accounts table it was computed from (`ACCOUNTS_SCHEMA`: the shared values)."""
    report = StoredScan()
    records: list[RecordLayout] = []
    with session_scope(engine) as session:
        for row in accounts.filter(accounts["flagged"]).to_pylist():
            ind = account_indicator(row["account"])
            if ind is None:
                report.skipped_values += 1
                continue
            rec = RecordLayout(source, f"account/{row['account']}", None)
            rec.add(*ind, row["account"])
            records.append(rec)
            add_finding(session, "payments", CATEGORY, float(row["score"]), row["reason"],
                        evidence={"typologies": row["typologies"], "n_txns": row["n_txns"],
                                  "n_flagged_txns": row["n_flagged_txns"]},
                        source=source, record_id=rec.record_id, indicators=[ind])
            report.findings += 1
        for row in structures.to_pylist():
            key = f"{row['typology']}/{row['group_key']}"[:256]
            rec = RecordLayout(source, key, row["start"])
            for a in row.get("inner_accounts") or row["accounts"]:
                ind = account_indicator(a)
                if ind is None:
                    report.skipped_values += 1
                else:
                    rec.add(*ind, a)
            if not rec.parts:
                continue
            records.append(rec)
            add_finding(session, "payments.structures", CATEGORY, 1.0, row["reason"],
                        evidence={"typology": row["typology"], "txn_ids": row["txn_ids"][:200],
                                  "total": row["total"]},
                        source=source, record_id=rec.record_id, observed_at=rec.seen_at,
                        indicators=[(k, v) for k, v, _ in rec.parts])
            report.findings += 1
        if identities is not None:
            _store_kits(session, identities, registry, source, records, report)
        report.sightings = add_sightings(session, [s for r in records for s in r.sightings()])
    return report


_KIT_COLUMNS = (("id_card", "owner_id_card", "shared_id_card"),
                ("phone", "registration_phone", "shared_phone"),
                ("device", "device", "shared_device"))


def _store_kits(session, identities: pa.Table, registry: pa.Table | None, source: str,
                records: list[RecordLayout], report: StoredScan) -> None:
    """One finding per flagged identity cluster: its accounts and the identity values two or more
    of them share (from `registry`)."""
    values: dict[str, dict] = {}
    if registry is not None:
        flagged = identities.filter(identities["flagged"])["account"]
        rows = registry.filter(pc.is_in(registry["account"], flagged)).to_pylist()
        values = {r["account"]: r for r in rows}
    clusters: dict[str, list[dict]] = {}
    for row in identities.filter(identities["flagged"]).to_pylist():
        clusters.setdefault(row["cluster"], []).append(row)
    for cluster, rows in sorted(clusters.items()):
        rec = RecordLayout(source, f"kit/{cluster}", None)
        for row in rows:
            ind = account_indicator(row["account"])
            if ind is not None:
                rec.add(*ind, row["account"])
            reg = values.get(row["account"], {})
            for kind, column, shared in _KIT_COLUMNS:
                raw = reg.get(column)
                if not raw or row[shared] < 1:
                    continue
                try:
                    rec.add(kind, canonicalize(kind, raw), raw)
                except InvalidIndicator:
                    report.skipped_values += 1
        if not rec.parts:
            continue
        records.append(rec)
        typologies = sorted({t for r in rows for t in r["typologies"]})
        add_finding(session, "payments.identities", CATEGORY, 1.0,
                    f"{len(rows)} accounts opened on one identity kit: " + rows[0]["reason"],
                    evidence={"typologies": typologies, "accounts": [r["account"] for r in rows]},
                    source=source, record_id=rec.record_id,
                    indicators=[(k, v) for k, v, _ in rec.parts])
        report.findings += 1
