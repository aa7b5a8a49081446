"""A small tree of police units for routing tests: the ministry, two provinces, their towns."""

from __future__ import annotations

import pytest

from jingwang.regions import UnitRef


@pytest.fixture
def units() -> list[UnitRef]:
    return [
        UnitRef(1, "MPS", "公安部", "000000", "ministry", None),
        UnitRef(2, "JS", "江苏省公安厅", "320000", "province", 1),
        UnitRef(3, "JS-NT", "南通市公安局", "320600", "city", 2),
        UnitRef(4, "JS-NT-CC", "南通市公安局崇川分局", "320602", "county", 3),
        UnitRef(5, "FJ", "福建省公安厅", "350000", "province", 1),
        UnitRef(6, "FJ-QZ", "泉州市公安局", "350500", "city", 5),
        UnitRef(7, "FJ-QZ-NA", "南安市公安局", "350583", "county", 6),
    ]
