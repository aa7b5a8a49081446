"""The writer thread of read audits: every queued event reaches the store, in batches."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from jingwang.api.auditlog import AuditLog
from jingwang.store.db import init_store, open_store, session_scope
from jingwang.store.models import AuditEvent


def test_events_from_many_threads_all_land_and_close_writes_the_rest(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    init_store(url)
    log = AuditLog(open_store(url), interval=0.01, batch=50)
    at = datetime(2026, 9, 1, tzinfo=UTC)

    def reader(n: int) -> None:
        for i in range(100):
            log.record(f"user{n}", "read_pii", "clue", i, at, {"i": i})

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.flush()
    with session_scope(open_store(url)) as s:
        assert s.scalar(select(func.count(AuditEvent.id))) == 800
        assert s.scalar(select(func.count(func.distinct(AuditEvent.actor)))) == 8
    log.record("late", "denied", "clue", 7, at)
    log.close()
    with session_scope(open_store(url)) as s:
        late = s.scalars(select(AuditEvent).where(AuditEvent.actor == "late")).one()
    assert (late.action, late.object_id, late.at) == ("denied", "7", at)
