"""Slot releases: when the platform opens bookings, from a schedule file or inferred from the log.

A schedule is a CSV with a `release_at` column (ISO 8601, with its UTC offset; a time without
one is read as UTC+8, the platform's clock) and optionally `resource` (a doctor, a department);
the simulator writes one (`logs/releases.csv`).  Without one, `infer_releases` finds them in
the log: seconds where successful-looking booking requests jump from almost none to a burst.
Reaction time after a release is the strongest signal a scalper gives: people need seconds,
scripts need milliseconds.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from jingwang.ingest.records import InputError

CHINA = timezone(timedelta(hours=8))
BOOK_PATTERN = r"(?i)(book|order|reserve|appoint|register|submit|guahao|yuyue|qianghao)"


def read_releases(path: str | Path) -> np.ndarray:
    """Distinct release instants (epoch seconds, sorted) from a schedule CSV."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or "release_at" not in reader.fieldnames:
                raise InputError(str(path), 1, "no release_at column (columns: "
                                 f"{', '.join(reader.fieldnames or [])})")
            out = set()
            for row_no, row in enumerate(reader, start=2):
                text = (row.get("release_at") or "").strip()
                try:
                    when = datetime.fromisoformat(text)
                except ValueError:
                    raise InputError(str(path), row_no,
                                     f"release_at {text!r} is not an ISO 8601 time") from None
                if when.tzinfo is None:
                    when = when.replace(tzinfo=CHINA)
                out.add(when.timestamp())
    except OSError as exc:
        raise InputError(str(path), None, str(exc.strerror or exc)) from None
    return np.array(sorted(out), dtype=np.float64)


def infer_releases(book_times: np.ndarray, min_burst: int = 20, quiet: float = 0.2,
                   merge: float = 300.0) -> np.ndarray:
    """Release instants found in the times of booking requests: a second holding at least
    `min_burst` bookings and `quiet` times the mean of the minute before it, the first of such
    seconds within `merge` seconds; moved back to the whole minute when it is a few seconds
    past one (platforms release on the minute)."""
    if len(book_times) == 0:
        return np.array([], dtype=np.float64)
    sec = np.floor(book_times).astype(np.int64)
    seconds, counts = np.unique(sec, return_counts=True)
    index = {s: c for s, c in zip(seconds.tolist(), counts.tolist(), strict=True)}
    found: list[float] = []
    for s, c in zip(seconds.tolist(), counts.tolist(), strict=True):
        if c < min_burst or (found and s - found[-1] < merge):
            continue
        before = sum(index.get(s - k, 0) for k in range(1, 61)) / 60.0
        if before <= quiet * c:
            found.append(float(s - s % 60) if s % 60 <= 5 else float(s))
    return np.array(found, dtype=np.float64)
