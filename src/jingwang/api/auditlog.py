"""The audit trail of reads: events queued by the requests and written by one thread.

Every read of unmasked PII and every refused request is an audit event.  Written inside each
read request, every read became a write: on SQLite all of them queued for the one write lock,
and SQLite's busy handler waits in growing sleeps, so at 50 requests a second with the server
a third busy p99 was 320 ms (measured).  Here a request puts its event on a queue and goes on;
a writer thread inserts what has queued up in one transaction, at most ``interval`` seconds
later.  Changes are different: a change and its audit event commit together, in the request.

The price: events still queued when the process is killed are lost (at most ``interval``
seconds of them); a clean shutdown (`close`) writes them all.
"""

from __future__ import annotations

import logging
import queue
import threading
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert

from jingwang.store.models import AuditEvent

log = logging.getLogger("jingwang.audit")


class AuditLog:
    def __init__(self, engine: Engine, interval: float = 0.05, batch: int = 1000) -> None:
        self.engine, self.interval, self.batch = engine, interval, batch
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        self._thread = threading.Thread(target=self._run, name="jingwang-audit", daemon=True)
        self._thread.start()

    def record(self, actor: str, action: str, object_type: str, object_id: Any, at: datetime,
               detail: dict[str, Any] | None = None) -> None:
        """Queue one event (returns at once)."""
        with self._idle:
            self._pending += 1
        self._queue.put({"actor": actor, "action": action, "object_type": object_type,
                         "object_id": None if object_id is None else str(object_id),
                         "detail": detail, "at": at})

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every event queued so far is in the store."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._pending == 0, timeout):
                raise TimeoutError(f"{self._pending} audit events not written in {timeout} s")

    def close(self) -> None:
        """Write what is queued and stop the writer."""
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            rows = [] if first is None else [first]
            stopping = first is None
            while len(rows) < self.batch and not stopping:
                try:
                    item = self._queue.get(timeout=self.interval)
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                else:
                    rows.append(item)
            if rows:
                self._write(rows)

    def _write(self, rows: list[dict[str, Any]]) -> None:
        for attempt in range(5):
            try:
                with self.engine.begin() as connection:
                    connection.execute(insert(AuditEvent), rows)
                break
            except Exception:  # the store is busy or gone: try again, then say so loudly
                log.exception("writing %d audit events failed (attempt %d)", len(rows),
                              attempt + 1)
                threading.Event().wait(0.5 * (attempt + 1))
        with self._idle:
            self._pending -= len(rows)
            self._idle.notify_all()
