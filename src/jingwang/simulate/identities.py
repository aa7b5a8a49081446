"""Valid identifiers for simulated people and gangs: every value passes jingwang's own checks.

Each generator takes a `random.Random`, so a world built from one seed is the same every time.
"""

from __future__ import annotations

import random
import string

import base58

from jingwang.indicators.canonical import is_cn_mobile
from jingwang.indicators.checksums import eip55_checksum, gb11643_check_char, luhn_valid

# Mobile prefixes of the three carriers and the virtual operators black SIM cards come from.
MOBILE_PREFIXES = ("130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
                   "166 170 171 172 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 "
                   "191 193 195 196 198 199").split()
VIRTUAL_PREFIXES = ("170", "171", "162", "165", "167")
# Issuer prefixes (BINs) of cards that appear in Chinese cases: ICBC, ABC, BOC, CCB, CMB, PSBC …
CARD_BINS = ("622202", "622848", "621661", "436742", "622700", "622588", "621799", "623058",
             "622262", "621226", "622609", "625965")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
            "肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉鹏飞宇浩然子涵欣怡思雨"
SYLLABLES = ("ba bo da de fa gu hao hei hong huang jin jia kai le long ma mei ni pao qian "
             "qi rui sha shen tian wang wei xin xing ying yun zhi zhong cai fu bao").split()
TLDS_ILLICIT = ("com", "top", "vip", "xyz", "cc", "net", "site", "club", "me", "bet")
TLDS_LEGIT = ("com", "cn", "com.cn", "net")


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng: random.Random, virtual: bool = False) -> str:
    """11 digits of a valid mainland mobile number (virtual-operator ranges for black SIMs)."""
    prefixes = VIRTUAL_PREFIXES if virtual else MOBILE_PREFIXES
    while True:
        digits = rng.choice(prefixes) + "".join(rng.choice(string.digits) for _ in range(8))
        if is_cn_mobile(digits):
            return digits


def id_card(rng: random.Random, region_code: str) -> str:
    """An 18-character resident ID number born 1960–2004 in `region_code`."""
    year = rng.randint(1960, 2004)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    body = f"{region_code}{year:04d}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
    return body + gb11643_check_char(body)


def bank_card(rng: random.Random) -> str:
    """A Luhn-valid 19-digit debit card number under a real issuer prefix."""
    bin_ = rng.choice(CARD_BINS)
    body = bin_ + "".join(rng.choice(string.digits) for _ in range(18 - len(bin_)))
    for check in string.digits:
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable: one check digit always fits")


def imei(rng: random.Random) -> str:
    """A Luhn-valid IMEI (15 digits; type allocation code from a common handset range)."""
    body = "86" + "".join(rng.choice(string.digits) for _ in range(12))
    for check in string.digits:
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable")


def qq(rng: random.Random) -> str:
    return str(rng.randint(10_000_000, 3_999_999_999))


def handle(rng: random.Random, min_len: int = 6) -> str:
    """A WeChat- or Telegram-style handle: pinyin syllables, digits, maybe an underscore."""
    while True:
        parts = [rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))]
        sep = rng.choice(("", "_", ""))
        h = sep.join(parts) + str(rng.randint(1, 9999))
        if min_len <= len(h) <= 20:
            return h


def domain(rng: random.Random, illicit: bool = True) -> str:
    """A registered domain: pinyin and digits under a TLD the kind of site would use."""
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 2)))
    if illicit:
        name += str(rng.choice((8, 88, 888, 168, 518, 666, 999, rng.randint(10, 9999))))
    tld = rng.choice(TLDS_ILLICIT if illicit else TLDS_LEGIT)
    return f"{name}.{tld}"


def tron_address(rng: random.Random) -> str:
    return base58.b58encode_check(bytes([0x41]) + rng.randbytes(20)).decode("ascii")


def btc_address(rng: random.Random) -> str:
    return base58.b58encode_check(bytes([0x00]) + rng.randbytes(20)).decode("ascii")


def eth_address(rng: random.Random) -> str:
    return "0x" + eip55_checksum(rng.randbytes(20).hex())


def ipv4(rng: random.Random) -> str:
    """A public-looking IPv4 address (no private, loopback or multicast ranges)."""
    while True:
        a = rng.randint(1, 223)
        if a in (10, 127) or (a == 172) or (a == 192) or (a == 100) or (a == 169):
            continue
        return f"{a}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
