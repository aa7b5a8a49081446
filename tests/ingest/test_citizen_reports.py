"""Citizen reports from a file kept whole for triage: fields, dropped bad values, idempotence."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from jingwang.ingest.citizen_reports import store_reports
from jingwang.ingest.records import TextRecord
from jingwang.store.db import init_store, open_store, session_scope
from jingwang.store.models import Report

WHEN = dt.datetime(2026, 9, 27, 12, 10, tzinfo=dt.UTC)


def _records() -> list[TextRecord]:
    return [
        TextRecord("R1", "有人招跑分车手，加V fahong1371", 1, WHEN,
                   {"category_claimed": "money_laundering", "contact": "152****",
                    "region_code": "320602"}),
        TextRecord("R2", "群里卖个人信息", 2, None, {"category_claimed": "卖数据",
                                                "region_code": "32"}),
        TextRecord("R3", "   ", 3, WHEN, {}),
    ]


def test_reports_are_kept_once_with_their_fields(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    init_store(url)
    engine = open_store(url)
    with session_scope(engine) as s:
        assert store_reports(s, _records()) == 2
    with session_scope(engine) as s:
        assert store_reports(s, _records()) == 0
        rows = {r.record_id: r for r in s.scalars(select(Report))}
    assert set(rows) == {"R1", "R2"}
    first, second = rows["R1"], rows["R2"]
    assert (first.category, first.contact, first.region_code) == \
        ("money_laundering", "152****", "320602")
    assert first.received_at == WHEN
    assert (second.category, second.region_code, second.contact) == (None, None, None)
