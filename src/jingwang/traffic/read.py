"""Read access logs into Arrow batches of one row per request, in bounded memory.

`LogReader(fmt, ids).batches(paths)` streams each file (gzip by its name; `-` is stdin) through
Arrow's CSV reader: a log line of a space-separated format (nginx/Apache `combined`, `common`,
most `log_format`s) is a row of space-delimited, double-quoted fields, which Arrow splits in C++
a block at a time.  A format that is not space-separated runs through Python's `re` line by
line instead, and JSON lines through `json`.  Every batch has `LINES_SCHEMA`: the file and line
number, the client address, the time (epoch seconds), method, path, query, status, bytes,
referer, user agent, request time, X-Forwarded-For, and the account, session and device ids
taken from the configured log field, cookie or query parameter (`IdSpec`).

A line that does not parse (wrong number of fields, no valid time or status, not JSON) is
counted in the reader's `report` with its file, line number and reason, never fatal.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from jingwang.traffic.logformat import JSON_ALIASES, LogFormat, detect

LINES_SCHEMA = pa.schema([
    ("file", pa.int16()), ("line", pa.int64()), ("ip", pa.string()), ("t", pa.float64()),
    ("method", pa.string()), ("path", pa.string()), ("query", pa.string()),
    ("status", pa.int16()), ("bytes", pa.int64()), ("referer", pa.string()),
    ("ua", pa.string()), ("request_time", pa.float32()), ("xff", pa.string()),
    ("account", pa.string()), ("session", pa.string()), ("device", pa.string()),
])
BLOCK = 1 << 22
MAX_EXAMPLES = 20
_TIME_FORMATS = {"time_local": "%d/%b/%Y:%H:%M:%S %z", "time_iso8601": "%Y-%m-%dT%H:%M:%S%z"}
# Variables whose value holds exactly one space when written unquoted.
_ONE_SPACE = {"time_local"}


@dataclass(frozen=True)
class IdSpec:
    """Where an id is read from: a log variable (or JSON key), cookies, query parameters."""

    field: str | None = None
    cookies: tuple[str, ...] = ()
    params: tuple[str, ...] = ()


DEFAULT_IDS = {
    "account": IdSpec(None, ("uid", "user_id", "userid", "account"),
                      ("uid", "user_id", "userid", "account")),
    "session": IdSpec(None, ("session", "sid", "sessionid", "JSESSIONID"), ("session", "sid")),
    "device": IdSpec(None, ("device_id", "did", "deviceid", "imei"),
                     ("device_id", "did", "deviceid", "imei")),
}


@dataclass
class BadLine:
    file: str
    line: int
    reason: str
    text: str


@dataclass
class ParseReport:
    files: list[str] = field(default_factory=list)
    lines: int = 0
    parsed: int = 0
    bad: int = 0
    examples: list[BadLine] = field(default_factory=list)

    def add_bad(self, file: str, line: int, reason: str, text: str) -> None:
        self.bad += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(BadLine(file, line, reason, text[:200]))

    def summary(self) -> str:
        head = f"{self.parsed:,} of {self.lines:,} lines parsed, {self.bad:,} did not"
        return "\n".join([head] + [f"  {b.file}:{b.line}: {b.reason}: {b.text!r}"
                                   for b in self.examples])


class LogReader:
    """Streams log files as `LINES_SCHEMA` batches; `report` counts what did not parse."""

    def __init__(self, fmt: LogFormat | None = None,
                 ids: dict[str, IdSpec] | None = None) -> None:
        self.fmt = fmt
        self.ids = DEFAULT_IDS | (ids or {})
        self.report = ParseReport()

    def batches(self, paths: Iterable[str | Path]) -> Iterator[pa.RecordBatch]:
        for path in paths:
            name = str(path)
            index = len(self.report.files)
            self.report.files.append(name)
            fmt = self.fmt or detect(_head(name))
            if fmt.is_json:
                yield from self._json(name, index)
            elif (layout := _columns(fmt)) is not None:
                yield from self._csv(name, index, fmt, layout)
            else:
                yield from self._regex(name, index, fmt)

    # --- the fast path: space-separated fields through Arrow's CSV reader ----------------------

    def _csv(self, name: str, index: int, fmt: LogFormat,
             layout: list[tuple[str, int, int]]) -> Iterator[pa.RecordBatch]:
        width = max(col + span for _, col, span in layout)
        names = [f"c{i}" for i in range(width)]
        skipped: list[int] = []
        merged: list[tuple[int, str]] = []

        def invalid(row) -> str:
            start = row.number if row.number is not None else -1
            pieces = row.text.split("\n")
            skipped.extend(range(start, start + len(pieces)))
            merged.extend((start + i, p) for i, p in enumerate(pieces))
            return "skip"

        reader = pcsv.open_csv(
            _stream(name),
            read_options=pcsv.ReadOptions(column_names=names, use_threads=False,
                                          block_size=BLOCK),
            parse_options=pcsv.ParseOptions(delimiter=" ", quote_char='"', escape_char="\\",
                                            double_quote=False, newlines_in_values=False,
                                            ignore_empty_lines=False, invalid_row_handler=invalid),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                strings_can_be_null=False,
                                                quoted_strings_can_be_null=False))
        emitted, slow = 0, re.compile(fmt.regex)
        for batch in reader:
            numbers = _line_numbers(emitted, batch.num_rows, skipped)
            emitted += batch.num_rows
            values = {}
            for var, col, span in layout:
                if span == 1:
                    values[var] = batch.column(col)
                else:                       # `[07/Sep/2026:07:00:00` `+0800]`: joined once
                    values[var] = _joined_dictionary([batch.column(col + k)  # per distinct pair
                                                      for k in range(span)])
            yield from self._finish(name, index, values, numbers, batch.num_rows)
            if merged:                      # a line with a stray quote swallows the next one
                yield from self._lines_by_regex(name, index, slow, merged)
                merged.clear()
        if merged:                          # a last block with no good row at all
            yield from self._lines_by_regex(name, index, slow, merged)

    # --- the other paths ----------------------------------------------------------------------

    def _regex(self, name: str, index: int, fmt: LogFormat) -> Iterator[pa.RecordBatch]:
        regex = re.compile(fmt.regex)
        for chunk in _numbered_chunks(name):
            yield from self._lines_by_regex(name, index, regex, chunk)

    def _lines_by_regex(self, name: str, index: int, regex: re.Pattern[str],
                        lines: list[tuple[int, str]]) -> Iterator[pa.RecordBatch]:
        rows, numbers = [], []
        for number, text in lines:
            m = regex.match(text)
            if m is None:
                self.report.lines += 1
                self.report.add_bad(name, number, "does not match the log format", text)
                continue
            rows.append(m.groupdict())
            numbers.append(number)
        if rows:
            values = {k: pa.array([r[k] or "" for r in rows], pa.string()) for k in rows[0]}
            if "time_local" in values:
                values["time_local"] = pc.utf8_trim(values["time_local"], "[]")
            yield from self._finish(name, index, values, np.array(numbers), len(rows))

    def _json(self, name: str, index: int) -> Iterator[pa.RecordBatch]:
        for chunk in _numbered_chunks(name):
            rows, numbers = [], []
            for number, text in chunk:
                try:
                    obj = json.loads(text)
                    if not isinstance(obj, dict):
                        raise ValueError("not an object")
                except ValueError as exc:
                    self.report.lines += 1
                    self.report.add_bad(name, number, f"not a JSON object ({exc})", text)
                    continue
                rows.append({JSON_ALIASES.get(k, k): v for k, v in obj.items()})
                numbers.append(number)
            if not rows:
                continue
            keys = {k for r in rows for k in r}
            values = {k: pa.array(["" if r.get(k) is None else str(r[k]) for r in rows],
                                  pa.string()) for k in keys}
            if "time_iso8601" in values:   # ISO times with fractions or Z
                values["time_iso8601"] = pc.replace_substring_regex(
                    pc.replace_substring_regex(values["time_iso8601"], r"\.\d+", ""), "Z$",
                    "+0000")
            yield from self._finish(name, index, values, np.array(numbers), len(rows))

    # --- shared: variables → LINES_SCHEMA -----------------------------------------------------

    def _finish(self, name: str, index: int, v: dict[str, pa.Array], numbers: np.ndarray,
                n: int) -> Iterator[pa.RecordBatch]:
        self.report.lines += n
        empty = pa.array([""] * n, pa.string()) if n else pa.array([], pa.string())

        def get(*keys: str) -> pa.Array:
            for k in keys:
                if k in v:
                    return v[k]
            return empty

        t = _times(v, n)
        status_text = get("status")
        status = _numeric(status_text)
        ok = pc.and_(pc.is_valid(t), pc.and_(pc.greater_equal(status, 100),
                                             pc.less(status, 600)))
        ip = get("remote_addr")
        ok = pc.and_(ok, _matches(ip, r"^[0-9A-Fa-f:.]+$"))
        if "request" in v:
            req = pc.extract_regex(v["request"], r"^(?P<method>[A-Z]+) (?P<path>[^?\s]*)"
                                                 r"(?:\?(?P<query>\S*))?(?: HTTP/[0-9.]+)?$")
            ok = pc.and_(ok, pc.is_valid(req))
            method = pc.struct_field(req, "method")
            path, query = pc.struct_field(req, "path"), pc.struct_field(req, "query")
        else:
            method = get("request_method")
            uri = get("request_uri", "uri")
            if "args" in v and "request_uri" not in v:
                uri = pc.binary_join_element_wise(uri, v["args"], "?")
            split = pc.extract_regex(uri, r"^(?P<path>[^?]*)\??(?P<query>.*)$")
            path, query = pc.struct_field(split, "path"), pc.struct_field(split, "query")
        query = pc.fill_null(query, "")
        keep = pc.fill_null(ok, False)
        bad = np.flatnonzero(~np.asarray(keep))
        for i in bad.tolist():
            reason = ("no valid time" if not t[i].is_valid else "no valid status"
                      if not status[i].is_valid else "no valid client address or request")
            self.report.add_bad(name, int(numbers[i]), reason, " ".join(
                f"{k}={str(a[i])[:40]}" for k, a in list(v.items())[:4]))
        self.report.parsed += n - len(bad)
        cookie = get("http_cookie")
        ids = {kind: _id(v, spec, query, cookie, empty) for kind, spec in self.ids.items()}
        rt = _numeric(get("request_time"))
        if "request_time_us" in v:
            rt = pc.divide(_numeric(v["request_time_us"]), 1e6)
        cols = {
            "file": pa.array(np.full(n, index, np.int16)), "line": pa.array(numbers, pa.int64()),
            "ip": ip, "t": t, "method": pc.fill_null(method, ""),
            "path": pc.fill_null(path, ""), "query": query,
            "status": pc.cast(pc.if_else(keep, status, 0), pa.int16()),
            "bytes": pc.cast(_numeric(get("body_bytes_sent", "bytes_sent")), pa.int64()),
            "referer": _dash(get("http_referer")), "ua": _dash(get("http_user_agent")),
            "request_time": pc.cast(rt, pa.float32()),
            "xff": _dash(get("http_x_forwarded_for")), **ids,
        }
        batch = pa.RecordBatch.from_arrays([cols[f.name] for f in LINES_SCHEMA],
                                           schema=LINES_SCHEMA)
        yield batch.filter(keep) if len(bad) else batch


def _columns(fmt: LogFormat) -> list[tuple[str, int, int]] | None:
    """(variable, first column, columns) of each variable when the format is space-separated
    fields (each a variable, a quoted variable, a bracketed one or a literal); else None."""
    out, col = [], 0
    for token in re.findall(r'"[^"]*"|\S+', fmt.template):
        inner = token[1:-1] if token[0] == '"' else token.strip("[]")
        m = re.fullmatch(r"\$(\w+)", inner)
        if m is None:
            if "$" in token:
                return None
            col += 1
            continue
        span = 2 if token[0] != '"' and m.group(1) in _ONE_SPACE else 1
        out.append((m.group(1), col, span))
        col += span
    return out


def _line_numbers(emitted: int, n: int, skipped: list[int]) -> np.ndarray:
    """Line numbers (1-based) of emitted rows emitted..emitted+n-1, given the lines the CSV
    reader skipped as invalid."""
    j = np.arange(emitted, emitted + n)
    s = np.sort(np.asarray(skipped, dtype=np.int64))
    before = s - np.arange(len(s)) - 1          # rows emitted before each skipped line
    return j + 1 + np.searchsorted(before, j, side="right")


def _joined_dictionary(columns: list[pa.Array]) -> pa.DictionaryArray:
    """The columns joined by spaces, brackets trimmed, as a dictionary array: the strings are
    built once per distinct combination, not once per line."""
    encoded = [pc.dictionary_encode(c) for c in columns]
    code = np.zeros(len(columns[0]), dtype=np.int64)
    for enc in encoded:
        code = code * len(enc.dictionary) + np.asarray(enc.indices)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    parts = [pc.take(enc.dictionary, pc.take(enc.indices, pa.array(first))) for enc in encoded]
    words = pc.utf8_trim(pc.binary_join_element_wise(*parts, " "), "[]")
    return pa.DictionaryArray.from_arrays(pa.array(inverse.ravel().astype(np.int32)), words)


def _times(v: dict[str, pa.Array], n: int) -> pa.Array:
    """Epoch seconds of each line: $msec when the log has it, else the parsed time."""
    if "msec" in v:
        return pc.cast(_numeric(v["msec"]), pa.float64())
    for key, fmt in _TIME_FORMATS.items():
        if key in v:
            enc = v[key] if pa.types.is_dictionary(v[key].type) else pc.dictionary_encode(v[key])
            parsed = pc.strptime(enc.dictionary, format=fmt, unit="ms", error_is_null=True)
            secs = pc.divide(pc.cast(pc.cast(parsed, pa.int64()), pa.float64()), 1000.0)
            return pc.take(secs, enc.indices)
    return pa.nulls(n, pa.float64())


def _numeric(a: pa.Array) -> pa.Array:
    """Text → float64, null where it is not a number ('-' included)."""
    try:
        return pc.cast(a, pa.float64())
    except pa.ArrowInvalid:
        ok = _matches(a, r"^-?[0-9]+(\.[0-9]+)?$")
        return pc.cast(pc.if_else(ok, a, None), pa.float64())


def _matches(a: pa.Array, pattern: str) -> pa.Array:
    """match_substring_regex over a's distinct values only (addresses, agents repeat)."""
    enc = pc.dictionary_encode(a)
    return pc.take(pc.match_substring_regex(enc.dictionary, pattern), enc.indices)


