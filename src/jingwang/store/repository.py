"""Reading and writing the knowledge store: the functions every other package calls.

Each function takes an open :class:`~sqlalchemy.orm.Session` and never commits: the caller's
:func:`jingwang.store.db.session_scope` makes one batch all-or-nothing. Writes are idempotent
where the data model has a natural key (indicator ``(kind, value)``, sighting
``(indicator, source, record, start)``, finding ``(detector, category, source, record)``,
case number, gang key, unit code), so ingesting the same data twice adds nothing.

This module is the one to import; the work is done in :mod:`~jingwang.store.sightings`
(indicators and sightings), :mod:`~jingwang.store.linked` (findings, cases, gangs),
:mod:`~jingwang.store.directory` (units, users, audit), :mod:`~jingwang.store.clue_flow`
(clue lifecycle) and :mod:`~jingwang.store.profile` (what is known about one indicator).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwang.store.clue_flow import ALLOWED_TRANSITIONS, change_clue_status, create_clue
from jingwang.store.directory import add_unit, add_user, record_audit
from jingwang.store.linked import (
    CaseIn,
    CaseUpsertCounts,
    GangMemberIn,
    IndicatorRef,
    add_finding,
    upsert_case,
    upsert_cases,
    upsert_gang,
)
from jingwang.store.models import Base
from jingwang.store.profile import GangLink, IndicatorProfile, SightingView, indicator_profile
from jingwang.store.sightings import (
    SightingIn,
    _expire_indicators,
    _upsert_indicator_rows,
    add_sightings,
    find_indicators,
    iter_source_sightings,
    most_sighted,
    upsert_indicator,
)
from jingwang.store.timeutil import as_utc, utcnow

__all__ = [
    "ALLOWED_TRANSITIONS",
    "CaseIn",
    "CaseUpsertCounts",
    "GangLink",
    "GangMemberIn",
    "IndicatorProfile",
    "IndicatorRef",
    "SightingIn",
    "SightingView",
    "add_finding",
    "add_sightings",
    "add_unit",
    "add_user",
    "change_clue_status",
    "create_clue",
    "find_indicators",
    "indicator_profile",
    "iter_source_sightings",
    "most_sighted",
    "record_audit",
    "store_counts",
    "upsert_case",
    "upsert_cases",
    "upsert_gang",
    "upsert_indicator",
    "upsert_indicators",
]


def store_counts(session: Session) -> dict[str, int]:
    """Rows in every table of the store, by table name (``jingwang stats``)."""
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def upsert_indicators(
    session: Session, seen: Mapping[tuple[str, str], datetime | None]
) -> dict[tuple[str, str], int]:
    """Create the indicators ``(kind, value)`` not yet stored, in bulk; ``{pair: id}``.

    ``seen`` maps each canonical pair to when it was seen (aware; ``None``: now), which widens
    its first/last seen. One set-based statement per 20k pairs, for importers that link many
    indicators at once (:func:`upsert_indicator` is the one-at-a-time form).
    """
    now = utcnow()
    spans = {pair: (as_utc(when), as_utc(when)) if when is not None else (now, now)
             for pair, when in seen.items()}
    ids = _upsert_indicator_rows(session, spans)
    _expire_indicators(session)
    return ids
