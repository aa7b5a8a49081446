"""Find the divisions a Chinese text names: "家住江苏省南通市崇川区" → 320602.

Why our own matcher and not ``cpca.transform``: cpca was tried on the cases the tests hold and
(1) resolves a bare ambiguous name to an arbitrary one of its homonyms (朝阳区 alone → 长春's
220104, though Beijing's is as likely), where we would rather say nothing; (2) knows nothing
of divisions made after its table (海门区 comes out as the withdrawn 海门市), and its matcher is
built from that table alone; (3) costs pandas and ``pkg_resources`` at import and a DataFrame
per call. The algorithm is the same idea — Aho-Corasick over every name — with pyahocorasick.

The rules, each there for a case that went wrong without it:

- Every division in force is indexed by its full name (南通市) and its short forms (南通; 延边
  for 延边朝鲜族自治州; 广西 for 广西壮族自治区); a withdrawn name (海门市) stands for its
  successor. Matches are taken leftmost-longest, so 济南市中心 is 济南市, not 市中(区).
- Consecutive names within a few characters, each inside the one before, make one address:
  "福建省泉州市南安市", "在福建南安", "北京朝阳区". An ambiguous name is narrowed by the name
  before it (朝阳区 after 北京 is 110105, after 长春 is 220104).
- Some names only count inside such an address, never alone: county short forms (南安, 通州,
  市中 — too many are ordinary words), two-character county names (城区, 郊区), and city short
  forms that are everyday words (白银 silver, 来宾 guest, 阿里 Alibaba, 和田 jade …).
- A short form followed by 路/街/道/巷/弄/桥 is a street (中山路, 南京路), not a place.
- A name still ambiguous at the end of its address is settled by the other places the same
  text names (朝阳区 … 北京), then by preferring the higher level (吉林 is the province before
  the city); if homonyms remain, the address is their common ancestor unless that is the whole
  country, in which case the text names no place we can tell (鼓楼区 alone: 南京? 福州?).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

import ahocorasick

from .divisions import (
    NATION,
    SUCCESSORS,
    _adcodes_csv,
    _table,
    all_divisions,
    common_ancestor,
    lineage,
    province_of,
)

PROVINCE_SHORT = {
    "内蒙古自治区": ("内蒙古", "内蒙"),
    "广西壮族自治区": ("广西",),
    "西藏自治区": ("西藏",),
    "宁夏回族自治区": ("宁夏",),
    "新疆维吾尔自治区": ("新疆",),
    "香港特别行政区": ("香港",),
    "澳门特别行政区": ("澳门",),
}

# City short forms that are everyday words more often than places.
COMMON_WORD_SHORTS = frozenset(
    {
        "白银", "来宾", "北海", "阿里", "大理", "普洱", "和田", "哈密", "安康", "山南",
        "大同", "中山", "朝阳", "兴安", "玉树", "黄山", "三明", "吉安", "永州", "本溪",
    }
)  # fmt: skip

CITY_SUFFIXES = ("自治州", "地区", "盟", "市")
COUNTY_SUFFIXES = ("自治县", "自治旗", "林区", "特区", "新区", "矿区", "区", "县", "市", "旗")
STREET_AFTER = frozenset("路街道巷弄桥")
LEVELS = ("province", "city", "county")
MAX_GAP = 6  # characters allowed between the names of one address ("福建人，家在南安")
BREAKS = re.compile(r"[。！？；;!?\n]")


@dataclass(frozen=True)
class Place:
    """A place a text names: its code, and the span of the text that names it."""

    code: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Entry:
    code: str
    needs_context: bool  # only counts as the continuation of an address


@dataclass
class _Address:
    codes: set[str]
    start: int
    end: int


@cache
def _nations() -> tuple[str, ...]:
    """The 56 ethnic groups, with and without 族, longest first (for 自治 names)."""
    path = _adcodes_csv().parent / "56_nations.csv"
    with path.open(encoding="utf-8") as f:
        names = {row[0].strip() for row in csv.reader(f) if row and row[0].strip()}
    names |= {n[:-1] for n in names if n.endswith("族") and len(n) > 3}
    names.add("各族")
    return tuple(sorted(names, key=len, reverse=True))


def _strip_nations(stem: str) -> str:
    """'恩施土家族苗族' → '恩施'; stops before leaving fewer than two characters."""
    changed = True
    while changed:
        changed = False
        for nation in _nations():
            if stem.endswith(nation) and len(stem) - len(nation) >= 2:
                stem, changed = stem[: -len(nation)], True
                break
    return stem


def short_forms(name: str, level: str) -> set[str]:
    """The ways people shorten a division's name: 南通市 → 南通, 延边朝鲜族自治州 → 延边."""
    if level == "province":
        if name in PROVINCE_SHORT:
            return set(PROVINCE_SHORT[name])
        return {name[:-1]} if name.endswith(("省", "市")) else set()
    suffixes = CITY_SUFFIXES if level == "city" else COUNTY_SUFFIXES
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if "自治" in suffix:
                stem = _strip_nations(stem)
            return {stem} if len(stem) >= 2 else set()
    return set()