def _dash(a: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(a, "-"), "", a)


def _id(v: dict[str, pa.Array], spec: IdSpec, query: pa.Array, cookie: pa.Array,
        empty: pa.Array) -> pa.Array:
    """An id from its field, else its cookie, else its query parameter ('' when none)."""
    out = _dash(v[spec.field]) if spec.field and spec.field in v else empty
    for source, names, sep in ((cookie, spec.cookies, r";\s*"), (query, spec.params, "&")):
        if not names or source is empty:
            continue
        alt = "|".join(re.escape(x) for x in names)
        got = pc.extract_regex(source, rf"(?:^|{sep})(?:{alt})=(?P<v>[^;&\s]*)")
        got = pc.fill_null(pc.struct_field(got, "v"), "")
        out = pc.if_else(pc.equal(out, ""), got, out)
    return out


def _stream(name: str):
    if name == "-":
        return pa.PythonFile(sys.stdin.buffer, mode="r")
    return pa.input_stream(name, compression="detect")


def _head(name: str, n: int = 50) -> list[str]:
    if name == "-":
        return []
    with _stream(name) as f:
        return f.read(1 << 16).decode("utf-8", "replace").splitlines()[:n]


def _numbered_chunks(name: str, size: int = 50_000) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    with _stream(name) as raw:
        leftover, number = b"", 0
        while True:
            block = raw.read(BLOCK)
            if not block:
                break
            *lines, leftover = (leftover + block).split(b"\n")
            for line in lines:
                number += 1
                chunk.append((number, line.decode("utf-8", "replace").rstrip("\r")))
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if leftover:
            chunk.append((number + 1, leftover.decode("utf-8", "replace")))
    if chunk:
        yield chunk
