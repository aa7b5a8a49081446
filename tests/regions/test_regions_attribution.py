"""Indicators and cases → regions, with the strengths and masked reasons."""

from __future__ import annotations

import pytest

from jingwang.regions import (
    STRENGTH,
    Attribution,
    attribute_case_region,
    attribute_indicator,
    mask,
    owning_unit,
)

NANTONG_MOBILE = "+8613962812345"  # 139 6281: 江苏省南通市 in phonenumbers' geocoder
NANAN_ID = "350583199003072413"


def test_nantong_mobile_routes_to_the_nantong_unit(units) -> None:
    a = attribute_indicator("phone", NANTONG_MOBILE)
    assert a == Attribution("320600", "phone", f"phone {NANTONG_MOBILE}", 0.7)
    assert a.place == "江苏省南通市"
    assert a.reason == "phone +86139…2345 attributed to 江苏省南通市"
    assert owning_unit(a.region_code, units).name == "南通市公安局"


def test_id_card_from_350583_goes_to_nanan(units) -> None:
    a = attribute_indicator("id_card", NANAN_ID)
    assert a is not None
    assert (a.region_code, a.method, a.strength) == ("350583", "id_card", 0.5)
    assert a.place == "福建省泉州市南安市"
    assert a.reason == "id_card 350583…2413 attributed to 福建省泉州市南安市"
    assert owning_unit(a.region_code, units).name == "南安市公安局"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("+861012345678", "110000"),  # Beijing landline
        ("+8651312345678", "320600"),  # Nantong landline (0513)
        ("+8659512345678", "350500"),  # Quanzhou landline (0595)
        ("+8613907281234", "420300"),  # 湖北省十堰市 mobile
        ("+8613399991234", "654000"),  # 新疆伊犁哈萨克自治州 mobile
    ],
)
def test_phones(number: str, code: str) -> None:
    a = attribute_indicator("phone", number)
    assert a is not None
    assert a.region_code == code


def test_beijing_landline_goes_to_the_ministry_without_a_beijing_unit(units) -> None:
    a = attribute_indicator("phone", "+861012345678")
    assert a.place == "北京市"
    assert owning_unit(a.region_code, units).name == "公安部"


@pytest.mark.parametrize(
    "number",
    ["+8617012345678", "+14155552671", "+447911123456", "not a number"],
)
def test_phones_without_a_chinese_place(number: str) -> None:
    # 170 is a virtual operator's range: the geocoder says only "中国".
    assert attribute_indicator("phone", number) is None


def test_id_cards() -> None:
    # A 海门市 card issued before 2020 goes to 海门区, which replaced it.
    old = attribute_indicator("id_card", "320684197901010510")
    assert old.region_code == "320614"
    assert old.place == "江苏省南通市海门区"
    # A county code not in the table still says which city.
    assert attribute_indicator("id_card", "320699199001011239").region_code == "320600"
    assert attribute_indicator("id_card", "990101199001011234") is None
    assert attribute_indicator("id_card", "3505") is None


def test_kinds_that_say_nothing_about_place() -> None:
    assert attribute_indicator("qq", "12345678") is None
    assert attribute_indicator("domain", "example.cn") is None
    assert attribute_indicator("ip", "1.2.3.4") is None  # no database given


def test_case_region() -> None:
    a = attribute_case_region("350583")
    assert a == Attribution("350583", "case", "case 350583", STRENGTH["case"])
    assert a.reason == "case 350583 attributed to 福建省泉州市南安市"
    assert attribute_case_region("320684").region_code == "320614"
    assert attribute_case_region("999999") is None
    assert attribute_case_region("000000") is None
    assert attribute_case_region("") is None


def test_strengths() -> None:
    assert STRENGTH == {"ip": 0.9, "address": 0.8, "phone": 0.7, "case": 0.6, "id_card": 0.5}


def test_mask() -> None:
    assert mask("+8613962812345") == "+86139…2345"
    assert mask("6222021234567890123") == "622202…0123"
    assert mask("12345678") == "12…78"
    bank = Attribution("350583", "case", "bank_card 6222021234567890123", 0.6)
    assert bank.reason == "bank_card 622202…0123 attributed to 福建省泉州市南安市"
