"""Read a ledger or accounts table (CSV or Parquet) into one canonical Arrow table.

`read_ledger(path, layout=None)` detects the layout from the header (see `layouts`), reads every
column as text (CSV) or as stored (Parquet), and converts it with vectorised `pyarrow.compute`:
no Python work per row.  The result has `LEDGER_SCHEMA`; `read_accounts` gives `ACCOUNTS_SCHEMA`.

A bad row (unparseable time, amount not a number or negative, empty account or currency, a label
that is neither yes nor no) stops reading with `InputError(path, row, reason)` naming the first
one: its line in a CSV (the header is line 1; blank lines are skipped by the CSV reader and not
counted), its 1-based index in a Parquet file.  Re-reading a file gives the same table; rows
without an id get `<file stem>:<row>`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from jingwang.ingest.records import InputError
from jingwang.payments.layouts import (
    ACCOUNTS,
    STEP_UNITS,
    AccountsLayout,
    Const,
    Label,
    Layout,
    Source,
    Steps,
    Time,
    detect_layout,
)

UTC_US = pa.timestamp("us", tz="UTC")
LEDGER_SCHEMA = pa.schema([
    pa.field("txn_id", pa.string(), nullable=False),
    pa.field("ts", UTC_US, nullable=False),
    pa.field("src", pa.string(), nullable=False),
    pa.field("dst", pa.string(), nullable=False),
    pa.field("amount", pa.float64(), nullable=False),
    pa.field("currency", pa.string(), nullable=False),
    pa.field("channel", pa.string()),
    pa.field("src_bank", pa.string()),
    pa.field("dst_bank", pa.string()),
    pa.field("label", pa.int8()),
])
ACCOUNTS_SCHEMA = pa.schema([
    pa.field("account", pa.string(), nullable=False),
    pa.field("owner_id_card", pa.string()),
    pa.field("owner_name", pa.string()),
    pa.field("registration_phone", pa.string()),
    pa.field("device", pa.string()),
    pa.field("opened_at", UTC_US),
    pa.field("bank", pa.string()),
])

_NUMBER = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"
_INTEGER = r"^\s*[+-]?\d+\s*$"
_ZONE = r"(Z|z|[+-]\d\d(:?\d\d)?)$"

Array = pa.Array | pa.ChunkedArray


class _Checks:
    """Bad-row masks in the order their reasons are tried, and the first bad row of all."""

    def __init__(self) -> None:
        self.rules: list[tuple[Array, Callable[[int], str]]] = []

    def add(self, bad: Array, reason: Callable[[int], str]) -> None:
        self.rules.append((pc.fill_null(bad, True), reason))

    def first(self) -> tuple[int, str] | None:
        if not self.rules:
            return None
        bad = self.rules[0][0]
        for mask, _ in self.rules[1:]:
            bad = pc.or_(bad, mask)
        i = pc.index(bad, True).as_py()
        if i < 0:
            return None
        for mask, reason in self.rules:
            if mask[i].as_py():
                return i, reason(i)
        raise AssertionError("unreachable")


def _read(path: Path) -> tuple[pa.Table, int]:
    """The file's columns (CSV: all text) and the row number of its first data row."""
    if not path.exists():
        raise InputError(str(path), None, "no such file")
    if path.is_dir():
        raise InputError(str(path), None, "is a directory, not a file")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        try:
            return pq.read_table(path), 1
        except (pa.ArrowException, OSError) as exc:
            raise InputError(str(path), None, f"not a readable Parquet file: {exc}") from exc
    if suffix not in (".csv", ".txt"):
        raise InputError(str(path), None, f"unknown file type {path.suffix!r} (CSV or Parquet)")
    with path.open("rb") as f:
        first = f.readline()
    if not first.strip():
        raise InputError(str(path), 1, "no header row")
    try:
        header = next(csv.reader(io.StringIO(first.decode("utf-8-sig"))))
    except UnicodeDecodeError as exc:
        raise InputError(str(path), 1, f"header is not UTF-8: {exc}") from exc
    names = _dedupe([h.strip() for h in header])
    try:
        table = pcsv.read_csv(
            path, read_options=pcsv.ReadOptions(column_names=names, skip_rows=1),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                strings_can_be_null=False))
    except pa.ArrowInvalid as exc:
        raise InputError(str(path), None, str(exc).splitlines()[0]) from exc
    return table, 2


