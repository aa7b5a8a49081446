"""Read text records from plain-text, JSONL or CSV files, rejecting bad input with file, row and
reason.

A record is one line: plain text, a JSON object whose text is in a named field, or a CSV row
(with a header) whose text is in a named column.  Reading is
streaming (a line at a time, in bytes), so a 50 MB single line is skipped and counted without
being held in memory, a binary file is refused at its first bytes, and invalid UTF-8 is reported
at its row and byte offset.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024
FORMATS = ("auto", "lines", "jsonl", "csv")
_CHUNK = 1024 * 1024
_SNIFF = 8192


class InputError(Exception):
    """Bad input: names the file, the row (1-based line number) and the reason."""

    def __init__(self, file: str, row: int | None, reason: str) -> None:
        where = f"{file}:{row}" if row is not None else file
        super().__init__(f"{where}: {reason}")
        self.file = file
        self.row = row
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TextRecord:
    """One line of input: its id (given, or the line number), text, and optional time."""

    id: str | None
    text: str
    row: int
    observed_at: dt.datetime | None = None
    extra: dict[str, object] = field(default_factory=dict)
    origin: str = ""

    @property
    def record_id(self) -> str:
        """The given id, or the file's name and the line ('day1.txt:12') when there is none, so
        id-less lines of two files of one source are two records."""
        if self.id is not None:
            return self.id
        return f"{self.origin}:{self.row}" if self.origin else f"line:{self.row}"


@dataclass(slots=True)
class ReadStats:
    """What reading skipped, so a command can say so once at the end."""

    records: int = 0
    blank: int = 0
    too_long: list[tuple[int, int]] = field(default_factory=list)  # (row, bytes)
    bytes_read: int = 0


def _open(path: str) -> tuple[BinaryIO, str]:
    if path == "-":
        return sys.stdin.buffer, "<stdin>"
    p = Path(path)
    if not p.exists():
        raise InputError(path, None, "no such file")
    if p.is_dir():
        raise InputError(path, None, "is a directory, not a file")
    return p.open("rb"), path


def _lines(stream: BinaryIO, name: str, max_line_bytes: int,
           stats: ReadStats) -> Iterator[tuple[int, bytes]]:
    """(row, line bytes) without the newline; lines over the cap are skipped and counted."""
    row = 0
    while True:
        line = stream.readline(max_line_bytes + 1)
        if not line:
            return
        row += 1
        stats.bytes_read += len(line)
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            size = len(line)  # counted without its line ending, below
            while True:  # drain the rest of the giant line in bounded chunks
                chunk = stream.readline(_CHUNK)
                size += len(chunk)
                stats.bytes_read += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            stats.too_long.append((row, size - (1 if size and chunk.endswith(b"\n") else 0)))
            continue
        yield row, line.rstrip(b"\r\n")


def _check_not_binary(head: bytes, name: str) -> None:
    if b"\x00" in head:
        raise InputError(name, None, "binary file (NUL bytes); expected UTF-8 text or JSONL")


def _decode(line: bytes, name: str, row: int) -> str:
    if row == 1 and line.startswith(b"\xef\xbb\xbf"):  # a UTF-8 BOM, as Windows tools write
        line = line[3:]
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(name, row, f"invalid UTF-8 at byte {exc.start}") from None


def _parse_time(value: object, name: str, row: int) -> dt.datetime | None:
    """ISO 8601, or a Unix timestamp in seconds or milliseconds (number or digits)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().lstrip("-").replace(".", "", 1).isdigit():
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(name, row, f"time {value!r} is not ISO 8601 or a Unix timestamp")
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= 1e11 else value  # milliseconds since 1970
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise InputError(name, row, f"time {value!r} is out of range") from None
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(name, row, f"time {value!r} is not ISO 8601") from None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def read_text_records(
    path: str,
    *,
    text_field: str = "text",
    id_field: str = "id",
    time_field: str = "time",
    fmt: str = "auto",
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    stats: ReadStats | None = None,
) -> Iterator[TextRecord]:
    """Yield the records of a file ('-' for stdin) as plain lines or JSONL.

    `fmt` is 'lines', 'jsonl', 'csv' or 'auto' (CSV for a .csv file, JSONL when the first
    non-blank line starts with '{', plain lines otherwise).
    Raises InputError for a missing or binary file, invalid UTF-8, bad JSON or a missing field;
    blank lines and lines over `max_line_bytes` are skipped and counted in `stats`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if fmt == "auto" and path.lower().endswith(".csv"):
        fmt = "csv"
    stats = stats if stats is not None else ReadStats()
    stream, name = _open(path)
    origin = "stdin" if path == "-" else Path(path).name
    try:
        buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)
        head = buffered.peek(_SNIFF)[:_SNIFF]
        _check_not_binary(head, name)
        if fmt == "csv":
            yield from _csv_records(buffered, name, max_line_bytes, stats, text_field, id_field,
                                    time_field, origin)
            return
        for row, raw in _lines(buffered, name, max_line_bytes, stats):
            if b"\x00" in raw:
                raise InputError(name, row, "NUL byte in line; expected UTF-8 text")
            line = _decode(raw, name, row)
            if not line.strip():
                stats.blank += 1
                continue
            if fmt == "auto":
                fmt = "jsonl" if line.lstrip().startswith("{") else "lines"
            if fmt == "lines":
                stats.records += 1
                yield TextRecord(None, line, row, origin=origin)
                continue
            yield _json_record(line, name, row, text_field, id_field, time_field, origin)
            stats.records += 1
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _json_record(line: str, name: str, row: int, text_field: str, id_field: str,
                 time_field: str, origin: str) -> TextRecord:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(name, row, f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(obj, dict):
        raise InputError(name, row, "JSON line is not an object")
    text = obj.get(text_field)
    if not isinstance(text, str):
        found = ", ".join(sorted(map(str, obj))) or "none"
        raise InputError(name, row, f"no string field {text_field!r} (fields: {found})")
    rid = obj.get(id_field)
    rid_str = None if rid is None else str(rid)
    for what, piece in ((text_field, text), (id_field, rid_str or "")):
        try:
            piece.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(name, row, f"field {what!r} holds a lone surrogate escape "
                                        "(\\ud800–\\udfff), not text") from None
    observed = _parse_time(obj.get(time_field), name, row)
    extra = {k: v for k, v in obj.items() if k not in (text_field, id_field, time_field)}
    return TextRecord(rid_str, text, row, observed, extra, origin)


def _csv_records(stream: BinaryIO, name: str, max_line_bytes: int, stats: ReadStats,
                 text_field: str, id_field: str, time_field: str,
                 origin: str) -> Iterator[TextRecord]:
    """CSV rows as records; the header names the columns.  A quoted field may span lines."""
    decoded = (_decode(raw, name, row) + "\n"
               for row, raw in _lines(stream, name, max_line_bytes, stats))
    reader = csv.reader(decoded)
    header = next(reader, None)
    if header is None:
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    if text_field not in header:
        raise InputError(name, 1, f"no column {text_field!r} (columns: {', '.join(header)})")
    col = {h: i for i, h in enumerate(header)}
    for values in reader:
        row = reader.line_num
        if not any(v.strip() for v in values):
            stats.blank += 1
            continue
        if len(values) != len(header):
            raise InputError(name, row, f"{len(values)} fields where the header has "
                                        f"{len(header)}")
        rid = values[col[id_field]] if id_field in col else None
        observed = _parse_time(values[col[time_field]], name, row) if time_field in col else None
        extra = {h: values[i] for h, i in col.items() if h not in (text_field, id_field,
                                                                    time_field)}
        stats.records += 1
        yield TextRecord(rid or None, values[col[text_field]], row, observed, extra, origin)
