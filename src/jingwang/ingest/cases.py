"""Import case records (案件): CSV or JSONL, one case per row, validated, linked, idempotent.

A row holds the case id, when it was reported, the region code (GB/T 2260, six digits), the
crime category (a code of :data:`jingwang.categories.CATEGORIES`), a description, and
optionally explicit indicator columns named after indicator kinds (``phone``, ``qq``,
``bank_card`` …; several values separated by ``;`` or ``|``, or a JSON list).  The indicators
of a case are those written in its description (stored as sightings under ``source``, record id
= case id, so search and linking see them) and the explicit ones; all are linked to the case.

The whole file is read and validated before anything is written, and written in the caller's
one transaction: a bad row raises :class:`InputError` (file, row, reason) and the file stores
nothing.  Re-importing the same file adds nothing: cases are keyed by their id, sightings by
(indicator, source, record, position), links by (case, indicator).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from jingwang.categories import CATEGORIES
from jingwang.indicators import KINDS, InvalidIndicator, canonicalize
from jingwang.ingest.records import InputError, TextRecord, read_text_records
from jingwang.ingest.text import sightings_of
from jingwang.store.repository import (
    CaseIn,
    SightingIn,
    add_sightings,
    find_indicators,
    upsert_cases,
    upsert_indicators,
)

CASE_FORMATS = ("auto", "csv", "jsonl")
TITLE_CHARS = 30
MAX_CASE_NO = 64  # Case.case_no is String(64)
_SPLIT = re.compile(r"[;|；]")
_REGION = re.compile(r"^[0-9]{6}$")
_STORE_CHUNK = 2000  # cases per upsert_cases call (and progress step)


@dataclass(frozen=True, slots=True)
class CaseColumns:
    """Which column (CSV) or field (JSONL) holds what.

    ``reported_at``, ``region_code`` and ``category`` may be ``""`` when a file has no such
    column.  ``indicators`` maps explicit indicator columns to their kind; ``None`` (default)
    takes every column named after a kind (``phone``, ``qq``, ``bank_card`` …).
    """

    case_id: str = "case_id"
    reported_at: str = "reported_at"
    region_code: str = "region_code"
    category: str = "category"
    description: str = "description"
    indicators: dict[str, str] | None = None

    def required(self) -> list[str]:
        """The columns a CSV header must have."""
        named = [self.case_id, self.description, self.reported_at, self.region_code,
                 self.category, *(self.indicators or {})]
        return [c for c in named if c]

    def indicator_kind(self, column: str) -> str | None:
        """The kind an extra column holds, or None when it is not an indicator column."""
        if self.indicators is not None:
            return self.indicators.get(column)
        return column if column in KINDS else None


DEFAULT_COLUMNS = CaseColumns()


@dataclass(slots=True)
class CaseRow:
    """One validated case row, ready to store."""

    row: int
    case_no: str
    title: str
    description: str
    reported_at: datetime | None
    region_code: str | None
    category: str | None
    sightings: list[SightingIn]
    explicit: list[tuple[str, str]]

    def pairs(self) -> list[tuple[str, str]]:
        """Every indicator of the case, extracted then explicit, once each."""
        found = [(s.kind, s.value) for s in self.sightings]
        return list(dict.fromkeys([*found, *self.explicit]))


@dataclass(slots=True)
class CaseImportReport:
    """What one import did."""

    file: str
    source: str
    cases: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    extracted: int = 0
    explicit: int = 0
    links_new: int = 0
    new_sightings: int = 0
    distinct_indicators: int = 0


# --- reading and validating --------------------------------------------------------------------

def resolve_format(path: str, fmt: str) -> str:
    """'csv' or 'jsonl': `fmt`, or for 'auto' the file's suffix, else its first byte."""
    if fmt not in CASE_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose {', '.join(CASE_FORMATS)}")
    if fmt != "auto":
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if path == "-" or not Path(path).is_file():
        return "csv"
    with Path(path).open("rb") as stream:
        head = stream.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "jsonl" if head.startswith(b"{") else "csv"


def check_csv_header(path: str, columns: CaseColumns) -> list[str]:
    """The header of a CSV file; InputError (row 1) when a configured column is missing."""
    if path == "-" or not Path(path).is_file():
        return []  # stdin, or a missing file that the reader reports
    with Path(path).open(encoding="utf-8-sig", errors="replace", newline="") as stream:
        header = [h.strip() for h in next(csv.reader(stream), [])]
    missing = [c for c in columns.required() if c not in header]
    if header and missing:
        raise InputError(path, 1, f"no column {missing[0]!r} (columns: {', '.join(header)})")
    return header


def _text(value: object) -> str:
    """A field as text: JSON numbers become their digits, null becomes ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).strip()


def _category(value: object, file: str, row: int) -> str | None:
    code = _text(value)
    if not code:
        return None
    if code not in CATEGORIES:
        raise InputError(file, row, f"unknown category {code!r} (known: {', '.join(CATEGORIES)})")
    return code


def _region(value: object, file: str, row: int) -> str | None:
    code = _text(value)
    if not code:
        return None
    if not _REGION.match(code):
        raise InputError(file, row, f"region code {code!r} is not 6 digits (GB/T 2260)")
    return code


def _case_no(record: TextRecord, file: str, columns: CaseColumns) -> str:
    case_no = (record.id or "").strip()
    if not case_no:
        raise InputError(file, record.row, f"no case id (column {columns.case_id!r} is empty)")
    if len(case_no) > MAX_CASE_NO:
        raise InputError(file, record.row, f"case id longer than {MAX_CASE_NO} characters")
    return case_no


def _explicit_values(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [v for item in value for v in _explicit_values(item)]
    return [piece.strip() for piece in _SPLIT.split(_text(value)) if piece.strip()]


def explicit_indicators(record: TextRecord, file: str,
                        columns: CaseColumns) -> list[tuple[str, str]]:
    """The canonical (kind, value) pairs of a row's explicit indicator columns."""
    pairs: list[tuple[str, str]] = []
    for column, value in record.extra.items():
        kind = columns.indicator_kind(column)
        if kind is None:
            continue
        for raw in _explicit_values(value):
            try:
                pairs.append((kind, canonicalize(kind, raw)))
            except InvalidIndicator as exc:
                raise InputError(file, record.row, f"column {column!r}: {exc}") from None
    return list(dict.fromkeys(pairs))


