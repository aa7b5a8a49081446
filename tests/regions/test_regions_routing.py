"""owning_unit over a small tree: 部 → 江苏 → 南通 → 崇川; 福建 → 泉州 → 南安."""

from __future__ import annotations

import pytest

from jingwang.regions import UnitRef, owning_unit


@pytest.mark.parametrize(
    ("region", "unit"),
    [
        ("320602", "南通市公安局崇川分局"),
        ("320602000000", "南通市公安局崇川分局"),
        ("320614", "南通市公安局"),  # 海门区: no county unit, so its city
        ("320684", "南通市公安局"),  # the withdrawn 海门市
        ("320600", "南通市公安局"),
        ("320100", "江苏省公安厅"),  # 南京: no city unit
        ("350583", "南安市公安局"),
        ("350582", "泉州市公安局"),  # 晋江
        ("110105", "公安部"),  # no Beijing unit
        ("000000", "公安部"),
    ],
)
def test_owning_unit(units: list[UnitRef], region: str, unit: str) -> None:
    owner = owning_unit(region, units)
    assert owner is not None
    assert owner.name == unit


def test_no_owner(units: list[UnitRef]) -> None:
    provinces_only = [u for u in units if u.region_code != "000000"]
    assert owning_unit("110105", provinces_only) is None
    assert owning_unit("999999", provinces_only) is None
    assert owning_unit("320602", []) is None


def test_unknown_code_goes_to_the_ministry(units: list[UnitRef]) -> None:
    assert owning_unit("999999", units).name == "公安部"


def test_same_region_lower_id(units: list[UnitRef]) -> None:
    twin = UnitRef(0, "JS-NT-2", "南通另一局", "320600", "city", 2)
    assert owning_unit("320600", [*units, twin]) is twin