def _dedupe(names: list[str]) -> list[str]:
    """Repeated header names numbered as pandas does: Account, Account.1 (IBM's raw AMLworld
    files name both accounts `Account`)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 0
            out.append(name)
    return out


def _text(col: Array) -> Array:
    """A column as strings, trimmed; nulls become empty strings."""
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = pc.cast(col, pa.string())
    return pc.fill_null(pc.utf8_trim_whitespace(pc.cast(col, pa.string())), "")


def _source(table: pa.Table, source: Source, n: int) -> Array:
    """A text column named by `source` (empty strings as null), a constant, or nulls."""
    if isinstance(source, Const):
        if source.value is None:
            return pa.nulls(n, pa.string())
        return pa.repeat(pa.scalar(source.value, pa.string()), n)
    if source not in table.column_names:
        return pa.nulls(n, pa.string())
    text = _text(table[source])
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _required(table: pa.Table, column: str, what: str, checks: _Checks) -> Array:
    text = _text(table[column])
    checks.add(pc.equal(text, ""), lambda i: f"empty {what} ({column})")
    return text


def _time(table: pa.Table, rule: Time, checks: _Checks, nullable: bool = False) -> Array:
    col = table[rule.column]
    if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
        ts = col if pa.types.is_timestamp(col.type) else pc.cast(col, pa.timestamp("us"))
        ts = pc.cast(ts, pa.timestamp("us", tz=getattr(ts.type, "tz", None)))
        ts = _in_zone(ts, rule.tz) if ts.type.tz is None else ts
        if not nullable:
            checks.add(pc.is_null(ts), lambda i: f"empty time ({rule.column})")
        return pc.cast(ts, UTC_US)
    text = _text(col)
    if rule.format is not None:
        wall = pc.strptime(text, format=rule.format, unit="us", error_is_null=True)
        # strptime rolls impossible days over (2024-02-30 -> 03-01): written back, they differ
        again = pc.strftime(pc.cast(wall, pa.timestamp("s"), safe=False), format=rule.format)
        wall = pc.if_else(pc.equal(again, text), wall, pa.scalar(None, wall.type))
        ts = _in_zone(wall, rule.tz)
        expected = rule.format
    else:
        ts = _iso(text, rule.tz)
        expected = "ISO 8601"
    empty = pc.equal(text, "")
    bad = pc.and_not(pc.is_null(ts), empty) if nullable else pc.is_null(ts)
    checks.add(bad, lambda i: f"unparseable time {text[i].as_py()!r} in {rule.column} "
                              f"(expected {expected})")
    return ts


def _in_zone(ts: Array, tz: str) -> Array:
    """Zone-less times taken as wall-clock times in `tz`, as UTC."""
    if tz == "UTC":
        return pc.cast(ts, UTC_US)
    local = pc.assume_timezone(ts, timezone=tz, ambiguous="earliest", nonexistent="earliest")
    return pc.cast(local, UTC_US)


def _iso(text: Array, tz: str) -> Array:
    """ISO 8601 times as UTC (null where one is not), zone-less ones taken in `tz`."""
    zoned = pc.match_substring_regex(text, _ZONE)
    full = pc.if_else(zoned, text, pc.binary_join_element_wise(text, "Z", ""))
    ts = _cast_or_null(full, UTC_US)
    if tz != "UTC":
        ts = pc.if_else(zoned, ts, _in_zone(pc.cast(ts, pa.timestamp("us")), tz))
    return ts


def _cast_or_null(text: Array, to: pa.DataType) -> Array:
    """`text` cast to `to`, with null where a value does not cast: a whole-column cast when it
    works, else bisection for the failing values (a few casts per bad value, all vectorised)."""
    try:
        return pc.cast(text, to)
    except pa.ArrowInvalid:
        pass
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    good = np.ones(len(text), dtype=bool)
    stack = [(0, len(text))]
    while stack:
        lo, hi = stack.pop()
        try:
            pc.cast(text.slice(lo, hi - lo), to)
        except pa.ArrowInvalid:
            if hi - lo == 1:
                good[lo] = False
            else:
                mid = (lo + hi) // 2
                stack += [(mid, hi), (lo, mid)]
    safe = pc.if_else(pa.array(good), text, pa.scalar(None, text.type))
    return pc.cast(safe, to)


def _steps(table: pa.Table, rule: Steps, checks: _Checks) -> Array:
    col = table[rule.column]
    if pa.types.is_integer(col.type):
        steps = pc.cast(col, pa.int64())
        checks.add(pc.is_null(steps), lambda i: f"empty time step ({rule.column})")
    else:
        text = _text(col)
        ok = pc.match_substring_regex(text, _INTEGER)
        checks.add(pc.invert(ok), lambda i: f"time step {text[i].as_py()!r} in {rule.column} "
                                            "is not an integer")
        steps = pc.cast(pc.if_else(ok, text, "0"), pa.int64())
    epoch = np.datetime64(rule.epoch.removesuffix("Z"), "us").astype(np.int64)
    us = pc.add(pc.multiply(steps, STEP_UNITS[rule.unit] * 1_000_000), int(epoch))
    return pc.cast(us, UTC_US)


def _amount(table: pa.Table, column: str, checks: _Checks) -> Array:
    col = table[column]
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type) \
            or pa.types.is_decimal(col.type):
        amount = pc.cast(col, pa.float64())
        checks.add(pc.invert(pc.is_finite(amount)),
                   lambda i: f"amount {amount[i].as_py()!r} in {column} is not a number")
    else:
        text = _text(col)
        ok = pc.match_substring_regex(text, _NUMBER)
        checks.add(pc.invert(ok),
                   lambda i: f"amount {text[i].as_py()!r} in {column} is not a number")
        amount = pc.cast(pc.if_else(ok, text, "0"), pa.float64())
    checks.add(pc.less(amount, 0), lambda i: f"negative amount {amount[i].as_py()!r} in {column}")
    return amount


def _label(table: pa.Table, rule: Label | None, n: int, checks: _Checks) -> Array:
    if rule is None or rule.column not in table.column_names:
        return pa.nulls(n, pa.int8())
    text = pc.utf8_lower(_text(table[rule.column]))
    pos = pc.is_in(text, value_set=pa.array([v.lower() for v in rule.positive]))
    neg = pc.is_in(text, value_set=pa.array([v.lower() for v in rule.negative]))
    known = ", ".join((*rule.positive, *rule.negative))
    checks.add(pc.invert(pc.or_(pc.or_(pos, neg), pc.equal(text, ""))),
               lambda i: f"label {text[i].as_py()!r} in {rule.column} is not one of {known} "
                         "or empty")
    one, zero = pa.scalar(1, pa.int8()), pa.scalar(0, pa.int8())
    return pc.if_else(pos, one, pc.if_else(neg, zero, pa.scalar(None, pa.int8())))


def _fail(path: Path, checks: _Checks, first_row: int) -> None:
    found = checks.first()
    if found is not None:
        i, reason = found
        raise InputError(str(path), i + first_row, reason)


def read_ledger(path: str | Path, layout: Layout | None = None) -> pa.Table:
    """The ledger at `path` (CSV or Parquet, by suffix) as a table with `LEDGER_SCHEMA`.

    `layout` defaults to the one its header fits (`detect_layout`).  Raises `InputError` for a
    missing or unreadable file, an unknown or unfitting header, or the first bad row.
    """
    path = Path(path)
    table, first_row = _read(path)
    if layout is None:
        try:
            layout = detect_layout(table.column_names)
        except ValueError as exc:
            raise InputError(str(path), None, str(exc)) from exc
    elif not layout.fits(table.column_names):
        raise InputError(str(path), None, f"columns {', '.join(table.column_names)} do not fit "
                                          f"layout {layout.name} ({', '.join(layout.columns)})")
    n = table.num_rows
    checks = _Checks()
    if layout.txn_id is not None:
        txn_id = _required(table, layout.txn_id, "transaction id", checks)
    else:
        rows = pc.cast(pa.array(np.arange(first_row, first_row + n, dtype=np.int64)), pa.string())
        txn_id = pc.binary_join_element_wise(path.stem, rows, ":")
    if isinstance(layout.ts, Steps):
        ts = _steps(table, layout.ts, checks)
    else:
        ts = _time(table, layout.ts, checks)
    src = _required(table, layout.src, "source account", checks)
    dst = _required(table, layout.dst, "destination account", checks)
    amount = _amount(table, layout.amount, checks)
    if isinstance(layout.currency, Const):
        currency = _source(table, layout.currency, n)
    else:
        currency = _required(table, layout.currency, "currency", checks)
    channel = _source(table, layout.channel, n)
    src_bank = _source(table, layout.src_bank, n)
    dst_bank = _source(table, layout.dst_bank, n)
    label = _label(table, layout.label, n, checks)
    _fail(path, checks, first_row)
    columns = [txn_id, ts, src, dst, amount, currency, channel, src_bank, dst_bank, label]
    return pa.Table.from_arrays([_chunked(c) for c in columns], schema=LEDGER_SCHEMA)


def read_accounts(path: str | Path, layout: AccountsLayout = ACCOUNTS) -> pa.Table:
    """The accounts table at `path` (CSV or Parquet) as a table with `ACCOUNTS_SCHEMA`: account
    (required), owner and registration details, opened_at (UTC; empty: null) and bank."""
    path = Path(path)
    table, first_row = _read(path)
    if not layout.fits(table.column_names):
        raise InputError(str(path), None, f"columns {', '.join(table.column_names)} do not fit "
                         f"accounts layout {layout.name} ({', '.join(layout.columns)}"
                         f"[, {', '.join(layout.optional)}])")
    n = table.num_rows
    checks = _Checks()
    account = _required(table, layout.account, "account", checks)
    if layout.opened_at is not None and layout.opened_at.column in table.column_names:
        opened_at = _time(table, layout.opened_at, checks, nullable=True)
    else:
        opened_at = pa.nulls(n, UTC_US)
    _fail(path, checks, first_row)
    columns = [account, _source(table, layout.owner_id_card, n),
               _source(table, layout.owner_name, n), _source(table, layout.registration_phone, n),
               _source(table, layout.device, n), opened_at, _source(table, layout.bank, n)]
    return pa.Table.from_arrays([_chunked(c) for c in columns], schema=ACCOUNTS_SCHEMA)


def register_table(con: ibis.BaseBackend, name: str, table: pa.Table) -> ir.Table:
    """`table` as the view `name` on `con` (replacing any of that name), for the detectors.

    DuckDB reads the Arrow table where it lies.  Spark is handed the Arrow table itself: Ibis'
    in-memory tables reach Spark through pandas, where a missing string becomes NaN and arrives
    as the text 'NaN' (every account without a phone would share the phone 'NaN')."""
    if con.name != "pyspark":
        return con.create_view(name, ibis.memtable(table), overwrite=True)
    import pyspark

    session = con._session
    if int(pyspark.__version__.split(".")[0]) >= 4:
        frame = session.createDataFrame(table)
    else:  # PySpark 3.5 takes no Arrow table: rows, with None for null, and the schema
        from ibis.backends.pyspark.datatypes import PySparkSchema

        schema = PySparkSchema.from_ibis(ibis.Schema.from_pyarrow(table.schema))
        frame = session.createDataFrame(table.to_pylist(), schema=schema)
    frame.createOrReplaceTempView(name)
    return con.table(name)


def _chunked(col: Array) -> pa.ChunkedArray:
    return col if isinstance(col, pa.ChunkedArray) else pa.chunked_array([col])
