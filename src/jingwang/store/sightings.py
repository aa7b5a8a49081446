"""Indicators and their sightings: bulk, idempotent ingest and lookup by ``(kind, value)``.

Writes are set-based ``INSERT … ON CONFLICT`` statements (executemany on SQLite, one statement
over ``unnest``-ed arrays per 20k rows on PostgreSQL), so a batch of 100k sightings takes
seconds, and storing the same sightings again adds nothing. Import these from
:mod:`jingwang.store.repository`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import and_, bindparam, case, func, or_, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jingwang.store.errors import StoreError
from jingwang.store.models import Indicator, Sighting
from jingwang.store.timeutil import as_utc, utcnow

_CHUNK = 500  # values per IN (...) lookup
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class SightingIn:
    """One indicator found in one source record, as a detector or extractor hands it over.

    ``value`` is canonical; ``raw`` is the text as written; ``start``/``end`` are character
    offsets of ``raw`` in the record; ``context`` is the text around it. ``seen_at`` is when
    the record was written or observed (aware datetime), ``None`` when unknown.
    """

    kind: str
    value: str
    source: str
    record_id: str
    start: int
    end: int
    raw: str
    context: str = ""
    seen_at: datetime | None = None


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _backend(session: Session) -> str:
    name = session.get_bind().dialect.name
    if name not in ("sqlite", "postgresql"):
        raise StoreError(f"the knowledge store runs on SQLite or PostgreSQL, not {name}")
    return name


def _expire_indicators(session: Session) -> None:
    """Reload indicators this session holds: Core statements changed them behind its back."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Indicator):
            session.expire(obj, ["first_seen", "last_seen", "sighting_count"])


# PostgreSQL: one statement per chunk with each column passed as an array and unnest()ed. Far
# faster than a multi-row VALUES list, whose tens of thousands of placeholders psycopg has to
# parse on the client for every statement.
_PG_UPSERT_INDICATORS = text(
    """
    INSERT INTO indicators (kind, value, first_seen, last_seen, sighting_count)
    SELECT t.kind, t.value, t.first_seen, t.last_seen, 0
    FROM unnest(CAST(:kind AS text[]), CAST(:value AS text[]),
                CAST(:first_seen AS timestamptz[]), CAST(:last_seen AS timestamptz[]))
         AS t(kind, value, first_seen, last_seen)
    ON CONFLICT (kind, value) DO UPDATE
    SET first_seen = LEAST(indicators.first_seen, excluded.first_seen),
        last_seen = GREATEST(indicators.last_seen, excluded.last_seen)
    RETURNING id, kind, value
    """
)
_PG_INSERT_SIGHTINGS = text(
    """
    INSERT INTO sightings
        (indicator_id, source, record_id, start, "end", raw, context, seen_at, ingested_at)
    SELECT * FROM unnest(
        CAST(:indicator_id AS integer[]), CAST(:source AS text[]), CAST(:record_id AS text[]),
        CAST(:start AS integer[]), CAST(:end AS integer[]), CAST(:raw AS text[]),
        CAST(:context AS text[]), CAST(:seen_at AS timestamptz[]),
        CAST(:ingested_at AS timestamptz[]))
    ON CONFLICT (indicator_id, source, record_id, start) DO NOTHING
    RETURNING indicator_id
    """
)
_PG_BUMP_COUNTS = text(
    """
    UPDATE indicators SET sighting_count = indicators.sighting_count + t.n
    FROM unnest(CAST(:id AS integer[]), CAST(:n AS integer[])) AS t(id, n)
    WHERE indicators.id = t.id
    """
)
_PG_CHUNK = 20_000  # rows per array statement


