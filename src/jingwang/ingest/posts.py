"""Ingest posts and chat: the indicators as sightings (as :func:`ingest_text` does) and each
category the content classifier finds as a finding of detector ``content``, idempotently.

A finding carries the score, the explanation (the cues in the text's own words), the urgency and
its reason in its evidence, the record's indicators, and the record's time.  Findings are keyed
by (detector, category, source, record), so ingesting the same file again adds nothing, and a
changed classifier updates the findings it still makes.  :func:`store_post` stores one post at a
time, for `jingwang watch`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from jingwang.content import ContentResult, classify_many
from jingwang.content.kb import load_kb
from jingwang.ingest.records import TextRecord
from jingwang.ingest.text import IngestReport, ingest_text
from jingwang.store.linked import add_finding

DETECTOR = "content"


@dataclass
class PostsReport:
    """What one ingest of posts did: the sightings, and the findings by category."""

    text: IngestReport
    findings: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    immediate: list[str] = field(default_factory=list)  # record ids with an immediate finding


def store_findings(session: Session, record: TextRecord, result: ContentResult,
                   source: str) -> int:
    """One finding per category of ``result``; how many."""
    indicators = [(i.kind, i.value) for i in result.indicators]
    for category in result.categories:
        add_finding(session, DETECTOR, category.category, min(1.0, category.score),
                    category.explanation,
                    evidence={"urgency": result.urgency, "urgency_reason": result.urgency_reason,
                              "text": record.text[:2000]},
                    source=source, record_id=record.record_id, observed_at=record.observed_at,
                    indicators=indicators)
    return len(result.categories)


def ingest_posts(session: Session, records: Iterable[TextRecord], source: str = "posts",
                 layers: str = "fast") -> PostsReport:
    """Sightings and findings of ``records`` under ``source``; the caller commits."""
    records = list(records)
    report = PostsReport(ingest_text(session, records, source))
    kb = load_kb()
    for record, result in zip(records, classify_many((r.text for r in records), kb,
                                                     layers=layers), strict=True):
        report.findings += store_findings(session, record, result, source)
        for category in result.labels:
            report.by_category[category] = report.by_category.get(category, 0) + 1
        if result.urgency == "immediate":
            report.immediate.append(record.record_id)
    return report


def store_post(session: Session, record: TextRecord, result: ContentResult,
               source: str = "posts") -> None:
    """One post already classified: its sightings and findings (the caller commits)."""
    ingest_text(session, [record], source)
    store_findings(session, record, result, source)
