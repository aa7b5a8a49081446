"""The division table: real GB/T 2260 codes with known names, the post-2017 supplement."""

from __future__ import annotations

import pytest

from jingwang.regions import (
    Division,
    all_divisions,
    contains,
    current_code,
    division,
    full_name,
    lineage,
)
from jingwang.simulate.regions import REGIONS, region_name


def test_known_divisions() -> None:
    assert division("320600") == Division("320600", "南通市", "city", "320000")
    assert division("320602") == Division("320602", "崇川区", "county", "320600")
    assert division("350583") == Division("350583", "南安市", "county", "350500")
    assert division("320000") == Division("320000", "江苏省", "province", None)


def test_twelve_digit_codes() -> None:
    assert division("320600000000") == division("320600")
    assert full_name("350583000000") == "福建省泉州市南安市"


@pytest.mark.parametrize("code", ["999999", "320699", "abc", "", "32060", "3206000", "000000"])
def test_unknown_codes(code: str) -> None:
    assert division(code) is None
    assert lineage(code) == []


def test_full_names_and_lineage() -> None:
    assert full_name("320602") == "江苏省南通市崇川区"
    assert lineage("320602") == ["320000", "320600", "320602"]
    # Municipalities: the 市辖区 placeholder is no division, the district hangs from Beijing.
    assert lineage("110105") == ["110000", "110105"]
    assert full_name("110105") == "北京市朝阳区"
    # A county-level city under 省直辖县级行政区划 hangs from the province.
    assert full_name("429004") == "湖北省仙桃市"
    assert full_name("999999") == ""
    assert full_name("000000") == "全国"


def test_placeholders_are_not_divisions() -> None:
    assert division("110100") is None  # 北京市 市辖区
    assert current_code("110100") == "110000"
    assert all(d.name not in {"市辖区", "县", "省直辖县级行政区划"} for d in all_divisions())


def test_every_simulated_region_resolves() -> None:
    for code, (province, city, county) in REGIONS.items():
        div = division(code)
        assert div is not None, code
        assert div.name == county
        assert full_name(code) == region_name(code)
        assert division(lineage(code)[0]).name == province  # type: ignore[union-attr]
        assert city in full_name(code)


def test_supplement_and_withdrawn_codes() -> None:
    assert full_name("320614") == "江苏省南通市海门区"
    assert full_name("360603") == "江西省鹰潭市余江区"
    assert full_name("370116") == "山东省济南市莱芜区"
    # The withdrawn code stays (old ID cards carry it) and points to today's division.
    assert division("320684").name == "海门市"  # type: ignore[union-attr]
    assert current_code("320684") == "320614"
    assert current_code("371202") == "370116"  # 莱芜市莱城区 → 济南市莱芜区
    assert "320684" not in {d.code for d in all_divisions()}


def test_current_code_nearest() -> None:
    assert current_code("320699") is None
    assert current_code("320699", nearest=True) == "320600"
    assert current_code("329999", nearest=True) == "320000"
    assert current_code("999999", nearest=True) is None


def test_contains() -> None:
    assert contains("320600", "320602")
    assert contains("320000", "320602")
    assert contains("320602", "320602")
    assert not contains("320602", "320600")
    assert not contains("350000", "320602")
    assert contains("000000", "320602")
    assert contains("000000", "000000")
    assert not contains("320600", "999999")
    assert not contains("999999", "320602")
    # Withdrawn codes are compared as the division now in force.
    assert contains("320684", "320614")
    assert contains("370100", "371202")
    assert contains("110100", "110105")