@cache
def _automaton() -> ahocorasick.Automaton:
    """Every name and short form → the divisions it may mean."""
    entries: dict[str, dict[str, _Entry]] = {}

    def add(key: str, code: str, needs_context: bool) -> None:
        found = entries.setdefault(key, {})
        old = found.get(code)
        # A name that is a full name somewhere is not demoted by being a short form elsewhere.
        if old is None or (old.needs_context and not needs_context):
            found[code] = _Entry(code, needs_context)

    named = [(d.code, d.name, d.level) for d in all_divisions()]
    table = _table()
    for old, new in SUCCESSORS.items():
        if old in table:
            named.append((new, table[old].name, table[old].level))
    for code, name, level in named:
        add(name, code, level == "county" and len(name) <= 2)
        for short in short_forms(name, level):
            if short != name:
                add(short, code, level == "county" or short in COMMON_WORD_SHORTS)

    automaton = ahocorasick.Automaton()
    for key, found in entries.items():
        automaton.add_word(key, (key, tuple(found.values())))
    automaton.make_automaton()
    return automaton


def _is_short(key: str, code: str) -> bool:
    div = _table().get(code)
    return div is None or div.name != key


def _matches(text: str) -> list[tuple[int, int, str, tuple[_Entry, ...]]]:
    """Leftmost-longest, non-overlapping name matches: (start, end, key, entries)."""
    found = []
    for last, (key, entries) in _automaton().iter(text):
        start, end = last - len(key) + 1, last + 1
        if end < len(text) and text[end] in STREET_AFTER:
            entries = tuple(e for e in entries if not _is_short(key, e.code))
        if entries:
            found.append((start, end, key, entries))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    chosen = []
    last_end = 0
    for match in found:
        if match[0] >= last_end:
            chosen.append(match)
            last_end = match[1]
    return chosen


def _strictly_inside(code: str, outer: str) -> bool:
    return code != outer and outer in lineage(code)


def find_places(text: str) -> list[Place]:
    """The places ``text`` names, in order, one per address (see the module's rules)."""
    addresses: list[_Address] = []
    for start, end, _key, entries in _matches(text):
        prev = addresses[-1] if addresses else None
        if (
            prev is not None
            and start - prev.end <= MAX_GAP
            and not BREAKS.search(text, prev.end, start)
        ):
            inside = {
                e.code for e in entries if any(_strictly_inside(e.code, p) for p in prev.codes)
            }
            if inside:
                prev.codes, prev.end = inside, end
                continue
        starters = {e.code for e in entries if not e.needs_context}
        if starters:
            addresses.append(_Address(starters, start, end))

    settled = {next(iter(a.codes)) for a in addresses if len(a.codes) == 1}
    places = []
    for address in addresses:
        code = _settle(address.codes, settled)
        if code is not None:
            places.append(
                Place(code, address.start, address.end, text[address.start : address.end])
            )
    return places


def _settle(codes: set[str], context: set[str]) -> str | None:
    """One code for an address whose last name may mean several divisions (or None)."""
    if len(codes) == 1:
        return next(iter(codes))
    provinces = {province_of(c) for c in context}
    near = {c for c in codes if province_of(c) in provinces}
    if near:
        codes = near
    rank = {c: LEVELS.index(_table()[c].level) for c in codes}
    codes = {c for c in codes if rank[c] == min(rank.values())}
    if len(codes) == 1:
        return next(iter(codes))
    common = common_ancestor(sorted(codes))
    return None if common == NATION else common


def resolve(text: str) -> str | None:
    """The finest division a short place description names ('江苏省南通市' → '320600')."""
    places = find_places(text)
    if not places:
        return None
    return max(places, key=lambda p: (len(lineage(p.code)), -p.start)).code
