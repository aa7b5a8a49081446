"""Voting over mixed evidence."""

from __future__ import annotations

from jingwang.regions import (
    Attribution,
    attribute_case_region,
    attribute_indicator,
    attribute_text,
    strongest,
)


def phone(number: str) -> Attribution:
    a = attribute_indicator("phone", number)
    assert a is not None
    return a


def id_card(value: str) -> Attribution:
    a = attribute_indicator("id_card", value)
    assert a is not None
    return a


NT_1, NT_2 = phone("+8613962812345"), phone("+8651312345678")  # both 南通
CHONGCHUAN_ID = id_card("320602198506120031")
TONGZHOU_ID = id_card("320612198506120034")
NANAN_ID = id_card("350583199003072413")


def test_nothing() -> None:
    assert strongest([]) is None
    assert strongest([None]) is None


def test_one_is_itself() -> None:
    assert strongest([NANAN_ID]) is NANAN_ID


def test_finer_evidence_inside_refines() -> None:
    a = strongest([NT_1, NT_2, CHONGCHUAN_ID])
    assert a.region_code == "320602"
    assert a.method == "phone"
    assert a.evidence.split("; ") == [NT_1.evidence, NT_2.evidence, CHONGCHUAN_ID.evidence]
    assert a.strength == round(1 - 0.3 * 0.3 * 0.5, 4)
    assert a.reason.endswith("attributed to 江苏省南通市崇川区")
    assert "320602198506120031" not in a.reason


def test_outside_evidence_is_outvoted() -> None:
    a = strongest([NT_1, NT_2, NANAN_ID])
    assert a.region_code == "320600"
    assert NANAN_ID.evidence not in a.evidence


def test_split_counties_stay_at_the_city() -> None:
    assert strongest([NT_1, NT_2, CHONGCHUAN_ID, TONGZHOU_ID]).region_code == "320600"
    assert strongest([CHONGCHUAN_ID, TONGZHOU_ID]).region_code == "320600"


def test_stronger_kinds_win() -> None:
    # An address in the text (0.8) outweighs a phone (0.7); the ID card adds to the address.
    [addr] = attribute_text("现住福建省泉州市南安市")
    assert strongest([NT_1, addr]).region_code == "350583"
    assert strongest([NT_1, NT_2, addr]).region_code == "320600"
    assert strongest([NT_1, NT_2, addr, NANAN_ID, attribute_case_region("350500")]).region_code == (
        "350583"
    )


def test_ties_are_deterministic() -> None:
    quanzhou = phone("+8659512345678")
    first = strongest([quanzhou, NT_1])
    assert first == strongest([NT_1, quanzhou])
    # Equal weight: the lower province code (江苏), then down to the evidence inside it.
    assert first.region_code == "320600"
    assert first.evidence == NT_1.evidence


def test_duplicates_count_once() -> None:
    assert strongest([CHONGCHUAN_ID, CHONGCHUAN_ID, NT_1]).region_code == "320602"
    assert strongest([NANAN_ID, NANAN_ID, NT_1]).region_code == "320600"


def test_unknown_regions_are_ignored() -> None:
    junk = Attribution("999999", "case", "case 999999", 0.6)
    assert strongest([junk]) is None
    assert strongest([junk, NANAN_ID]) is NANAN_ID
