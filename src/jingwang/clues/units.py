"""The tree of police units (部 → 省 → 市 → 县): importing it from a file, and the demo's tree.

A unit file is CSV (with a header) or JSONL with the fields ``code, name, region_code, level,
parent_code``. Parents may come after their children in the file, or already be in the store.
The whole file is checked before anything is written, so a bad row stores nothing; importing the
same file again changes nothing.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.categories import UNIT_LEVELS
from jingwang.ingest.cases import resolve_format  # one reading of 'auto' for every table
from jingwang.ingest.records import InputError
from jingwang.store.directory import add_unit
from jingwang.store.models import Unit

UNIT_FIELDS = ("code", "name", "region_code", "level", "parent_code")
UNIT_FORMATS = ("auto", "csv", "jsonl")
MINISTRY_REGION = "000000"
"""The region code of the ministry (公安部), which contains every region."""
MINISTRY_CODE = "WA000000"
MINISTRY_NAME = "公安部网络安全保卫局"
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
"""Province-level cities (北京, 天津, 上海, 重庆): their districts sit right under the province."""
_DEPTH = {level: depth for depth, level in enumerate(UNIT_LEVELS)}


@dataclass(frozen=True, slots=True)
class UnitRow:
    """One unit as read from a file, with the row it came from."""

    code: str
    name: str
    region_code: str
    level: str
    parent_code: str | None
    row: int


@dataclass
class UnitImportReport:
    """What an import did: rows read, units created, updated, and left as they were."""

    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _raw_rows(path: str, fmt: str) -> Iterator[tuple[int, dict[str, object]]]:
    """(line number, fields) for each non-empty row of the file."""
    try:
        # Opened outside the `with` so that a file that cannot be opened is an InputError.
        stream = Path(path).open(encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as exc:
        raise InputError(path, None, exc.strerror or str(exc)) from exc
    with stream:
        try:
            if fmt == "csv":
                reader = csv.reader(stream)
                header = [h.strip() for h in next(reader, [])]
                missing = [f for f in UNIT_FIELDS if f not in header and f != "parent_code"]
                if missing:
                    raise InputError(path, 1, f"no column {missing[0]!r} (need "
                                     f"{', '.join(UNIT_FIELDS)}; have {', '.join(header)})")
                for values in reader:
                    if not any(v.strip() for v in values):
                        continue
                    if len(values) != len(header):
                        raise InputError(path, reader.line_num, f"{len(values)} fields, the "
                                         f"header has {len(header)}")
                    yield reader.line_num, dict(zip(header, values, strict=True))
                return
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(path, number, f"not JSON: {exc.msg}") from None
                if not isinstance(value, dict):
                    raise InputError(path, number, "not a JSON object")
                yield number, value
        except UnicodeDecodeError as exc:
            raise InputError(path, None, f"not UTF-8 text ({exc.reason})") from None
        except csv.Error as exc:
            raise InputError(path, None, f"bad CSV: {exc}") from None


def _field(values: dict[str, object], name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value).strip()


def read_unit_rows(path: str, fmt: str = "auto") -> list[UnitRow]:
    """The rows of a unit file, each checked on its own; :class:`InputError` at the first bad
    one (a missing field, a region code that is not 6 digits, an unknown level, a code twice)."""
    from jingwang.regions import division  # imported when needed: it loads a large table

    rows: list[UnitRow] = []
    seen: dict[str, int] = {}
    for number, values in _raw_rows(path, resolve_format(path, fmt)):
        fields = {name: _field(values, name) for name in UNIT_FIELDS}
        for name in ("code", "name", "region_code", "level"):
            if not fields[name]:
                raise InputError(path, number, f"{name} is empty")
        code, region, level = fields["code"], fields["region_code"], fields["level"]
        if len(region) != 6 or not region.isdigit():
            raise InputError(path, number, f"region_code {region!r} is not a 6-digit "
                             "GB/T 2260 code")
        if region != MINISTRY_REGION and division(region) is None:
            raise InputError(path, number, f"region_code {region} is not a GB/T 2260 "
                             "division")
        if level not in UNIT_LEVELS:
            raise InputError(path, number, f"level {level!r} is not one of "
                             f"{', '.join(UNIT_LEVELS)}")
        if code in seen:
            raise InputError(path, number, f"unit {code!r} is already on row {seen[code]}")
        if fields["parent_code"] == code:
            raise InputError(path, number, f"unit {code!r} is its own parent")
        seen[code] = number
        rows.append(UnitRow(code, fields["name"], region, level,
                            fields["parent_code"] or None, number))
    return rows


def order_units(path: str, rows: list[UnitRow],
                stored: dict[str, tuple[str, str]]) -> list[UnitRow]:
    """``rows`` with every parent before its children; checks that each parent exists (in the
    file or in ``stored``: code → (level, region_code)), is of a higher level and covers the
    child's region, and that no row is its own ancestor."""
    from jingwang.regions import contains

    by_code = {r.code: r for r in rows}
    for r in rows:
        if r.parent_code is None:
            continue
        if r.parent_code in by_code:
            parent = by_code[r.parent_code]
            parent_level, parent_region = parent.level, parent.region_code
        elif r.parent_code in stored:
            parent_level, parent_region = stored[r.parent_code]
        else:
            raise InputError(path, r.row, f"parent {r.parent_code!r} is neither in the file "
                             "nor in the store")
        if _DEPTH[parent_level] >= _DEPTH[r.level]:
            raise InputError(path, r.row, f"a {r.level} unit cannot sit under the "
                             f"{parent_level} unit {r.parent_code!r}")
        if not contains(parent_region, r.region_code):
            raise InputError(path, r.row, f"region {r.region_code} is not within its parent "
                             f"{r.parent_code!r}'s region {parent_region}")
    ordered: list[UnitRow] = []
    state: dict[str, int] = {}  # 1 = being placed, 2 = placed

    def place(row: UnitRow) -> None:
        # Levels strictly deepen down the tree, so a chain is at most four long: recursion is
        # shallow, and a cycle cannot pass the level check above (kept as a guard all the same).
        if state.get(row.code) == 2:
            return
        if state.get(row.code) == 1:
            raise InputError(path, row.row, f"unit {row.code!r} is its own ancestor")
        state[row.code] = 1
        if row.parent_code in by_code:
            place(by_code[row.parent_code])
        state[row.code] = 2
        ordered.append(row)

    for r in rows:
        place(r)
    return ordered


