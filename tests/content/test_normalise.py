"""Normalisation: the ways evaders write a word mapped back, each character traced to where it
was written."""

from __future__ import annotations

from jingwang.content.kb import load_kb
from jingwang.content.normalise import Replacer, normalise

TABLE = Replacer({"菠菜": "博彩", "威信": "微信", "bc": "博彩", "vx": "微信", "钅戋": "钱",
                  "yp": "约炮"})


def test_traditional_characters_become_simplified() -> None:
    assert normalise("這個網站是賭博網站").text == "这个网站是赌博网站"


def test_full_width_forms_become_half_width_and_lower_case() -> None:
    assert normalise("ＱＱ：１２３４５６，ＶＸ同号").text == "qq123456vx同号"


def test_spaces_punctuation_and_emoji_between_characters_are_dropped() -> None:
    assert normalise("加 . 微 ❤️ 信 —— 领红包！").text == "加微信领红包"


def test_emoji_standing_for_a_character_is_read_as_it() -> None:
    assert normalise("菠🥬平台", TABLE).text == "博彩平台"


def test_homophones_and_split_characters_are_mapped_back() -> None:
    assert normalise("加威信 赚 钅戋", TABLE).text == "加微信赚钱"


def test_pinyin_initials_only_as_tokens_of_their_own() -> None:
    assert normalise("BC平台 yp 同城", TABLE).text == "博彩平台约炮同城"
    assert normalise("abc平台", TABLE).text == "abc平台"
    assert normalise("vx123456", TABLE).text == "微信123456"
    assert normalise("vxabc", TABLE).text == "vxabc"
    assert normalise("威信 kf_bc88", TABLE).text == "微信kfbc88"  # "_" joins an id


def test_every_character_keeps_where_it_was_written() -> None:
    source = "菠 🥬平臺，加威信"
    norm = normalise(source, TABLE)
    assert norm.text == "博彩平台加微信"
    assert norm.original(0, 2) == "菠 🥬"
    assert norm.original(2, 4) == "平臺"
    assert norm.original(4, 7) == "加威信"


def test_the_shipped_base_maps_the_common_contact_words() -> None:
    replacer = load_kb().replacer
    assert "微信" in normalise("加薇信", replacer).text
    assert "qq" in normalise("扣扣联系", replacer).text or "企鹅" in normalise(
        "扣扣联系", replacer).text
