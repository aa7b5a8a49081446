"""Escalation on a clock: overdue clues moved up in committed batches, once a minute.

`jingwang serve` runs one :class:`Escalator` thread per store, in its own process, whatever the
number of API workers: two escalators would each move the same overdue clue a level up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from jingwang.clues.lifecycle import escalate_overdue
from jingwang.store.db import session_scope
from jingwang.store.directory import record_audit
from jingwang.store.timeutil import utcnow

BATCH = 200
log = logging.getLogger("jingwang.escalation")


def escalate_in_batches(engine: Engine, now: datetime, batch: int = BATCH) -> int:
    """Escalate every clue overdue at ``now``, each on the audit trail, committing every
    ``batch`` clues (a backlog must not hold SQLite's write lock for seconds while the API's
    requests wait); how many were escalated."""
    total = 0
    while True:
        with session_scope(engine) as session:
            report = escalate_overdue(session, now, limit=batch)
            for e in report.escalated:
                record_audit(session, "system", "clue.escalate", "clue", e.clue_id,
                             {"from": e.from_unit, "to": e.to_unit,
                              "missed": e.missed.isoformat()})
        total += len(report.escalated)
        # A batch that moved none (all overdue at the top unit) or was not full ends the round.
        if not report.escalated or len(report.escalated) + len(report.at_top) < batch:
            return total


class Escalator:
    """A daemon thread running :func:`escalate_in_batches` every ``every`` seconds."""

    def __init__(self, engine: Engine, every: float = 60.0,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine, self.every, self.clock = engine, every, clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="jingwang-escalator", daemon=True)

    def start(self) -> Escalator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                moved = escalate_in_batches(self.engine, self.clock())
                if moved:
                    log.info("escalated %d overdue clues", moved)
            except Exception:  # a failed round is logged; the next one tries again
                log.exception("escalation failed")
            self._stop.wait(self.every)