def _stored_units(session: Session) -> dict[str, Unit]:
    return {u.code: u for u in session.scalars(select(Unit))}


def import_units(session: Session, path: str, fmt: str = "auto") -> UnitImportReport:
    """Create or update the units in the file at ``path``; all or nothing (the caller's
    session), idempotent. Raises :class:`InputError` naming the file, row and reason."""
    rows = read_unit_rows(path, fmt)
    stored = _stored_units(session)
    ordered = order_units(path, rows,
                          {c: (u.level, u.region_code) for c, u in stored.items()})
    return write_units(session, ordered, stored, UnitImportReport(file=path, rows=len(rows)))


def write_units(session: Session, ordered: Iterable[UnitRow], stored: dict[str, Unit],
                report: UnitImportReport) -> UnitImportReport:
    """Write rows (parents first), counting what was created, updated or left unchanged."""
    for r in ordered:
        before = stored.get(r.code)
        if before is not None:
            parent_code = before.parent.code if before.parent is not None else None
            if (before.name, before.region_code, before.level, parent_code) == (
                    r.name, r.region_code, r.level, r.parent_code):
                report.unchanged += 1
                continue
        unit = add_unit(session, r.code, r.name, r.region_code, r.level, r.parent_code)
        stored[r.code] = unit
        if before is None:
            report.created += 1
        else:
            report.updated += 1
    return report


def _county_unit_name(name: str, above: str) -> str:
    """'南通市公安局崇川分局网安大队' for 崇川区 under 南通市, '南安市公安局网安大队' for a
    county-level city or a county: a district has a 分局 of the city's 公安局."""
    if name.endswith("区"):
        branch = name.removesuffix("新区") if name.endswith("新区") else name.removesuffix("区")
        return f"{above}公安局{branch}分局网安大队"
    return f"{name}公安局网安大队"


def demo_unit_rows(region_codes: Iterable[str]) -> list[UnitRow]:
    """A plausible unit tree over ``region_codes``: the ministry's 公安部网络安全保卫局, each
    province's 网安总队, each city's 网安支队 and each county's 网安大队 (districts of 北京,
    天津, 上海 and 重庆, and county-level cities under a province, sit right under the
    province's 总队). Unit codes are ``WA`` + the region code."""
    from jingwang.regions import current_code, division, lineage

    rows = {MINISTRY_CODE: UnitRow(MINISTRY_CODE, MINISTRY_NAME, MINISTRY_REGION, "ministry",
                                   None, 0)}
    for given in sorted(set(region_codes)):
        code = current_code(given)
        if code is None or code == MINISTRY_REGION:
            continue
        parent, parent_name = MINISTRY_CODE, ""
        for step in lineage(code):
            div = division(step)
            assert div is not None  # lineage only lists known divisions
            unit_code = f"WA{step}"
            if div.level == "province":
                bureau = "公安局" if step[:2] in MUNICIPALITIES else "公安厅"
                name = f"{div.name}{bureau}网安总队"
            elif div.level == "city":
                name = f"{div.name}公安局网安支队"
            else:
                name = _county_unit_name(div.name, parent_name)
            rows.setdefault(unit_code, UnitRow(unit_code, name, step, div.level, parent, 0))
            parent, parent_name = unit_code, div.name
    return list(rows.values())


def seed_demo_units(session: Session, region_codes: Iterable[str]) -> UnitImportReport:
    """Create (or leave as they are) the demo's unit tree for ``region_codes``; idempotent."""
    rows = demo_unit_rows(region_codes)
    stored = _stored_units(session)
    ordered = order_units("demo units", rows,
                          {c: (u.level, u.region_code) for c, u in stored.items()})
    return write_units(session, ordered, stored,
                       UnitImportReport(file="demo units", rows=len(rows)))


def export_unit_rows(session: Session) -> list[dict[str, str]]:
    """Every stored unit as a row of a unit file, parents first (the file `units import`
    reads back)."""
    units = list(session.scalars(select(Unit)))

    def depth(unit: Unit) -> int:
        n, seen = 0, {unit.id}
        while unit.parent is not None and unit.parent.id not in seen:
            unit = unit.parent
            seen.add(unit.id)
            n += 1
        return n

    return [{"code": u.code, "name": u.name, "region_code": u.region_code, "level": u.level,
             "parent_code": u.parent.code if u.parent is not None else ""}
            for u in sorted(units, key=lambda u: (depth(u), u.code))]
