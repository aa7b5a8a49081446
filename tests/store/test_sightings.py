"""Indicators and sightings: unique indicators, idempotent bulk ingest, first/last seen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from jingwang.store.db import session_scope
from jingwang.store.models import Indicator, Sighting
from jingwang.store.repository import (
    SightingIn,
    add_sightings,
    find_indicators,
    store_counts,
    upsert_indicator,
)

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
BEIJING = timezone(timedelta(hours=8))


def _rows(n: int, *, source: str = "posts", distinct: int = 7) -> list[SightingIn]:
    """``n`` sightings over ``distinct`` phones, three per record."""
    return [
        SightingIn(
            kind="phone",
            value=f"+86138000{i % distinct:05d}",
            source=source,
            record_id=f"r{i // 3}",
            start=(i % 3) * 20,
            end=(i % 3) * 20 + 11,
            raw=f"138000{i % distinct:05d}",
            context=f"…加我 138000{i % distinct:05d} 办证…",
            seen_at=T0 + timedelta(minutes=i),
        )
        for i in range(n)
    ]


def test_second_ingest_of_the_same_rows_adds_nothing(store_engine):
    rows = _rows(30)
    with session_scope(store_engine) as session:
        assert add_sightings(session, rows) == 30
    with session_scope(store_engine) as session:
        assert add_sightings(session, rows) == 0
        assert add_sightings(session, rows[:5] + _rows(3, source="forum")) == 3
        counts = store_counts(session)
    assert counts["sightings"] == 33
    assert counts["indicators"] == 7


def test_duplicates_inside_one_batch_count_once(store_engine):
    row = _rows(1)[0]
    with session_scope(store_engine) as session:
        assert add_sightings(session, [row, row, row]) == 1
        assert add_sightings(session, []) == 0


def test_indicator_is_unique_and_tracks_counts_and_first_last_seen(store_engine):
    with session_scope(store_engine) as session:
        add_sightings(session, _rows(14))  # each of 7 phones twice
        early = SightingIn(
            "phone",
            "+8613800000000",
            "tips",
            "t1",
            0,
            11,
            "13800000000",
            "",
            T0 - timedelta(days=2),
        )
        add_sightings(session, [early])
    with session_scope(store_engine) as session:
        indicators = session.scalars(select(Indicator).order_by(Indicator.value)).all()
        assert len(indicators) == 7
        first = indicators[0]
        assert first.value == "+8613800000000"
        assert first.sighting_count == 3
        assert first.first_seen == T0 - timedelta(days=2)
        assert first.last_seen == T0 + timedelta(minutes=7)
        assert first.first_seen.tzinfo is not None
        assert sum(i.sighting_count for i in indicators) == 15


def test_upsert_indicator_returns_one_row_and_widens_seen(store_engine):
    with session_scope(store_engine) as session:
        a = upsert_indicator(session, "domain", "example-bet.com", T0)
        b = upsert_indicator(session, "domain", "example-bet.com", T0 + timedelta(days=1))
        c = upsert_indicator(session, "domain", "example-bet.com", T0 - timedelta(days=1))
        assert a.id == b.id == c.id
        assert c.first_seen == T0 - timedelta(days=1)
        assert c.last_seen == T0 + timedelta(days=1)
        assert c.sighting_count == 0
        other = upsert_indicator(session, "qq", "example-bet.com")  # same value, other kind
        assert other.id != a.id
        assert store_counts(session)["indicators"] == 2


def test_session_objects_see_counts_written_in_bulk(store_engine):
    with session_scope(store_engine) as session:
        phone = upsert_indicator(session, "phone", "+8613800000001", T0)
        assert phone.sighting_count == 0
        add_sightings(session, _rows(7))
        assert phone.sighting_count == 1


def test_times_are_stored_as_utc(store_engine):
    local = datetime(2024, 3, 1, 20, 0, tzinfo=BEIJING)
    row = SightingIn("wechat", "wxid_abc", "chat", "m1", 0, 8, "wxid_abc", "", local)
    with session_scope(store_engine) as session:
        add_sightings(session, [row])
    with session_scope(store_engine) as session:
        sighting = session.scalars(select(Sighting)).one()
        assert sighting.seen_at == local
        assert sighting.seen_at.tzinfo == UTC
        assert sighting.seen_at.hour == 12
        assert sighting.ingested_at.tzinfo == UTC


def test_unknown_seen_at_falls_back_to_ingest_time_for_the_indicator(store_engine):
    row = SightingIn("qq", "5566778", "posts", "r9", 3, 10, "5566778", "QQ 5566778")
    before = datetime.now(UTC)
    with session_scope(store_engine) as session:
        add_sightings(session, [row])
        sighting = session.scalars(select(Sighting)).one()
        assert sighting.seen_at is None
        assert sighting.indicator.first_seen >= before - timedelta(seconds=1)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (SightingIn("qq", "1", "posts", "r", 0, 1, "1", "", datetime(2024, 1, 1)), "naive"),
        (SightingIn("qq", "1", "posts", "r", 5, 2, "1", ""), "bad span"),
        (SightingIn("qq", "1", "", "r", 0, 1, "1", ""), "source"),
        (SightingIn("qq", "", "posts", "r", 0, 1, "1", ""), "empty"),
        (SightingIn("qq", "1", "posts", "r", 0, 1, "1", "a\x00b"), "NUL"),
    ],
)
def test_bad_rows_are_refused_before_anything_is_written(store_engine, row, message):
    with pytest.raises(ValueError, match=message), session_scope(store_engine) as session:
        add_sightings(session, [*_rows(3), row])
    with session_scope(store_engine) as session:
        assert store_counts(session)["sightings"] == 0


def test_large_batch_is_stored_whole(store_engine):
    rows = _rows(12_000, distinct=5_000)
    with session_scope(store_engine) as session:
        assert add_sightings(session, rows) == 12_000
    with session_scope(store_engine) as session:
        assert add_sightings(session, rows) == 0
        counts = store_counts(session)
        assert counts["sightings"] == 12_000
        assert counts["indicators"] == 5_000
        total = sum(session.scalars(select(Indicator.sighting_count)))
        assert total == 12_000


def test_find_indicators_keeps_the_asked_order_and_skips_missing(store_engine):
    with session_scope(store_engine) as session:
        add_sightings(session, _rows(7))
        pairs = [
            ("phone", "+8613800000005"),
            ("qq", "nope"),
            ("phone", "+8613800000001"),
            ("phone", "+8613800000005"),
            ("domain", "+8613800000001"),
        ]
        found = find_indicators(session, pairs)
        assert [(i.kind, i.value) for i in found] == [
            ("phone", "+8613800000005"),
            ("phone", "+8613800000001"),
        ]
        assert find_indicators(session, []) == []
