"""Canonical forms and validation, per kind, on values whose right answer is known."""

from __future__ import annotations

import pytest

from jingwang.indicators import InvalidIndicator, canonicalize, is_valid
from jingwang.indicators.checksums import (
    bech32_valid,
    eip55_checksum,
    gb11643_check_char,
    luhn_valid,
)


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("phone", "138 1234 5678", "+8613812345678"),
        ("phone", "１３８-一二三四-５６７８", "+8613812345678"),
        ("phone", "+86 138 1234 5678", "+8613812345678"),
        ("phone", "008613812345678", "+8613812345678"),
        ("phone", "8613812345678", "+8613812345678"),
        ("phone", "0513-85123456", "+8651385123456"),
        ("phone", "010-62345678", "+861062345678"),
        ("phone", "400-820-8820", "+864008208820"),
        ("qq", "2 8 6 5 4 3 1 0 9", "286543109"),
        ("qq", "一二三四五六七", "1234567"),
        ("wechat", "HeiYe_Data88", "heiye_data88"),
        ("wechat", "13812345678", "13812345678"),
        ("telegram", "@PaoFen_Boss", "paofen_boss"),
        ("telegram", "https://t.me/paofen_boss", "paofen_boss"),
        ("bank_card", "6222 0209 2815 9013 962", "6222020928159013962"),
        ("id_card", "11010519491231002x", "11010519491231002X"),
        ("id_card", "320602198805151233", "320602198805151233"),
        ("id_card", "110105491231002", "11010519491231002X"),  # 15-digit first generation
        ("domain", "WWW.XX88.com.cn", "xx88.com.cn"),
        ("domain", "xx88[.]com", "xx88.com"),
        ("domain", "xx88点com", "xx88.com"),
        ("domain", "a.b.gov.cn", "b.gov.cn"),
        ("domain", "中文网.com", "xn--fiq228c5hs.com"),
        ("url", "hxxp://WWW.XX88[.]com/Reg?a=1", "http://www.xx88.com/Reg?a=1"),
        ("url", "xx88.com/reg", "http://xx88.com/reg"),
        ("ip", "010.001.2.3", "10.1.2.3"),
        ("ip", "2001:DB8::1", "2001:db8::1"),
        ("email", "BanZheng2020#163.com", "banzheng2020@163.com"),
        ("email", "abc[at]qq.com", "abc@qq.com"),
        ("tron", "TPnDf2P1BHfJRH96DZLF5vcyJZCmmTSPmR", "TPnDf2P1BHfJRH96DZLF5vcyJZCmmTSPmR"),
        ("btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        ("btc", "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
         "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        ("eth", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
         "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        ("eth", "0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",
         "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        ("alipay", "159 3728 1046", "+8615937281046"),
        ("alipay", "Pay@Example.com", "pay@example.com"),
        ("app", "com.Hei.Loan", "com.hei.loan"),
        ("device", "490154203237518", "490154203237518"),
    ],
)
def test_canonical_form(kind: str, raw: str, value: str) -> None:
    assert canonicalize(kind, raw) == value


@pytest.mark.parametrize(
    ("kind", "raw", "reason"),
    [
        ("phone", "12812345678", "numbering plan"),  # no 128 mobile block
        ("phone", "10086", "too short"),
        ("phone", "abc13812345678", "not a number"),
        ("qq", "0123456", "leading zero"),
        ("qq", "1234", "5–11"),
        ("bank_card", "6222020928159013963", "Luhn"),
        ("bank_card", "1222020928159013962", "issuer"),
        ("id_card", "320602198805151234", "GB 11643"),
        ("id_card", "990602198805151233", "region"),
        ("id_card", "320602198802301234", "birth date"),
        ("domain", "localhost", "public suffix"),
        ("domain", "com.cn", "registered domain"),
        ("ip", "256.1.1.1", "above 255"),
        ("email", "no-at-sign.com", "no @"),
        ("tron", "TPnDf2P1BHfJRH96DZLF5vcyJZCmmTSPmr", "checksum"),
        ("btc", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "checksum"),
        ("eth", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "EIP-55"),
        ("telegram", "@abc", "5–32"),
        ("device", "490154203237519", "IMEI"),
    ],
)
def test_invalid_values_are_refused_with_a_reason(kind: str, raw: str, reason: str) -> None:
    with pytest.raises(InvalidIndicator) as info:
        canonicalize(kind, raw)
    assert reason in info.value.reason
    assert not is_valid(kind, raw)


def test_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(InvalidIndicator, match="known: phone"):
        canonicalize("fax", "123")


def test_checksum_primitives_match_published_examples() -> None:
    # GB 11643-1999 appendix example and the well-known 11010519491231002X.
    assert gb11643_check_char("11010519491231002") == "X"
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    # EIP-55 test vectors from the EIP itself.
    assert eip55_checksum("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed") == \
        "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    assert eip55_checksum("fb6916095ca1df60bb79ce92ce3ea74c37c5d359") == \
        "fB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
    # BIP-173 / BIP-350 vectors: v0 is Bech32, v1 (taproot) must be Bech32m.
    assert bech32_valid("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
    assert bech32_valid("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")
    assert not bech32_valid("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")
