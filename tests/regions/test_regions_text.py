"""Addresses in free text → regions, ambiguity included."""

from __future__ import annotations

import pytest

from jingwang.regions import attribute_text, find_places


def codes(text: str) -> list[str]:
    return [a.region_code for a in attribute_text(text)]


def test_full_address() -> None:
    [a] = attribute_text("家住江苏省南通市崇川区人民路1号")
    assert (a.region_code, a.method, a.strength) == ("320602", "address", 0.8)
    assert a.evidence == "address 江苏省南通市崇川区"
    assert a.reason == "address 江苏省南通市崇川区 attributed to 江苏省南通市崇川区"


def test_short_names() -> None:
    assert codes("在福建南安做生意") == ["350583"]
    assert codes("福建人，家在南安") == ["350583"]
    assert codes("江苏南通人") == ["320600"]
    assert codes("上海浦东新区") == ["310115"]
    assert codes("新疆伊犁哈萨克自治州") == ["654000"]
    assert codes("延边") == ["222400"]  # 延边朝鲜族自治州


def test_several_places_in_order_once_each() -> None:
    text = "他在福建南安，后来去了江苏南通崇川区，又回到南安市"
    assert codes(text) == ["350583", "320602"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("北京市朝阳区", ["110105"]),
        ("长春市朝阳区", ["220104"]),
        ("吉林省长春市朝阳区", ["220104"]),
        ("住在朝阳区，北京的朋友", ["110105", "110000"]),  # settled by the other place
        ("朝阳区", []),  # Beijing or Changchun: we do not guess
        ("鼓楼区", []),  # 南京, 徐州, 福州 or 开封
        ("南京鼓楼区", ["320106"]),
        ("北京通州", ["110112"]),
        ("南通通州区", ["320612"]),
        ("吉林", ["220000"]),  # the province before the city
        ("吉林长春", ["220100"]),
        ("海南", ["460000"]),  # the province, not 海南藏族自治州
        ("青海海南共和县", ["632521"]),
    ],
)
def test_ambiguous_names(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "南安",  # a county short form alone says nothing
        "中山路18号",  # a street
        "白银价格大涨",  # silver, not 白银市
        "阿里云服务器",  # Alibaba
        "城区的网吧",  # 城区 is a district of several cities, and a word
        "",
        "no place here",
    ],
)
def test_no_place(text: str) -> None:
    assert codes(text) == []


def test_words_that_are_places_inside_an_address() -> None:
    assert codes("甘肃白银") == ["620400"]
    assert codes("广东中山") == ["442000"]


def test_leftmost_longest() -> None:
    assert codes("山东省济南市中心医院") == ["370100"]  # not 市中区


def test_new_and_withdrawn_names() -> None:
    assert codes("江苏省南通市海门区") == ["320614"]
    assert codes("南通海门市") == ["320614"]  # the old name means today's district
    assert codes("江西鹰潭余江区") == ["360603"]


def test_place_spans() -> None:
    [place] = find_places("家住江苏省南通市崇川区")
    assert (place.start, place.end, place.text) == (2, 11, "江苏省南通市崇川区")
