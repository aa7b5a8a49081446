"""Citizen reports (举报) read from a file kept as reports the analysts triage in the console,
beside the sightings `ingest_text` stores for their indicators.

A record's id is the report's number; storing the same file again adds nothing.  The reporter's
claimed category (``category`` or ``category_claimed``), ``contact`` and ``region_code`` come
from the record's other fields when present; a category that is not a 净网 code is dropped
(citizens pick loosely), a region code that is not six digits too.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.categories import CATEGORIES
from jingwang.ingest.records import TextRecord
from jingwang.store.models import Report
from jingwang.store.timeutil import utcnow


def _field(record: TextRecord, *names: str) -> str | None:
    for name in names:
        value = record.extra.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def store_reports(session: Session, records: Iterable[TextRecord]) -> int:
    """Keep each record as a :class:`~jingwang.store.models.Report`; how many were new."""
    records = [r for r in records if r.text.strip()]
    ids = [r.record_id for r in records]
    known = set()
    for start in range(0, len(ids), 500):
        known |= set(session.scalars(select(Report.record_id)
                                     .where(Report.record_id.in_(ids[start:start + 500]))))
    added = 0
    for record in records:
        if record.record_id in known:
            continue
        known.add(record.record_id)
        category = _field(record, "category", "category_claimed")
        region = _field(record, "region_code")
        session.add(Report(
            record_id=record.record_id[:64], text=record.text.strip(),
            category=category if category in CATEGORIES else None,
            region_code=region if region and region.isdigit() and len(region) == 6 else None,
            contact=(_field(record, "contact") or "")[:256] or None,
            received_at=record.observed_at or utcnow()))
        added += 1
    session.flush()
    return added
