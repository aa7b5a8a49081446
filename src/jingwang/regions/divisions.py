"""The GB/T 2260 division table: codes, names, levels and the province → city → county tree.

The table comes from the ``cpca`` package (MIT), which ships ``cpca/resources/adcodes.csv``:
one row per division, ``adcode,name,longitude,latitude`` with 12-digit adcodes (the first six
digits are the GB/T 2260 code). We read that file ourselves: ``importlib.util.find_spec`` finds
the installed package *without importing it*, because ``import cpca`` pulls in pandas and
``pkg_resources`` and builds its own matcher — none of which we need for a 3,500-row CSV.

The shipped table is a snapshot from about 2017 (it still has 海安县 and 余江县). Divisions made
since, which real data and the simulator use, are in :data:`SUPPLEMENT`; codes withdrawn since
are kept (ID cards issued before the change still carry them) and point to the code that now
covers them through :data:`SUCCESSORS`.

Rows that are placeholders in GB/T 2260 rather than places (市辖区, 县, 省直辖县级行政区划 …) are
not divisions here: a county under one hangs from the province, so Beijing's 朝阳区 is
``["110000", "110105"]`` and its full name is 北京市朝阳区, as people write it.
"""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

NATION = "000000"
"""The whole country: the ministry's jurisdiction, containing every division."""

NATION_NAME = "全国"

PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# Divisions created after the shipped snapshot, each known from the State Council's approval:
# code → (name, parent code).
SUPPLEMENT: dict[str, tuple[str, str]] = {
    "330112": ("临安区", "330100"),  # 2017: 临安市 → 杭州市临安区
    "320685": ("海安市", "320600"),  # 2018: 海安县 → 海安市
    "360603": ("余江区", "360600"),  # 2018: 余江县 → 鹰潭市余江区
    "370116": ("莱芜区", "370100"),  # 2019: 莱芜市 abolished, its 莱城区 → 济南市莱芜区
    "370117": ("钢城区", "370100"),  # 2019: 莱芜市钢城区 → 济南市钢城区
    "500155": ("梁平区", "500000"),  # 2016-11: 梁平县 → 梁平区
    "500156": ("武隆区", "500000"),  # 2016-11: 武隆县 → 武隆区
    "330383": ("龙港市", "330300"),  # 2019: carved out of 苍南县
    "320614": ("海门区", "320600"),  # 2020: 海门市 → 南通市海门区
    "330113": ("临平区", "330100"),  # 2021: split from 余杭区
    "330114": ("钱塘区", "330100"),  # 2021: 下沙 and 大江东
}

# Withdrawn code → the code that now covers its ground. Where the ground was split, the
# successor is the city that holds all the pieces (江干区 went to 上城区 and 钱塘区).
SUCCESSORS: dict[str, str] = {
    "330185": "330112",  # 临安市
    "320621": "320685",  # 海安县
    "360622": "360603",  # 余江县
    "371200": "370100",  # 莱芜市
    "371202": "370116",  # 莱城区
    "371203": "370117",  # 钢城区 (莱芜市)
    "500228": "500155",  # 梁平县
    "500232": "500156",  # 武隆县
    "320684": "320614",  # 海门市
    "320611": "320602",  # 港闸区, merged into 崇川区 in 2020
    "330103": "330105",  # 下城区, merged into 拱墅区 in 2021
    "330104": "330100",  # 江干区, split between 上城区 and 钱塘区 in 2021
}


@dataclass(frozen=True)
class Division:
    """One GB/T 2260 division."""

    code: str  # 6-digit GB/T 2260, e.g. "320600"
    name: str  # "南通市"
    level: str  # "province" | "city" | "county"
    parent: str | None  # parent code ("320000"), None for a province


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def _adcodes_csv() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jingwang.regions needs the cpca package (pip install 'cpca>=0.5.5')")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


