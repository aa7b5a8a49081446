"""Ingest text records: extract their indicators and store each as a sighting, idempotently.

The whole file is one batch: every record is read, validated and extracted before anything is
committed, inside one transaction, so bad input loses nothing already stored and stores nothing
half.  Sightings are keyed by (indicator, source, record, position), so ingesting the same file
again adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jingwang.indicators import extract_indicators
from jingwang.ingest.records import TextRecord
from jingwang.store.repository import SightingIn, add_sightings

CONTEXT_CHARS = 40
_BATCH = 5000


@dataclass(slots=True)
class IngestReport:
    """What one ingest did: records read, indicators extracted, sightings that were new."""

    source: str
    records: int = 0
    extracted: int = 0
    new_sightings: int = 0
    distinct_indicators: int = 0


def context_around(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The text around a span, on one line, with '…' where it was cut."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    snippet = text[lo:hi].replace("\r", " ").replace("\n", " ")
    return ("…" if lo > 0 else "") + snippet + ("…" if hi < len(text) else "")


def sightings_of(record: TextRecord, source: str) -> list[SightingIn]:
    """The sightings one record yields: one per indicator occurrence."""
    return [
        SightingIn(kind=e.kind, value=e.value, source=source, record_id=record.record_id,
                   start=e.start, end=e.end, raw=e.raw,
                   context=context_around(record.text, e.start, e.end),
                   seen_at=record.observed_at)
        for e in extract_indicators(record.text)
    ]


def ingest_text(session: Session, records: Iterable[TextRecord], source: str,
                progress: Callable[[int], None] | None = None) -> IngestReport:
    """Extract and store the indicators of `records` under `source`; the caller commits."""
    if not source.strip():
        raise ValueError("a source name is required")
    report = IngestReport(source=source)
    pending: list[SightingIn] = []
    distinct: set[tuple[str, str]] = set()
    for record in records:
        rows = sightings_of(record, source)
        report.records += 1
        report.extracted += len(rows)
        distinct.update((r.kind, r.value) for r in rows)
        pending.extend(rows)
        if len(pending) >= _BATCH:
            report.new_sightings += add_sightings(session, pending)
            pending.clear()
        if progress is not None:
            progress(1)
    if pending:
        report.new_sightings += add_sightings(session, pending)
    report.distinct_indicators = len(distinct)
    return report