def _pg_columns(rows: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    return {name: [row[name] for row in rows] for name in rows[0]}


def _upsert_indicator_rows(
    session: Session, spans: dict[tuple[str, str], tuple[datetime, datetime]]
) -> dict[tuple[str, str], int]:
    """Insert missing indicators, widen the first/last seen of the others; ``{key: id}``."""
    params = []
    for (kind, value), (first, last) in spans.items():
        if not kind or not value:
            raise ValueError(f"indicator kind and value must not be empty: {kind!r}, {value!r}")
        params.append({"kind": kind, "value": value, "first_seen": first, "last_seen": last})
    if not params:
        return {}
    if _backend(session) == "postgresql":
        ids: dict[tuple[str, str], int] = {}
        for chunk in _chunks(params, _PG_CHUNK):
            result = session.execute(_PG_UPSERT_INDICATORS, _pg_columns(chunk))
            ids.update(((kind, value), id_) for id_, kind, value in result)
        return ids
    table = Indicator.__table__
    ins = sqlite_insert(table)
    new = ins.excluded
    stmt = ins.on_conflict_do_update(
        index_elements=[table.c.kind, table.c.value],
        set_={
            "first_seen": case(
                (new.first_seen < table.c.first_seen, new.first_seen), else_=table.c.first_seen
            ),
            "last_seen": case(
                (new.last_seen > table.c.last_seen, new.last_seen), else_=table.c.last_seen
            ),
        },
    ).returning(table.c.id, table.c.kind, table.c.value)
    for row in params:
        row["sighting_count"] = 0
    return {(kind, value): id_ for id_, kind, value in session.execute(stmt, params)}


def _insert_sighting_rows(session: Session, params: list[dict[str, Any]]) -> Counter[int]:
    """Insert sightings not yet stored; new sightings per indicator id."""
    added: Counter[int] = Counter()
    if _backend(session) == "postgresql":
        for chunk in _chunks(params, _PG_CHUNK):
            added.update(
                iid for (iid,) in session.execute(_PG_INSERT_SIGHTINGS, _pg_columns(chunk))
            )
        return added
    table = Sighting.__table__
    stmt = (
        sqlite_insert(table)
        .on_conflict_do_nothing(
            index_elements=[table.c.indicator_id, table.c.source, table.c.record_id, table.c.start]
        )
        .returning(table.c.indicator_id)
    )
    added.update(iid for (iid,) in session.execute(stmt, params))
    return added


def _bump_counts(session: Session, added: Counter[int]) -> None:
    if not added:
        return
    if _backend(session) == "postgresql":
        items = list(added.items())
        for chunk in _chunks(items, _PG_CHUNK):
            session.execute(
                _PG_BUMP_COUNTS, {"id": [i for i, _ in chunk], "n": [n for _, n in chunk]}
            )
        return
    table = Indicator.__table__
    bump = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(sighting_count=table.c.sighting_count + bindparam("b_n"))
    )
    session.execute(bump, [{"b_id": i, "b_n": n} for i, n in added.items()])


def upsert_indicator(
    session: Session, kind: str, value: str, seen_at: datetime | None = None
) -> Indicator:
    """The indicator ``(kind, value)``, created when new; ``seen_at`` (default now) widens its
    first/last seen. ``value`` must already be canonical (see :mod:`jingwang.indicators`)."""
    when = as_utc(seen_at) if seen_at is not None else utcnow()
    ids = _upsert_indicator_rows(session, {(kind, value): (when, when)})
    indicator = session.get(Indicator, ids[(kind, value)], populate_existing=True)
    assert indicator is not None
    return indicator


def _check_sighting(row: SightingIn) -> None:
    if not row.source or not row.record_id:
        raise ValueError(f"sighting of {row.kind}:{row.value} needs a source and a record_id")
    if "\x00" in row.value or "\x00" in row.raw or "\x00" in row.context:
        raise ValueError(
            f"sighting in {row.source}#{row.record_id}: text holds a NUL byte (strip it first)"
        )
    if row.start < 0 or row.end < row.start:
        raise ValueError(
            f"sighting of {row.kind}:{row.value} in {row.source}#{row.record_id}:"
            f" bad span {row.start}..{row.end}"
        )


