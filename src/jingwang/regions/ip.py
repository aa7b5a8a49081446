"""IP → region, only from a MaxMind-format (.mmdb) database the user supplies.

We ship no IP database: the free ones are licensed per user and go stale in weeks, and a unit
usually has a better one of its own. Without one (``$JINGWANG_GEOIP_DB`` unset) IPs are simply
not attributed.

Two record layouts are read:

- GeoIP2/GeoLite2 City: ``country.iso_code``, ``subdivisions[0].names``, ``city.names``.
  The zh-CN names ("江苏省", "南通") are matched like any text; where only English names are
  present ("Jiangsu", "Nantong") the province comes from a fixed table of its English names
  and the city from the pinyin (pypinyin, every reading of each character) of the divisions
  in that province.
- The flat layout of Chinese IP databases converted to mmdb: string fields ``province``,
  ``city`` and ``district``/``districts``, in Chinese.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from .attribution import STRENGTH, Attribution
from .divisions import NATION, all_divisions, division, lineage
from .names import find_places, short_forms

ENV_VAR = "JINGWANG_GEOIP_DB"

# Countries in the MaxMind sense that are GB/T 2260 provinces.
COUNTRY_PROVINCE = {"HK": "810000", "MO": "820000", "TW": "710000"}
CHINA = frozenset({"CN", *COUNTRY_PROVINCE})

PROVINCE_ENGLISH: dict[str, str] = {
    "beijing": "110000", "tianjin": "120000", "hebei": "130000", "shanxi": "140000",
    "innermongolia": "150000", "neimenggu": "150000", "neimongol": "150000",
    "liaoning": "210000", "jilin": "220000", "heilongjiang": "230000", "shanghai": "310000",
    "jiangsu": "320000", "zhejiang": "330000", "anhui": "340000", "fujian": "350000",
    "jiangxi": "360000", "shandong": "370000", "henan": "410000", "hubei": "420000",
    "hunan": "430000", "guangdong": "440000", "guangxi": "450000", "hainan": "460000",
    "chongqing": "500000", "sichuan": "510000", "guizhou": "520000", "yunnan": "530000",
    "tibet": "540000", "xizang": "540000", "shaanxi": "610000", "gansu": "620000",
    "qinghai": "630000", "ningxia": "640000", "xinjiang": "650000", "taiwan": "710000",
    "hongkong": "810000", "xianggang": "810000", "macau": "820000", "macao": "820000",
    "aomen": "820000",
}  # fmt: skip
PROVINCE_SUFFIXES = (
    "specialadministrativeregion", "autonomousregion", "municipality", "province", "zizhiqu",
    "sheng", "shi", "sar", "zhuang", "uyghur", "uygur", "uighur", "weiwuer", "hui",
)  # fmt: skip

# Cities whose English names are not the pinyin of their Chinese ones.
CITY_ENGLISH: dict[str, str] = {
    "hohhot": "呼和浩特市", "urumqi": "乌鲁木齐市", "lhasa": "拉萨市", "harbin": "哈尔滨市",
    "kashgar": "喀什地区", "shigatse": "日喀则市", "nyingchi": "林芝市",
}  # fmt: skip
CITY_SUFFIXES = ("city", "prefecture", "district", "county", "shi", "qu", "xian", "diqu")

_NOT_LETTERS = re.compile(r"[^a-z]")


class Reader(Protocol):
    """What we need of ``maxminddb.Reader``."""

    def get(self, ip_address: str) -> Any: ...


def _letters(name: str) -> str:
    return _NOT_LETTERS.sub("", name.lower())


def _strip_to_known(name: str, known: Mapping[str, Any], suffixes: tuple[str, ...]) -> Any:
    """Look ``name`` up, peeling one English suffix at a time until it is known."""
    while name:
        if name in known:
            return known[name]
        for suffix in suffixes:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                break
        else:
            return None
    return None


@cache
def _pinyin_index() -> dict[str, dict[str, set[str]]]:
    """province code → romanised name (every reading) → codes of its cities and counties."""
    from pypinyin import Style, pinyin

    index: dict[str, dict[str, set[str]]] = {}
    for div in all_divisions():
        if div.level == "province":
            continue
        province = lineage(div.code)[0]
        for name in {div.name, *short_forms(div.name, div.level)}:
            readings = pinyin(name, style=Style.NORMAL, heteronym=True)
            for combo in itertools.islice(itertools.product(*readings), 64):
                index.setdefault(province, {}).setdefault("".join(combo), set()).add(div.code)
    return index


def _english_city(province: str, name: str) -> str | None:
    key = _letters(name)
    if key in CITY_ENGLISH:
        found = [p.code for p in find_places(CITY_ENGLISH[key])]
        return found[0] if found and lineage(found[0])[0] == province else None
    codes = _strip_to_known(key, _pinyin_index().get(province, {}), CITY_SUFFIXES)
    if not codes:
        return None
    level = min(codes, key=lambda c: len(lineage(c)))
    top = {c for c in codes if len(lineage(c)) == len(lineage(level))}
    return next(iter(top)) if len(top) == 1 else None


def _names(entry: Any) -> dict[str, str]:
    if isinstance(entry, Mapping) and isinstance(entry.get("names"), Mapping):
        return {k: v for k, v in entry["names"].items() if isinstance(v, str)}
    return {}


def _zh(text: str, within: str | None) -> str | None:
    """The finest place a Chinese text names, inside ``within`` when that is given."""
    places = [p.code for p in find_places(text)]
    if within is not None:
        places = [c for c in places if within in lineage(c)]
    return max(places, key=lambda c: len(lineage(c)), default=None)


def region_of_record(record: Any) -> str | None:
    """The GB/T 2260 code a database record places its IP in, or None (abroad, unknown)."""
    if not isinstance(record, Mapping):
        return None
    flat = [record.get(k) for k in ("province", "city", "district", "districts")]
    if any(isinstance(v, str) and v for v in flat):
        return _zh("".join(v for v in flat if isinstance(v, str)), None)

    country = record.get("country")
    iso = country.get("iso_code") if isinstance(country, Mapping) else None
    if iso not in CHINA:
        return None
    subdivisions = record.get("subdivisions")
    sub = _names(subdivisions[0]) if isinstance(subdivisions, list) and subdivisions else {}
    city = _names(record.get("city"))

    province = COUNTRY_PROVINCE.get(iso or "")
    if province is None and sub.get("zh-CN"):
        found = _zh(sub["zh-CN"], None)
        province = lineage(found)[0] if found else None
    if province is None and sub.get("en"):
        province = _strip_to_known(_letters(sub["en"]), PROVINCE_ENGLISH, PROVINCE_SUFFIXES)
    if province is None:
        return None

    finer = None
    if city.get("zh-CN"):
        finer = _zh(division(province).name + city["zh-CN"], province)  # type: ignore[union-attr]
    if (finer is None or finer == province) and city.get("en"):
        finer = _english_city(province, city["en"])
    return finer or province


class IpLocator:
    """Locates IPs with a MaxMind-format database: ``IpLocator(path)`` or ``IpLocator(reader)``.

    Any object with ``get(ip) -> record`` serves as the reader (a ``maxminddb.Reader``, or a
    stand-in in tests).
    """

    def __init__(self, source: str | os.PathLike[str] | Reader) -> None:
        if isinstance(source, str | os.PathLike):
            import maxminddb

            self._reader: Reader = maxminddb.open_database(os.fspath(source))
        else:
            self._reader = source

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> IpLocator | None:
        """The database named by ``$JINGWANG_GEOIP_DB``; None when the variable is unset."""
        path = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
        if not path:
            return None
        if not Path(path).is_file():
            raise FileNotFoundError(f"${ENV_VAR} names {path}, which is not a file")
        return cls(path)

    def locate(self, ip: str) -> Attribution | None:
        """Where ``ip`` is, as an "ip" attribution; None when the database does not say."""
        try:
            record = self._reader.get(ip)
        except ValueError:  # not an IP, or IPv6 in an IPv4-only database
            return None
        code = region_of_record(record)
        if code is None or code == NATION:
            return None
        return Attribution(code, "ip", f"ip {ip}", STRENGTH["ip"])

    def close(self) -> None:
        close = getattr(self._reader, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> IpLocator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