def case_title(description: str, case_no: str) -> str:
    """The first ~30 characters of the description on one line, or the case id."""
    flat = " ".join(description.split())
    if not flat:
        return case_no
    return flat if len(flat) <= TITLE_CHARS else flat[:TITLE_CHARS] + "…"


def case_row(record: TextRecord, file: str, columns: CaseColumns, source: str) -> CaseRow:
    """One record validated into a :class:`CaseRow`; raises InputError naming the row."""
    case_no = _case_no(record, file, columns)
    if "\x00" in record.text:
        raise InputError(file, record.row, "NUL byte in the description")
    extra = record.extra
    sightings = sightings_of(record, source)
    if record.id != case_no:  # the id as written had spaces around it
        sightings = [replace(s, record_id=case_no) for s in sightings]
    return CaseRow(
        row=record.row,
        case_no=case_no,
        title=case_title(record.text, case_no),
        description=record.text,
        reported_at=record.observed_at,
        region_code=_region(extra.get(columns.region_code), file, record.row),
        category=_category(extra.get(columns.category), file, record.row),
        sightings=sightings,
        explicit=explicit_indicators(record, file, columns),
    )


def read_case_rows(path: str, *, fmt: str = "auto", columns: CaseColumns = DEFAULT_COLUMNS,
                   source: str = "cases") -> Iterator[CaseRow]:
    """The validated rows of a case file; InputError at the first bad row."""
    fmt = resolve_format(path, fmt)
    if fmt == "csv":
        check_csv_header(path, columns)
    seen: dict[str, int] = {}
    records = read_text_records(path, text_field=columns.description, id_field=columns.case_id,
                                time_field=columns.reported_at, fmt=fmt)
    for record in records:
        row = case_row(record, path, columns, source)
        if row.case_no in seen:
            raise InputError(path, row.row, f"case id {row.case_no!r} is already on row "
                                            f"{seen[row.case_no]}")
        seen[row.case_no] = row.row
        yield row


# --- storing -----------------------------------------------------------------------------------

def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _explicit_seen(rows: Iterable[CaseRow]) -> dict[tuple[str, str], datetime | None]:
    """Explicit indicators and the earliest report time naming each."""
    seen: dict[tuple[str, str], datetime | None] = {}
    for row in rows:
        for pair in row.explicit:
            times = [t for t in (seen.get(pair), row.reported_at) if t is not None]
            seen[pair] = min(times) if times else None
    return seen


def _indicator_ids(session: Session, rows: list[CaseRow]) -> dict[tuple[str, str], int]:
    """The ids of every indicator the rows name; explicit ones are created when new."""
    explicit = _explicit_seen(rows)
    if explicit:
        upsert_indicators(session, explicit)
    pairs = list(dict.fromkeys(p for row in rows for p in row.pairs()))
    return {(i.kind, i.value): i.id for i in find_indicators(session, pairs)}


def _case_in(row: CaseRow, ids: dict[tuple[str, str], int]) -> CaseIn:
    return CaseIn(case_no=row.case_no, title=row.title, category=row.category,
                  region_code=row.region_code, reported_at=row.reported_at,
                  description=row.description, indicator_ids=tuple(ids[p] for p in row.pairs()))


def _count(report: CaseImportReport, rows: list[CaseRow]) -> None:
    report.cases = len(rows)
    report.extracted = sum(len(r.sightings) for r in rows)
    report.explicit = sum(len(r.explicit) for r in rows)
    report.distinct_indicators = len({p for r in rows for p in r.pairs()})


def import_cases(session: Session, path: str, *, fmt: str = "auto",
                 columns: CaseColumns = DEFAULT_COLUMNS, source: str = "cases",
                 progress: Callable[[int], None] | None = None) -> CaseImportReport:
    """Import the cases of a CSV or JSONL file into the store; the caller commits.

    ``progress`` is called with 1 for each row read and validated (the bulk of the work).

    Raises :class:`InputError` (file, row, reason) for a bad row before anything is written,
    so inside one transaction a bad file stores nothing.  Idempotent: importing the same file
    again reports every case unchanged and no new sightings or links.
    """
    if not source.strip():
        raise ValueError("a source name is required")
    rows = []
    for row in read_case_rows(path, fmt=fmt, columns=columns, source=source):
        rows.append(row)
        if progress is not None:
            progress(1)
    report = CaseImportReport(file=path, source=source)
    _count(report, rows)
    report.new_sightings = add_sightings(session, [s for r in rows for s in r.sightings])
    ids = _indicator_ids(session, rows)
    for chunk in _chunks(rows, _STORE_CHUNK):
        counts = upsert_cases(session, [_case_in(row, ids) for row in chunk])
        report.new += counts.new
        report.updated += counts.updated
        report.unchanged += counts.unchanged
        report.links_new += counts.links_new
    return report