@cache
def _load() -> tuple[dict[str, Division], frozenset[str]]:
    """Every division (withdrawn ones included) by 6-digit code, and the placeholder codes."""
    names: dict[str, str] = {}
    placeholders: set[str] = set()
    with _adcodes_csv().open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = row["adcode"][:6]
            if row["name"] in PLACEHOLDER_NAMES:
                placeholders.add(code)
            else:
                names[code] = row["name"]
    table: dict[str, Division] = {}
    for code, name in names.items():
        level = _level(code)
        if level == "province":
            parent = None
        elif level == "city":
            parent = code[:2] + "0000"
        else:
            city = code[:4] + "00"
            parent = city if city in names else code[:2] + "0000"
        table[code] = Division(code, name, level, parent)
    for code, (name, parent) in SUPPLEMENT.items():
        table[code] = Division(code, name, _level(code), parent)
    return table, frozenset(placeholders)


def _table() -> dict[str, Division]:
    return _load()[0]


def normalize_code(code: str) -> str | None:
    """The 6-digit code of a 6- or 12-digit code (surrounding blanks ignored), else None."""
    code = code.strip()
    if len(code) in (6, 12) and code.isascii() and code.isdigit():
        return code[:6]
    return None


def division(code: str) -> Division | None:
    """The division with this 6- or 12-digit code (withdrawn codes included), or None."""
    norm = normalize_code(code)
    return _table().get(norm) if norm else None


def all_divisions() -> list[Division]:
    """Every division still in force (withdrawn codes left out), in code order."""
    return [d for c, d in sorted(_table().items()) if c not in SUCCESSORS]


def lineage(code: str) -> list[str]:
    """The codes from the province down to ``code`` itself; [] for an unknown code."""
    norm = normalize_code(code)
    return list(_lineage(norm)) if norm else []


@cache
def _lineage(code: str) -> tuple[str, ...]:
    div = _table().get(code)
    chain: list[str] = []
    while div is not None:
        chain.append(div.code)
        div = _table().get(div.parent) if div.parent else None
    return tuple(chain[::-1])


def full_name(code: str) -> str:
    """'江苏省南通市崇川区' for '320602'; '全国' for the nation; '' when unknown."""
    norm = normalize_code(code)
    if norm == NATION:
        return NATION_NAME
    return "".join(_table()[c].name for c in lineage(code))


def current_code(code: str, *, nearest: bool = False) -> str | None:
    """The division in force that covers ``code`` (6 or 12 digits), or None when unknown.

    A withdrawn code goes to its successor, a placeholder (``110100`` 市辖区) to its province,
    the nation stays the nation. With ``nearest``, a code missing from the table goes to its
    city or else its province when those are known: old ID cards carry county codes retired
    long before the table was made, and their city is still good evidence.
    """
    norm = normalize_code(code)
    if norm is None:
        return None
    if norm == NATION:
        return NATION
    table = _table()
    placeholder = (norm[:2] + "0000",) if norm in _load()[1] else ()
    candidates = (norm, norm[:4] + "00", norm[:2] + "0000") if nearest else (norm, *placeholder)
    for candidate in candidates:
        seen = 0
        while candidate in SUCCESSORS and seen < 8:
            candidate, seen = SUCCESSORS[candidate], seen + 1
        if candidate in table:
            return candidate
    return None


def contains(outer: str, inner: str) -> bool:
    """Whether ``inner`` lies in ``outer`` (or is it). ``"000000"`` contains every code.

    Both codes are first brought to the division now in force (:func:`current_code`), so a
    unit coded 320684 (海门市, before 2020) contains an ID card from 320614 and vice versa.
    """
    out, inn = current_code(outer), normalize_code(inner)
    if out == NATION and inn is not None:
        return True
    inn = current_code(inner)
    if out is None or inn is None:
        return False
    return out == inn or out in lineage(inn)


def province_of(code: str) -> str | None:
    """The province code above (or at) ``code``, or None when unknown."""
    chain = lineage(code)
    return chain[0] if chain else None


def common_ancestor(codes: list[str]) -> str:
    """The finest division containing every one of ``codes`` (the nation when none)."""
    chains = [lineage(c) for c in codes]
    if not chains or any(not chain for chain in chains):
        return NATION
    common = NATION
    for level in zip(*chains, strict=False):
        if len(set(level)) != 1:
            break
        common = level[0]
    return common