def add_sightings(session: Session, rows: Iterable[SightingIn]) -> int:
    """Store sightings in bulk, creating their indicators; returns how many were new.

    Idempotent: a sighting already stored (same indicator, source, record and start) is
    skipped, so ingesting the same records again returns 0. Updates each indicator's first/last
    seen and sighting count. Uses set-based ``INSERT … ON CONFLICT`` statements, so 100k rows
    are one call of a few seconds.
    """
    now = utcnow()
    spans: dict[tuple[str, str], tuple[datetime, datetime]] = {}
    unique: dict[tuple[str, str, str, str, int], tuple[SightingIn, datetime | None]] = {}
    for row in rows:
        _check_sighting(row)
        seen = as_utc(row.seen_at) if row.seen_at is not None else None
        when = seen or now
        key = (row.kind, row.value)
        span = spans.get(key)
        spans[key] = (min(span[0], when), max(span[1], when)) if span else (when, when)
        unique.setdefault((row.kind, row.value, row.source, row.record_id, row.start), (row, seen))
    if not unique:
        return 0
    ids = _upsert_indicator_rows(session, spans)
    params = [
        {
            "indicator_id": ids[(row.kind, row.value)],
            "source": row.source,
            "record_id": row.record_id,
            "start": row.start,
            "end": row.end,
            "raw": row.raw,
            "context": row.context,
            "seen_at": seen,
            "ingested_at": now,
        }
        for row, seen in unique.values()
    ]
    added = _insert_sighting_rows(session, params)
    _bump_counts(session, added)
    _expire_indicators(session)
    return sum(added.values())


def find_indicators(session: Session, pairs: Iterable[tuple[str, str]]) -> list[Indicator]:
    """The stored indicators among ``(kind, value)`` pairs, in the order asked; missing ones
    are left out."""
    wanted = list(dict.fromkeys(pairs))
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, value in wanted:
        by_kind[kind].append(value)
    found: dict[tuple[str, str], Indicator] = {}
    if len(wanted) <= _CHUNK:
        # One query for a search's few readings (a phone, a QQ and a WeChat id of one string):
        # a round trip per kind was a third of a search's time on PostgreSQL.
        conditions = [and_(Indicator.kind == kind, Indicator.value.in_(values))
                      for kind, values in by_kind.items()]
        queries = [select(Indicator).where(or_(*conditions))] if conditions else []
    else:
        queries = [select(Indicator).where(Indicator.kind == kind, Indicator.value.in_(chunk))
                   for kind, values in by_kind.items() for chunk in _chunks(values, _CHUNK)]
    for query in queries:
        for indicator in session.scalars(query):
            found[(indicator.kind, indicator.value)] = indicator
    return [found[pair] for pair in wanted if pair in found]


def iter_source_sightings(session: Session, source: str) -> Iterator[tuple[str, str, str]]:
    """Every ``(record_id, kind, value)`` stored from ``source``: what evaluation scores."""
    stmt = (
        select(Sighting.record_id, Indicator.kind, Indicator.value)
        .join(Indicator, Indicator.id == Sighting.indicator_id)
        .where(Sighting.source == source)
        .execution_options(yield_per=10_000)
    )
    for row in session.execute(stmt):
        yield (row[0], row[1], row[2])


def most_sighted(session: Session, limit: int = 5) -> list[tuple[str, str, int, int]]:
    """The indicators seen in the most sources, then records: ``(kind, value, sources,
    records)``. The first thing an analyst asks of a new store: which contacts recur."""
    sources = func.count(func.distinct(Sighting.source))
    records = func.count(func.distinct(Sighting.record_id))
    stmt = (
        select(Indicator.kind, Indicator.value, sources, records)
        .join(Sighting, Sighting.indicator_id == Indicator.id)
        .group_by(Indicator.id, Indicator.kind, Indicator.value)
        .order_by(sources.desc(), records.desc(), Indicator.kind, Indicator.value)
        .limit(limit)
    )
    return [(k, v, int(s), int(r)) for k, v, s, r in session.execute(stmt)]
