"""Build the labelled indicator-extraction corpus ``tests/indicators/corpus.jsonl``.

Run ``python tests/indicators/make_corpus.py`` (``--stats`` prints line counts per tag).

Every line is ``{"id", "text", "indicators": [{"kind", "value"}], "tags"}``; ``value`` is the
canonical form of DESIGN.md ("The data model" -> Indicator kinds). Positive lines come from
hand-written Chinese black-industry ads, chat lines and victim reports whose slots are filled
with freshly generated, *valid* identifiers rendered through the obfuscations seen in the wild
(full-width / Chinese / financial / circled digits, separators, emoji, cue words, defanged
domains). Negative lines are sentences from the seed police reports and everyday text full of
dates, money, order numbers, versions, service numbers and checksum-failing look-alikes.

The script is deterministic (fixed seed) and computes every checksum with its own code below
(Luhn, GB 11643, base58check, bech32, EIP-55); it never imports ``jingwang``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import string
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

import phonenumbers
from Crypto.Hash import keccak

T = TypeVar("T")

SEED = 20190614
OUT = Path(__file__).with_name("corpus.jsonl")
INSTANCES = 2  # each positive template is filled this many times

# --------------------------------------------------------------------------------------------
# Checksums (own code)
# --------------------------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` passes the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_complete(payload: str) -> str:
    """Append the Luhn check digit to ``payload``."""
    for c in "0123456789":
        if luhn_ok(payload + c):
            return payload + c
    raise AssertionError("unreachable")


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """GB 11643-1999 check character for the first 17 digits of an ID number."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_ok(value: str) -> bool:
    """True when an 18-char ID number has a correct GB 11643 check character."""
    v = value.upper()
    return (
        len(v) == 18
        and v[:17].isdigit()
        and (v[17].isdigit() or v[17] == "X")
        and id_check_char(v[:17]) == v[17]
    )


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        n = n * 58 + B58.index(ch)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + body


def b58check_encode(payload: bytes) -> str:
    return b58encode(payload + _sha256d(payload)[:4])


def b58check_ok(text: str) -> bytes | None:
    """The payload of a valid base58check string, else None."""
    try:
        raw = b58decode(text)
    except ValueError:
        return None
    if len(raw) < 5 or _sha256d(raw[:-4])[:4] != raw[-4:]:
        return None
    return raw[:-4]


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data: bytes, frombits: int, tobits: int) -> list[int]:
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for b in data:
        acc = (acc << frombits) | b
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits:
        out.append((acc << (tobits - bits)) & maxv)
    return out


def bech32_segwit_v0(program: bytes, hrp: str = "bc") -> str:
    """BIP-173 bech32 address for a witness-v0 program."""
    data = [0, *_convertbits(program, 8, 5)]
    poly = _bech32_polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + checksum)


def bech32_ok(addr: str) -> bool:
    hrp, _, rest = addr.lower().rpartition("1")
    if not hrp or len(rest) < 7 or any(c not in BECH32 for c in rest):
        return False
    return _bech32_polymod([*_hrp_expand(hrp), *[BECH32.index(c) for c in rest]]) == 1


def keccak256_hex(text: str) -> str:
    h = keccak.new(digest_bits=256)
    h.update(text.encode("ascii"))
    return h.hexdigest()


def eip55(hex40: str) -> str:
    """EIP-55 mixed-case checksum form of a 40-hex-digit address (no 0x)."""
    low = hex40.lower()
    digest = keccak256_hex(low)
    return "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c
                   for i, c in enumerate(low))


# --------------------------------------------------------------------------------------------
# Digit renderings
# --------------------------------------------------------------------------------------------

FULLWIDTH = "０１２３４５６７８９"
FINANCIAL = "零壹贰叁肆伍陆柒捌玖"
CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
CN_PLAIN = "〇一二三四五六七八九"
DIGIT_LIKE = set(
    string.digits + FULLWIDTH + FINANCIAL + CIRCLED + CN_PLAIN + "零幺两十拾"
)
DIGIT_STYLES = ("plain", "fullwidth", "cn_numerals", "financial", "circled", "mixed_digits")
EMOJI_SEPS = ("🔥", "💰", "⭐", "🌹", "👉", "✨", "🍀", "💎")
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "170 171 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 "
    "191 193 195 196 197 198 199"
).split()
LANDLINE_AREAS = (
    ("10", 8), ("21", 8), ("20", 8), ("755", 8), ("513", 8), ("571", 8), ("28", 8),
    ("512", 8), ("591", 8), ("595", 8), ("27", 8), ("25", 8), ("23", 8), ("29", 8),
    ("311", 8), ("371", 8), ("573", 8), ("769", 8), ("532", 8), ("757", 8),
)
ID_REGIONS = (
    "110101", "110105", "110108", "320602", "320583", "320611", "330402", "330106",
    "440305", "440106", "510104", "350503", "350802", "310115", "370202", "420106",
    "130181", "330411", "350524", "522101",
)
CARD_BINS = {
    "62": ("622202", "622848", "621700", "622588", "623058", "621226", "622609", "621483",
           "622700", "621661", "622908", "625965"),
    "4": ("436742", "427020", "409665", "456351", "438088", "402674"),
    "5": ("552599", "524094", "518710", "548259", "512315", "559601"),
}
SYLLABLES = (
    "xiao mei lin zhang wang li chen liu yang hao jia ming an qi long fei xing da bao "
    "tian yun ling hua jun wei kai shu yue feng lei xin bo"
).split()
WORDS = "kefu boss data card pay shop team vip jm bc pf laoban dd scj mm ge jie hk".split()
DOMAIN_HEADS = (
    "hg xpj amjs pj yh dc bc lh js vns mgm ag bwin tyc ky bet lottery "
    "sgk shegong data bz banzheng kaipiao ddos stress yun pay paofen jiema sms kami "
    "daikuan fuli jiaoyou qipai tiyu cp"
).split()
DOMAIN_TAILS = "88 365 0088 8899 777 666 168 518 520 9999 1688 28 58 118 8 99 1314 2023".split()
TLDS = ("com", "com", "cn", "com.cn", "top", "vip", "xyz", "cc", "net")


# --------------------------------------------------------------------------------------------
# Pieces and the guard that keeps gold honest
# --------------------------------------------------------------------------------------------


@dataclass
class Piece:
    """A rendered slot: its text, the gold it contributes and its tags."""

    text: str
    gold: list[tuple[str, str]] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)


def _char_class(ch: str) -> str:
    if ch in DIGIT_LIKE:
        return "digit"
    if ch.isascii() and (ch.isalnum() or ch in "_-.@/"):
        return "ascii"
    return "other"


LEFT_OK = set(" :：(（,，、;；\n")
RIGHT_OK = set(" ,，、;；)）。！!\n")


def check_boundaries(text: str, start: int, end: int) -> None:
    """Refuse a slot whose neighbours would glue onto it (bad template, ambiguous gold)."""
    first, last = text[start], text[end - 1]
    if start > 0:
        left = text[start - 1]
        if left not in LEFT_OK and _char_class(first) != "other" and (
            _char_class(left) == _char_class(first)
            or (_char_class(first) == "ascii" and _char_class(left) == "digit")
            or (_char_class(first) == "digit" and left.isascii() and left.isalnum())
        ):
            raise ValueError(f"slot glued on the left: {text!r} @ {start}")
    if end < len(text):
        right = text[end]
        if right not in RIGHT_OK and _char_class(last) != "other" and (
            _char_class(right) == _char_class(last)
            or (_char_class(last) == "ascii" and _char_class(right) == "digit")
            or (_char_class(last) == "digit" and right.isascii() and right.isalnum())
        ):
            raise ValueError(f"slot glued on the right: {text!r} @ {end}")


# --------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------


class Maker:
    """Random identifiers, renderings and slot fillers, all from one seeded RNG."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    # ---- helpers
    def pick(self, seq: Sequence[T]) -> T:
        return self.rng.choice(seq)

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def fresh(self, make: Callable[[], str | None]) -> str:
        while True:
            v = make()
            if v is not None and v not in self.used:
                self.used.add(v)
                return v

    def code(self, n: int) -> str:
        alphabet = "ABCDEFGHJKMNPRSTUVWXYZ23456789"
        return "".join(self.pick(alphabet) for _ in range(n))

    # ---- valid identifiers
    def mobile(self) -> str:
        def make() -> str | None:
            n = self.pick(MOBILE_PREFIXES) + self.digits(8)
            p = phonenumbers.parse("+86" + n)
            if not phonenumbers.is_valid_number(p):
                return None
            if phonenumbers.number_type(p) != phonenumbers.PhoneNumberType.MOBILE:
                return None
            return n

        return self.fresh(make)

    def landline(self) -> tuple[str, str]:
        def make() -> str | None:
            area, n = self.pick(LANDLINE_AREAS)
            local = self.pick("2345678") + self.digits(n - 1)
            p = phonenumbers.parse(f"+86{area}{local}")
            if not phonenumbers.is_valid_number(p):
                return None
            return f"0{area}|{local}"

        area, local = self.fresh(make).split("|")
        return area, local

    def hotline400(self) -> str:
        def make() -> str | None:
            n = "400" + self.pick("16789") + self.digits(6)
            return n if phonenumbers.is_valid_number(phonenumbers.parse("+86" + n)) else None

        return self.fresh(make)

    def bank_card(self) -> str:
        def make() -> str | None:
            family = self.pick(("62", "62", "62", "4", "5"))
            bin_ = self.pick(CARD_BINS[family])
            length = self.pick((16, 19, 19, 17, 18)) if family == "62" else 16
            card = luhn_complete(bin_ + self.digits(length - len(bin_) - 1))
            return None if len(card) == 18 and id_ok(card) else card

        return self.fresh(make)

    def birth(self) -> str:
        d = date(1962, 1, 1) + timedelta(days=self.rng.randrange(0, 42 * 365))
        return d.strftime("%Y%m%d")

    def id_card(self, want_x: bool = False) -> str:
        def make() -> str | None:
            first17 = self.pick(ID_REGIONS) + self.birth() + self.digits(3)
            value = first17 + id_check_char(first17)
            if want_x != value.endswith("X"):
                return None
            if value.isdigit() and luhn_ok(value):  # keep it unambiguous vs. bank_card
                return None
            return value

        return self.fresh(make)

    def qq(self) -> str:
        def make() -> str:
            n = self.pick((5, 6, 7, 7, 8, 8, 9, 9, 9, 10, 10, 10, 11))
            first = self.pick("23456789") if n == 11 else self.pick("123456789")
            return first + self.digits(n - 1)

        return self.fresh(make)

    def wechat_id(self) -> str:
        def make() -> str | None:
            parts = [self.pick(SYLLABLES) if self.rng.random() < 0.7 else self.pick(WORDS)]
            for _ in range(self.rng.randint(1, 2)):
                parts.append(self.pick(("", "", "_", "-")))
                parts.append(self.pick(SYLLABLES + WORDS))
            if self.rng.random() < 0.8:
                parts.append(self.pick(("", "_", "")))
                parts.append(self.digits(self.rng.randint(2, 6)))
            v = "".join(parts)
            if not 6 <= len(v) <= 20 or "qq" in v or re.search(r"\d{5}", v):
                return None
            return v

        return self.fresh(make)

    def tg_handle(self) -> str:
        def make() -> str | None:
            parts = [self.pick(WORDS + SYLLABLES)]
            for _ in range(self.rng.randint(1, 3)):
                parts.append(self.pick(("", "_")))
                parts.append(self.pick(SYLLABLES + WORDS))
            if self.rng.random() < 0.7:
                parts.append(self.pick(("", "_")) + self.digits(self.rng.randint(1, 4)))
            v = "".join(parts)
            if not 5 <= len(v) <= 32 or "__" in v or "qq" in v.lower():
                return None
            return v

        return self.fresh(make)

    def domain_parts(self) -> tuple[str, str]:
        def make() -> str:
            head = self.pick(DOMAIN_HEADS)
            tail = self.pick(DOMAIN_TAILS) if self.rng.random() < 0.8 else self.pick(
                ("-" + self.pick(DOMAIN_HEADS), "online", "app", "hub"))
            return f"{head}{tail}|{self.pick(TLDS)}"

        label, tld = self.fresh(make).split("|")
        return label, tld

    def email(self) -> str:
        def make() -> str:
            kind = self.rng.random()
            if kind < 0.35:
                return self.qq() + self.pick(("@qq.com", "@qq.com", "@foxmail.com"))
            local = self.pick(SYLLABLES) + self.pick(("", "_", ".")) + self.pick(SYLLABLES + WORDS)
            local += self.digits(self.rng.randint(0, 4))
            host = self.pick(("163.com", "126.com", "gmail.com", "outlook.com", "sina.com",
                              "yeah.net", "hotmail.com", "protonmail.com", "139.com"))
            return f"{local}@{host}"

        return self.fresh(make)

    def ipv4(self) -> str:
        def make() -> str:
            first = self.pick((47, 39, 101, 103, 45, 43, 119, 120, 121, 139, 154, 156, 185,
                               58, 61, 110, 112, 114, 117, 180, 182, 218, 222, 23, 104, 107))
            return f"{first}.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}." \
                   f"{self.rng.randint(1, 254)}"

        return self.fresh(make)

    def tron(self) -> str:
        def make() -> str:
            addr = b58check_encode(b"\x41" + self.rng.randbytes(20))
            assert addr.startswith("T") and len(addr) == 34
            return addr

        return self.fresh(make)

    def btc(self) -> str:
        def make() -> str:
            r = self.rng.random()
            if r < 0.4:
                return b58check_encode(b"\x00" + self.rng.randbytes(20))
            if r < 0.7:
                return b58check_encode(b"\x05" + self.rng.randbytes(20))
            return bech32_segwit_v0(self.rng.randbytes(20))

        return self.fresh(make)

    def eth(self) -> str:
        return self.fresh(lambda: "0x" + self.rng.randbytes(20).hex())

    # ---- digit renderings
    def cn_digit(self, d: str) -> str:
        if d == "0":
            return self.pick("〇零")
        if d == "1":
            return self.pick(("一", "一", "幺"))
        return CN_PLAIN[int(d)]

    def render_digits(self, s: str, style: str) -> str:
        if style == "plain":
            return s
        if style == "fullwidth":
            return "".join(FULLWIDTH[int(c)] for c in s)
        if style == "cn_numerals":
            return "".join(self.cn_digit(c) for c in s)
        if style == "financial":
            return "".join(FINANCIAL[int(c)] for c in s)
        if style == "circled":
            return "".join(CIRCLED[int(c)] for c in s)
        assert style == "mixed_digits"
        forms = ("plain", "fullwidth", "cn_numerals", "financial", "circled")
        while True:
            chosen = [self.pick(forms) for _ in s]
            if len(set(chosen)) >= 3:
                return "".join(self.render_digits(c, f) for c, f in zip(s, chosen, strict=True))

    def digit_style(self) -> str:
        return self.rng.choices(DIGIT_STYLES, weights=(34, 12, 14, 11, 11, 18))[0]

    # ---- slots: valid indicators
    def slot_mob(self, arg: str | None) -> Piece:
        n = self.mobile()
        if arg == "intl":
            style = self.pick(("plain", "plain", "fullwidth"))
        else:
            style = arg if arg in DIGIT_STYLES else self.digit_style()
        sep_kind = arg if arg in ("none", "space", "dash", "dot", "emoji") else self.rng.choices(
            ("none", "space", "dash", "dot", "emoji"), weights=(50, 15, 13, 10, 12))[0]
        intl = arg == "intl" or (arg is None and style in ("plain", "fullwidth")
                                 and self.rng.random() < 0.18)
        tags = {"mobile"}
        if style != "plain":
            tags.add(style)
        groups = [n[:3], n[3:7], n[7:]]
        rendered = [self.render_digits(g, style) for g in groups]
        if sep_kind == "none":
            body = "".join(rendered)
        else:
            sep = {"space": " ", "dash": "-", "dot": "."}.get(sep_kind) or self.pick(EMOJI_SEPS)
            body = sep.join(rendered)
            tags.add("emoji_sep" if sep_kind == "emoji" else "separators")
        if intl:
            body = self.pick(("+86 ", "+86", "+86-", "0086 ", "0086", "0086-")) + body
            tags.add("intl_prefix")
        return Piece(body, [("phone", "+86" + n)], tags)

    WX_CUES = ("微信", "薇信", "威信", "V信", "v信", "vx", "VX", "wx", "WX", "加V", "➕V", "v❤",
               "薇", "weixin", "卫星", "微信", "vx", "V信", "加V")
    CUE_SEPS = ("", "", ":", "：", "：", " ", "号", "是", "号：", "👉", "🔥")

    def cue_sep(self, cue: str, value_ascii: bool) -> str:
        while True:
            sep = self.pick(self.CUE_SEPS)
            glued = cue[-1].isascii() and cue[-1].isalnum() and value_ascii
            if sep == "" and glued:
                continue
            return sep

    def slot_wx(self, arg: str | None) -> Piece:
        wid = self.wechat_id()
        shown = wid
        r = self.rng.random()
        if r < 0.15:
            shown = wid[0].upper() + wid[1:]
        elif r < 0.22:
            shown = wid.upper()
        cue = self.pick(self.WX_CUES)
        text = cue + self.cue_sep(cue, True) + shown
        return Piece(text, [("wechat", wid.lower())], {"wechat_cue"})

    def slot_wxm(self, arg: str | None) -> Piece:
        n = self.mobile()
        cue = self.pick(self.WX_CUES)
        text = cue + self.cue_sep(cue, True) + n
        return Piece(text, [("phone", "+86" + n), ("wechat", n)],
                     {"wechat_cue", "wechat_mobile", "mobile"})

    QQ_CUES = ("QQ", "qq", "扣扣", "企鹅", "Q号", "抠抠", "Q群", "Q:", "QQ", "qq", "QQ群", "扣扣")

    def slot_qq(self, arg: str | None) -> Piece:
        q = self.qq()
        style = arg if arg in DIGIT_STYLES else self.rng.choices(
            DIGIT_STYLES, weights=(45, 11, 12, 10, 10, 12))[0]
        cue = self.pick(self.QQ_CUES)
        sep = "" if cue.endswith(":") else self.pick(("", "", ":", "：", " ", "号", "是", "👉"))
        if cue.endswith("号") and sep == "号":
            sep = "："
        tags = {"qq_cue"}
        if style != "plain":
            tags.add(style)
        return Piece(cue + sep + self.render_digits(q, style), [("qq", q)], tags)

    TG_CUES = ("飞机", "纸飞机", "TG", "tg", "电报", "telegram", "Telegram", "飞机", "TG")

    def slot_tg(self, arg: str | None) -> Piece:
        h = self.tg_handle()
        shown = h if self.rng.random() < 0.8 else h[0].upper() + h[1:]
        if arg == "tme" or (arg is None and self.rng.random() < 0.3):
            pre = self.pick(("t.me/", "https://t.me/", "t.me/", "http://t.me/", "https://t.me/"))
            return Piece(pre + shown, [("telegram", h.lower())], {"telegram", "tme_link"})
        cue = self.pick(self.TG_CUES)
        at = self.pick(("@", "@", ""))
        sep = self.cue_sep(cue, not at)
        return Piece(cue + sep + at + shown, [("telegram", h.lower())], {"telegram"})

    def slot_tme(self, arg: str | None) -> Piece:
        return self.slot_tg("tme")

    DEFANG = ("dian", "juhao", "bracket", "paren", "spaced")

    def slot_dom(self, arg: str | None) -> Piece:
        label, tld = self.domain_parts()
        reg = f"{label}.{tld}"
        if arg == "defanged" or (arg is None and self.rng.random() < 0.5):
            how = self.pick(self.DEFANG)
            dot = {"dian": "点", "juhao": "。", "bracket": "[.]", "paren": "(.)",
                   "spaced": " . "}[how]
            sub = self.pick(("", "", "", "www"))
            host = ([sub] if sub else []) + [label, *tld.split(".")]
            return Piece(dot.join(host), [("domain", reg)], {"domain", "defanged_domain"})
        sub = self.pick(("", "", "www", "www", "m", "app", "a.b", "vip"))
        host = f"{sub}.{reg}" if sub else reg
        if self.rng.random() < 0.15:
            host = host.upper() if self.rng.random() < 0.5 else host.capitalize()
        return Piece(host, [("domain", reg)], {"domain"})

    URL_PATHS = ("", "/", "/reg", "/register?code={c}", "/app/download.html",
                 "/m/index.php?ref={c}", "/user/login", "/dl/{c}.apk", "/static/app.apk",
                 "/?i={c}", "/vip/{c}", "/a/b/c.html", "/index.php?s=/home/{c}",
                 "/pay?order={c}&amt=500")

    def slot_url(self, arg: str | None) -> Piece:
        label, tld = self.domain_parts()
        reg = f"{label}.{tld}"
        sub = self.pick(("", "www", "www", "m", "h5", "api", "dl"))
        host = f"{sub}.{reg}" if sub else reg
        path = self.pick(self.URL_PATHS).replace("{c}", self.code(self.rng.randint(4, 6)))
        style = arg or self.rng.choices(("http", "https", "hxxp", "hxxps", "bare", "upper"),
                                        weights=(20, 30, 14, 8, 18, 10))[0]
        tags = {"url", "domain"}
        if style == "bare":
            if not path or path == "/":
                path = "/reg"
            return Piece(host + path, [("url", f"http://{host}{path}"), ("domain", reg)], tags)
        scheme = {"http": "http", "https": "https", "hxxp": "http", "hxxps": "https",
                  "upper": self.pick(("http", "https"))}[style]
        written_scheme = {"hxxp": "hxxp", "hxxps": "hxxps"}.get(style, scheme)
        written_host = host
        if style == "upper":
            written_scheme, written_host = written_scheme.upper(), host.upper()
            tags.add("upper_url")
        if style in ("hxxp", "hxxps"):
            tags.add("defanged_url")
            if self.rng.random() < 0.5:
                written_host = host.replace(".", "[.]")
        text = f"{written_scheme}://{written_host}{path}"
        return Piece(text, [("url", f"{scheme}://{host}{path}"), ("domain", reg)], tags)

    def slot_land(self, arg: str | None) -> Piece:
        area, local = self.landline()
        style = self.pick(("dash", "dash", "paren", "paren_full", "space"))
        if style == "dash":
            text = f"{area}-{local}"
        elif style == "paren":
            text = f"({area}){local}"
        elif style == "paren_full":
            text = f"（{area}）{local}"
        else:
            text = f"{area} {local[:4]} {local[4:]}"
        return Piece(text, [("phone", f"+86{area[1:]}{local}")], {"landline"})

    def slot_hot400(self, arg: str | None) -> Piece:
        n = self.hotline400()
        sep = self.pick(("-", "-", " ", ""))
        return Piece(sep.join((n[:3], n[3:6], n[6:])), [("phone", "+86" + n)],
                     {"landline", "hotline_400"})

    def slot_card(self, arg: str | None) -> Piece:
        c = self.bank_card()
        style = self.pick(("plain", "space", "space", "dash"))
        if style == "plain":
            text = c
        else:
            text = {"space": " ", "dash": "-"}[style].join(c[i:i + 4] for i in range(0, len(c), 4))
        return Piece(text, [("bank_card", c)], {"bank_card"})

    def slot_id(self, arg: str | None) -> Piece:
        v = self.id_card(want_x=self.rng.random() < 0.35)
        shown = v[:-1] + "x" if v.endswith("X") and self.rng.random() < 0.4 else v
        tags = {"id_card"}
        if shown.endswith("x"):
            tags.add("id_lower_x")
        return Piece(shown, [("id_card", v)], tags)

    def slot_email(self, arg: str | None) -> Piece:
        e = self.email()
        shown = e
        if self.rng.random() < 0.2:
            local, host = e.split("@")
            shown = local.capitalize() + "@" + host.capitalize()
        return Piece(shown, [("email", e.lower())], {"email"})

    def slot_tron(self, arg: str | None) -> Piece:
        a = self.tron()
        return Piece(a, [("tron", a)], {"crypto", "tron"})

    def slot_btc(self, arg: str | None) -> Piece:
        a = self.btc()
        return Piece(a, [("btc", a)], {"crypto", "btc"})

    def slot_eth(self, arg: str | None) -> Piece:
        a = self.eth()
        shown = a if self.rng.random() < 0.5 else "0x" + eip55(a[2:])
        return Piece(shown, [("eth", a.lower())], {"crypto", "eth"})

    def slot_ip(self, arg: str | None) -> Piece:
        ip = self.ipv4()
        return Piece(ip, [("ip", ip)], {"ip"})

    def slot_ipport(self, arg: str | None) -> Piece:
        ip = self.ipv4()
        port = self.pick(("8080", "3128", "1080", "8888", "443", "9999"))
        return Piece(f"{ip}:{port}", [("ip", ip)], {"ip"})

    # ---- slots: hard negatives (no gold)
    def _not_valid(self, digits: str) -> bool:
        if 16 <= len(digits) <= 19 and luhn_ok(digits):
            return False
        if len(digits) == 18 and id_ok(digits):
            return False
        return not (len(digits) == 11 and phonenumbers.is_valid_number(
            phonenumbers.parse("+86" + digits)))

    def slot_date(self, arg: str | None) -> Piece:
        d = date(2019, 1, 1) + timedelta(days=self.rng.randrange(0, 5 * 365))
        fmt = self.pick(("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d", "%Y%m%d"))
        return Piece(d.strftime(fmt), [], {"neg_date"})

    def slot_datetime(self, arg: str | None) -> Piece:
        d = date(2019, 1, 1) + timedelta(days=self.rng.randrange(0, 5 * 365))
        h, m, s = self.rng.randint(0, 23), self.rng.randint(0, 59), self.rng.randint(0, 59)
        t = f"{h:02d}:{m:02d}:{s:02d}"
        return Piece(f"{d.isoformat()} {t}", [], {"neg_date"})

    def slot_money(self, arg: str | None) -> Piece:
        amount = self.pick((500, 800, 1000, 2000, 3000, 5000, 8800, 13800, 20000, 49999, 120000))
        forms = [f"{amount}元", f"¥{amount}", f"￥{amount:,}.00", f"{amount}块",
                 f"人民币{amount}元"]
        if amount >= 10000:
            forms.append(f"{amount / 10000:g}万元")
        text = self.pick(forms)
        return Piece(text, [], {"neg_money"})

    def slot_order(self, arg: str | None) -> Piece:
        def make() -> str | None:
            d = date(2021, 1, 1) + timedelta(days=self.rng.randrange(0, 900))
            v = d.strftime("%Y%m%d") + self.digits(self.pick((10, 11, 12, 13, 14)))
            return v if self._not_valid(v) else None

        return Piece(self.fresh(make), [], {"neg_order"})

    def slot_track(self, arg: str | None) -> Piece:
        return Piece(self.pick(("7531", "4309", "2950", "3109")) + self.digits(9), [],
                     {"neg_tracking"})

    def slot_ver(self, arg: str | None) -> Piece:
        a, b, c = self.rng.randint(1, 9), self.rng.randint(0, 12), self.rng.randint(0, 30)
        text = self.pick((f"v{a}.{b}.{c}", f"版本{a}.{b}.{c}.{self.rng.randint(1, 99)}",
                          f"V{a}.{b}.{c}", f"版本号{a}.{b}.{c}"))
        return Piece(text, [], {"neg_version"})

    def slot_svc(self, arg: str | None) -> Piece:
        return Piece(self.pick(("10086", "10010", "10000", "95588", "95533", "95555", "95566",
                                "12345", "110", "120", "96110", "12315", "12321", "95518")),
                     [], {"neg_service"})

    def slot_badmob(self, arg: str | None) -> Piece:
        def make() -> str | None:
            v = self.pick(("128", "127", "120", "121", "122", "111", "100", "109", "129", "124")) \
                + self.digits(8)
            return None if phonenumbers.is_valid_number(phonenumbers.parse("+86" + v)) else v

        return Piece(self.fresh(make), [], {"neg_invalid_phone"})

    def slot_badcard(self, arg: str | None) -> Piece:
        def make() -> str | None:
            bin_ = self.pick(CARD_BINS["62"])
            v = bin_ + self.digits(self.pick((16, 19, 19, 17)) - len(bin_))
            return v if self._not_valid(v) else None

        v = self.fresh(make)
        text = v if self.rng.random() < 0.6 else " ".join(v[i:i + 4] for i in range(0, len(v), 4))
        return Piece(text, [], {"neg_bad_luhn"})

    def slot_badid(self, arg: str | None) -> Piece:
        def make() -> str | None:
            first17 = self.pick(ID_REGIONS) + self.birth() + self.digits(3)
            wrong = self.pick([c for c in "0123456789X" if c != id_check_char(first17)])
            v = first17 + wrong
            return v if not (v.isdigit() and luhn_ok(v)) else None

        return Piece(self.fresh(make), [], {"neg_bad_id"})

    def slot_pct(self, arg: str | None) -> Piece:
        return Piece(f"{self.rng.randint(1, 99)}.{self.rng.randint(0, 9)}%", [], {"neg_percent"})

    # ---- filling
    def fill(self, template: str) -> tuple[str, list[tuple[str, str]], set[str]]:
        """Fill every ``{slot}`` of ``template``; tags gain ``multi`` for 2+ indicator slots."""
        text = ""
        n_slots = 0
        gold: list[tuple[str, str]] = []
        tags: set[str] = set()
        spans: list[tuple[int, int]] = []
        pos = 0
        for m in SLOT_RE.finditer(template):
            text += template[pos:m.start()]
            piece = getattr(self, "slot_" + m.group(1))(m.group(2))
            spans.append((len(text), len(text) + len(piece.text)))
            text += piece.text
            gold += piece.gold
            tags |= piece.tags
            n_slots += bool(piece.gold)
            pos = m.end()
        text += template[pos:]
        for s, e in spans:
            check_boundaries(text, s, e)
        seen: set[tuple[str, str]] = set()
        gold = [g for g in gold if not (g in seen or seen.add(g))]
        if n_slots >= 2:
            tags.add("multi")
        return text, gold, tags


SLOT_RE = re.compile(r"\{(\w+)(?::(\w+))?\}")


# --------------------------------------------------------------------------------------------
# Hand-written positive templates (black-industry ads, chat lines, reports)
# --------------------------------------------------------------------------------------------

POSITIVE = [
    # --- 侵犯公民个人信息 / 出售料
    "出售新鲜一手料，银行/贷款/股民精准数据，量大从优，{wx}",
    "收各行业料子，宝妈/车主/学生都要，价格美丽，{qq}",
    "【社工库】查人 查户籍 查开房，秒出结果，{tg}",
    "现有快递面单数据30万条，当天出单，{wx}，非诚勿扰",
    "高价收购网贷平台注册数据，回款快，{tme}",
    "四件套（卡+身份证+手机卡+U盾）长期收，{wx}，另有{qq}",
    "车主信息精准到市，保险公司专用，电话{mob}，{wx}",
    "出售股民资料 shuju 日更 每条0.3元，{qq}",
    "查档：手机号定位、开房记录、户籍照片，私聊{tg}",
    "一手医美客户资料，联系人：王经理 {mob}",
    "有需要学生家长数据的私我，{wx}（备注：数据）",
    "某宝买家信息每天更新，样本发你邮箱，我的是{email}",
    "【出售】新鲜母婴料，{dom} 自助提取，USDT结算 {tron}",
    "查询结果：姓名 李某，身份证{id}，手机{mob}，户籍地 江苏南通",
    "开房记录查询 一条50 担保交易 {qq}",
    "暗网新料上架，访问 {url} 注册后找客服 {tg}",
    "fresh料 daily update，要的滴滴 {wx}",
    "户籍+照片+通话详单，全国可查，{mob}",
    "招代理卖料，一级代理拿货价五折，{tg}",
    "出一批贷款客户，逾期少，意向强，{wxm}",
    "身份证正反面+手持照 一套45元，样例：{id} 张某 男",
    "高价回收银行卡四件套，{mob}，当面交易",
    # --- 跑分 / 支付结算 / 洗钱
    "跑分平台招募码商，日赚500+，押金{money}起，{wx}",
    "支付宝/微信码收款跑分，佣金3%，稳定不冻卡，{tg}",
    "招聘兼职跑分，有卡就能做，一天轻松过千，{qq}",
    "USDT承兑，汇率7.25，大额可谈，收U地址{tron}",
    "收U地址（TRC20）：{tron}，备用ERC20：{eth}",
    "四方支付通道对接，后台 {dom}，技术 {tg}",
    "收一类卡，已有卡商在跑，样卡{card}，{wx}",
    "代收代付 接口文档见 {url} 对接人 {tg}",
    "BTC收款地址 {btc} 到账后自动发货",
    "出U换现 手续费千三，{tg}",
    "回U请打到 {btc}（BTC）或 {tron}（USDT-TRC20）",
    "对公账户出租，一户一码，{mob}",
    "公户私户都收，日结不压款，{wx}，{qq}",
    "pf车队招人 有手就行，一天2000+ {tg}",
    "承兑商入驻，保证金{money}，ETH地址 {eth}",
    "码商押金请转到 {card}，到账后开码",
    "跑分APP下载 {url} 邀请码8866",
    "洗白资金 千五点位 {wxm}",
    "收购微信支付宝实名号，一个80，{wx}",
    "跑分被冻卡了，上家的飞机号是{tg}，钱也没结",
    # --- 接码 / 卡商 / 号商
    "接码平台 {dom} 全国实卡，微信QQ抖音注册 秒收",
    "卡商出物联网卡，不实名，量大{mob:circled}",
    "猫池设备出售 64口 带群控软件，{wx}",
    "全国手机黑卡批发，{tg}，外地卡每张{money}",
    "短信验证码代收，API {url} 对接{qq}",
    "出售海外虚拟号 +1/+44/+63，{tme}",
    "实名小号批发 微信号 抖音号 支付宝号，老号稳定，{wx}",
    "号商收老号，3年以上老号每个{money}，{tg}",
    "接码 jiema 稳定出码 价格私聊 {qq:cn_numerals}",
    "手机卡一手货源 联系电话{mob:financial}",
    "卡商对接 语音卡 流量卡 {wx} 或 {tg}",
    "打码平台充值 {url} 客服{qq}",
    # --- 网络赌博 菠菜
    "澳门新葡京 真人荷官在线发牌，{dom} 首充送88%",
    "菠菜大平台 {dom}，提款秒到，推广员{wx}",
    "足彩串关 稳赚不赔 带单老师{qq}",
    "注册 {url} 送38元体验金，邀请码8866",
    "体育bc代理招商，佣金高达60%，{tg}",
    "新开棋牌 {dom} 打鱼/斗地主/百家乐，客服{qq}",
    "时时彩计划群 每期必中，{qq:fullwidth}",
    "六合彩资料 {dom} 内部消息，{wx}",
    "某某娱乐城备用网址：{dom}、{dom}，请收藏",
    "哥们上周在{dom}输了十几万，客服电话{mob}也打不通了",
    "棋牌APP下载：{url}",
    "百家乐包赢技巧，带你上岸 {mob}",
    "bc tuiguang zhao dai li，日结，{qq}",
    "真人视讯 电子 彩票 体育 一站式 {url} 客服{tg}",
    "世界杯竞猜 赔率最高 {dom:defanged}",
    "老虎机 彩金 每日签到送 {dom:defanged} 代理{qq:mixed_digits}",
    "赌场上分下分找财务 {wx}，USDT {tron}",
    "注册送彩金 {dom} 复制网址到浏览器打开",
    # --- 制售假证 / 假发票
    "办证刻章 毕业证 学位证 学信网可查，{wx}",
    "各类证件 驾驶证 上岗证 一比一制作，电话{mob}",
    "出售发票 增值税专票 可验 {qq}",
    "学历提升 学信网可查 包过，{dom}",
    "代办健康证、上岗证，加急24小时，{wx}",
    "仿冒党校函授学院网站 {dom} 提供学历查询，已被查处",
    "记者证 工作证 各种证件办理，{tg}",
    "专业开各类发票，座机{land}",
    "毕业证书全套 含档案 网上可查 {mob:cn_numerals}",
    "刻章 公章 财务章 合同章 {land} 同城送货",
    "资格证 职称证 代考代办 官网 {url}",
    # --- 刷单 / 水军 / 删帖
    "兼职刷单，日结佣金，一单一结，{wx}",
    "招聘宝妈在家兼职，点赞关注一个3元，{qq}",
    "有偿删帖，负面舆情处理，{tg}",
    "网络水军 好评 刷评 控评，{wx}，{qq}",
    "刷单返利任务群，垫付本金后返还，{dom}",
    "抖音点赞 快手涨粉 直播间人气，{url}",
    "我被拉进一个刷单群，对方让我下载{dom}，先后转账{money}，对方手机{mob}",
    "公关删稿 百度贴吧 微博热搜撤稿 {tg}",
    "招打字员 在家可做 手机就行 {wxm}",
    "刷信誉 刷销量 淘宝拼多多都能做 {qq:financial}",
    "做任务的群主是{wx}，说做完第三单就返本金，结果一直不返",
    "刷量平台 {url} 百万粉丝一键下单",
    # --- DDoS / 黑客
    "DDoS压力测试平台 {dom} 300G 测试，{tg}",
    "出售肉鸡 全国混合节点 {ip} 一台一天5元，{qq}",
    "CC攻击 打死对手站，测试节点 {ip}",
    "压力测试 包月套餐 官网 {url}",
    "服务器被攻击的源IP有{ip}和{ip}，请协助封堵",
    "出海外代理IP {ipport} 稳定不掉线，{tg}",
    "高防CDN 抗D 联系邮箱{email}",
    "流量攻击平台会员账号出售，面板 {url}",
    "扫描器+爆破工具打包出售，BTC {btc}",
    "你的数据已被加密，赎金打到 {btc}，联系{email}",
    "stresser 出租 30G/60G 按小时计费，tg群 {tme}",
    "webshell批量出售 含后台 {dom:defanged}，{qq}",
    "攻击源 {ip}、{ip}、{ip}，持续 2 小时",
    "动态IP代理 拨号VPS 入口{ipport}",
    "出售某直播平台后台权限，演示 {url} ，{tg}",
    # --- 网约暴力 / 网约自杀 / 讨债
    "专业讨债 上门处理 {mob}",
    "接单 办事 你出钱我出力 {tg}",
    "网上有人发帖出高价找人教训前男友，留的联系方式是{wx}",
    "雇人打人 价格私聊 {qq}",
    "网约自杀线索：发帖人留下{qq}，称要一起走，请立即核查",
    "讨债公司 收账 追债 {land}",
    "找人办事 要狠的 {tg} 先付一半",
    # --- 贷款诈骗
    "无视黑白户 下款快 只要身份证 {wx}",
    "网贷口子 当天下款 {url}",
    "征信修复 逾期消除 咨询{land}",
    "急用钱找我 秒下款 电话{mob}（周经理）",
    "收到短信称我在{dom}的贷款逾期，要求还款到卡号{card}",
    "冒充客服说我的网贷要注销，让我转账到{card}，对方手机{mob}",
    "大学生专享 额度5000 无抵押 {qq}",
    "贷款APP客服热线 {hot400}",
    "对方自称银行工作人员，来电{land}，让我转账到{card}",
    "贷款审核要先交保证金{money}，打到{card}，经理{wxm}",
    "免费领取征信报告 {url} 输入身份证即可",
    "信用卡提额 套现 {mob:dot} 秒到",
    "全国统一服务热线{hot400}，贷款0利息",
    # --- 受害人报案 / 研判
    "我在QQ群里认识一个投资导师，他让我注册{url}，还加了他的{wx}",
    "举报：此人{mob}冒充公检法，请核查",
    "对方的收款账户是{card}，户名张某",
    "他给我发了个链接{url}，点进去之后手机就中毒了",
    "骗子留的邮箱是{email}，{qq}",
    "举报一个赌博网站 {dom}，在抖音上引流",
    "裸聊敲诈：对方要求我转账{money}，否则发给通讯录所有人，他的{wx}",
    "被骗后发现对方USDT地址为{tron}",
    "嫌疑人使用的手机号为{mob}、{mob}",
    "涉案银行卡{card}及{card}已冻结",
    "经查，嫌疑人身份证号{id}，户籍地浙江嘉兴",
    "报警人称 {datetime} 接到{land}来电，对方自称公安",
    "被害人于{date}通过{dom}充值{money}后无法提现",
    "研判发现该团伙使用服务器{ip}，域名{dom}",
    "事主{date}被拉入投资群，群主{tg}，平台{url}",
    "冒充快递理赔，对方来电显示{mob:plain}，要求屏幕共享",
    "民警核实：{id}名下登记手机号{mob}，已预警劝阻",
    "受害人转账至{card}共计{money}，订单号{order}",
    "对方发来的网址是{dom:defanged}，让我下载APP",
    "骗子的电话是{mob}，打过来显示{land}",
    # --- 医院号源 / 黄牛
    "北京各大医院专家号代挂 协和 301 同仁 {wx}",
    "京医通抢号软件 包抢 {qq}",
    "黄牛代挂号，加价{money}，{mob:dash}",
    "专家号 特需号 都能挂 {tg}",
    # --- 考试作弊 / 窃听窃照
    "四六级 答案 考前发 {tg}",
    "作弊器材 隐形耳机 {wx}",
    "考研助考 包过 {dom}",
    "针孔摄像头 窃听器 远程监控 {qq}",
    "GPS定位器 查老公位置 {mob}",
    "驾考科目一代考 {mob:emoji}",
    # --- 涉黄 / 引流
    "同城交友 夜间服务 {dom}",
    "裸聊APP下载 {url}",
    "福利视频 每日更新 {tme}",
    "美女一对一视频 {wx}",
    "约吗 {wxm}",
    # --- 黑帽SEO / 仿冒网站
    "百度快排 黑帽SEO 泛目录 站群，{tg}",
    "仿冒政府网站 {dom} 已被通报，请勿访问",
    "寄生虫程序出售，演示站 {url}",
    "蜘蛛池租用 {dom}，日收录10万+",
    "仿冒银行登录页 {url} 钓鱼链接，请勿点击",
    # --- 英文 / 拼音 混写
    "DM me on {tg} for fresh leads，bulk price",
    "Contact: {email} / Tel {mob:intl}",
    "jiezhi pf xiangmu，有意者 {wx}",
    "Cashout service，USDT only，{tron}",
    "VPS with clean IP {ip}，monthly 30U，{tg}",
    "Fullz CN available，sample {id}，email {email}",
    # --- 多指标
    "官网{dom}，客服{qq}，财务{tg}，投诉{mob}",
    "联系人 刘总 电话{mob} {wx} 邮箱{email}",
    "对公转账：{card}；USDT：{tron}；BTC：{btc}",
    "站点{url}，服务器{ip}，管理员邮箱{email}",
    "客服热线{hot400}，微信公众号同名，官网 {url}",
    "代理后台 {url} 账号找{wx}，充值 {tron}",
    "嫌疑人 {id} 持有银行卡 {card}，绑定手机 {mob}",
    "老板{tg}，财务{wx}，对接{qq}",
    "总部电话{land}，业务{mob}，邮箱{email}",
    "ETH {eth} / BTC {btc} / TRX {tron}",
    "矿池收益提到 {eth}，手续费自理",
    "NFT白单 私募 打币地址{eth}",
    "合约跑路了，项目方钱包{eth}，大家去举报",
    "买家信息：张某，{id}，收货电话{mob}",
    "出售实名认证资料，身份证号{id}，带人脸视频",
    "嫌疑人李某（{id}）已到案",
    "简历投递邮箱：{email}，合适的话会联系你",
    "工作室招人，作品发{email}",
    "售后电话{land}，工作日9点到18点",
    # --- 混淆展示（保证每种写法都有多行）
    "电话：{mob:fullwidth}，非诚勿扰",
    "手机号{mob:cn_numerals}，备注来意",
    "联系：{mob:financial}",
    "TEL {mob:circled} 二十四小时在线",
    "热线{mob:mixed_digits}（白天打）",
    "call我 {mob:space}",
    "号码 {mob:dash}，短信也行",
    "{mob:dot} 找李姐",
    "要的打{mob:emoji}",
    "国际漫游请拨 {mob:intl}",
    "联系方式：{mob:mixed_digits} 不回就是在忙",
    "老乡电话 {mob:cn_numerals} 一直没人接",
    "有货 {qq:circled} 秒回",
    "技术支持{qq:mixed_digits}",
    "售后{qq:fullwidth}",
    "资源群{qq:financial}",
    "抢购 {mob:fullwidth} 名额有限",
    "质量保证 价格优惠 详询{mob:financial}",
]


# --------------------------------------------------------------------------------------------
# Negative lines
# --------------------------------------------------------------------------------------------

# Sentences from the seed reports (seeds/*.txt), verbatim or nearly so.
SEED_NEGATIVE = [
    "时间:2019-06-14 10:10:20  来源:  作者:",
    "公安部13日在京召开新闻发布会,通报全国公安机关“净网2019”专项行动典型案例。",
    "2018年12月,北京公安机关网安部门接群众报案,“京医通”挂号平台中北京部分知名医院号源一经放出即被“秒抢”,"
    "后台访问量激增,患者无法通过此渠道正常挂号。",
    "2019年1月10日,专案组在北京、河南、山西、云南等地将高某等4名主要犯罪嫌疑人抓获。",
    "4月15日在广东揭阳将非法制作、传播该恶意软件的某软件公司负责人李某某等4名犯罪嫌疑人抓获。",
    "今年2月24日,浙江嘉兴公安机关网安部门发现,一河北网民李某网上雇佣贵州网民赖某前往河北省廊坊市文安县"
    "预谋杀害一名男子。",
    "当地随即开展侦查,迅速查明李某、赖某2人活动轨迹,于2月25日凌晨在文安县将2人成功抓获。",
    "截至今年5月,浙江公安机关网安部门共向全国推送网约犯罪线索215条,破获严重暴力刑事案件101起,"
    "刑拘犯罪嫌疑人271名;推送网约自杀线索88条,及时挽救自杀人员152名。",
    "2018年5月,福建公安机关网安部门发现,以肖某等人为首的犯罪团伙大肆利用非法“第四方支付”平台"
    "帮助境外赌博网站进行“洗钱”活动。",
    "2018年12月至2019年1月,专案组在福建、北京、河北等地陆续开展收网行动,抓获主要犯罪嫌疑人42名,"
    "冻结涉案资金580余万元。",
    "利用肖某提供的“四件套”(包括银行卡、手机卡、身份证、密码器)等公民信息批量注册支付宝、财付通等网络支付账号,"
    "并从中抽取千分之二至千分之五的佣金。",
    "2019-11-24  Tags: 净网2019  点击:(117)  评论:(0)  加入收藏",
    "中国人民银行决定于2021年12月15日下调金融机构存款准备金率0.5个百分点(不含已执行5%存款准备金率的金融机构)。",
    "本次下调后,金融机构加权平均存款准备金率为8.4%。",
    "今起,进返京有新政,进返京人员,须持48小时内核酸检测阴性证明和“北京健康宝”绿码。",
    "公安部最新通报!2021年共打掉非法支付结算等各类团伙6000余个",
    "公安部1月14日在京召开新闻发布会,通报“净网2021”专项行动的工作举措和取得的成效等情况。",
    "2021年共打掉非法支付结算等各类团伙6000余个,抓获犯罪嫌疑人7.3万余名。",
    "同时,加大对这四类黑产业违法信息的识别、阻断和清理力度,共巡查处置违法信息44万余条。",
    "全年共侦办案件6.2万余起,同比增长10.7%;抓获犯罪嫌疑人10.3万余名,同比增长28.7%;"
    "行政处罚违法互联网企业、单位2.7万余家。",
    "2021年共侦办侵犯公民个人信息案件9800余起,抓获犯罪嫌疑人1.7万余名。",
    "2021年共抓获实施黑客攻击活动及为其提供工具、洗钱等服务的人员3309名,铲除制售木马病毒、"
    "开发攻击软件平台团伙341个。",
    "2021年共抓获私装窃听窃照设备偷拍的犯罪嫌疑人783名,捣毁制售窃听窃照专用器材窝点13个,"
    "查获相关器材及零部件4100余件,在电商平台下架非法窃听窃照商品3.4万余件。",
    "2021年共侦办相关案件200余起,抓获犯罪嫌疑人2000余名,依法关停“网络水军”账号620万余个、"
    "网站1200余个,解散网络群组17万个。",
    "2021年共侦办案件430余起,抓获犯罪嫌疑人1700余名,查处作弊考生7100余名,收缴作弊器材4600余件。",
    "摸排、检查网络教育、游戏等重点网站、APP1.2万余个,行政处罚违法违规企业852家,限期整改2609家;"
    "清理色情低俗文学作品40万余部、各类违法有害信息104万余条。",
    "2021年以来已成功阻止雇凶伤害、绑架、抢劫等恶性案事件232起,抓获犯罪嫌疑人327名。",
    "聚焦卡商、号商、打码接码平台等重点对象,2021年共侦办此类案件1.3万余起,抓获犯罪嫌疑人3.1万余名,"
    "清理手机黑卡300万余张,关停网络黑号1000万余个,捣毁接码平台63个,缴获 “猫池”等黑产设备1万余台。",
    "2021年共打掉违法APP制作团伙96个、签名团伙20个,整治分发平台51个,查获违法APP7221款。",
    "2021年共铲除相关团伙450个,摧毁非法广告联盟43家,处罚违规运营商104家、网络服务单位225家,"
    "关停网络违法账号3.1万余个。",
    "聚焦非法第四方支付、跑分等平台强化打财断血,摧毁相关平台700余个,打掉为各类犯罪提供非法支付结算的"
    "网络团伙300余个。",
    "特别是针对虚拟货币洗钱新通道,破获相关案件259起,收缴虚拟货币价值110亿余元,取得重要突破。",
    "2016年以来,公安部连续六年组织全国公安机关开展打击侵犯公民个人信息犯罪专项行动,侦破相关案件3.3万余起,"
    "抓获犯罪嫌疑人7.6万余名。",
    "2020年2月,公安部联合17家部委建立了“打击危害公民个人信息和数据安全违法犯罪”长效机制。",
    "摧毁了面向16.5万用户传播境外违法有害信息的非法网络电视平台146个,查扣网络机顶盒、电脑等硬件设备1695台,"
    "涉案金额约7163万元。",
    "会同有关部门摸排核查相关服务企业82家,关停非法宽带上网线路1.3万余条、宽带上网账号5千余个。",
    "截至目前,共摸排检查互联网游戏企业450余家,查处问题游戏134款,其中,警告23款、限期整改85款、"
    "责令关停下架24款。",
    "全年,共备案网站1.6万余家,对2.1万余款重点互联网信息服务开展了安全评估;清理违法信息408万余条,"
    "关停违法账号19万余个,行政查处违法违规企业2775家次。",
    "选取47家在京重点互联网企业作为试点,开展网民投诉举报抽检工作。",
    "在三个月的试点期间,试点网站投诉举报量总体下降24%,违法有害信息环比下降11%,效果显著。",
    "此项工作开展以来,共清理违法链接215万条,依法查处传播违法域名的企业7家次。",
    "中新网福州10月14日电 (郑江洛)福建今年开展“净网2021”专项行动以来,"
    "福建公安机关破获主要涉网犯罪案件6905起,抓获犯罪嫌疑人9138名。",
    "会上,发布泉州公安侦破“9.3”跨境网络赌博案、龙岩公安侦破“1.06”侵犯公民个人信息案、"
    "泉州公安破获“7.6”侵犯公民个人信息案等多起跨境网络犯罪案件。",
    "其中,在泉州“9.3”跨境网络赌博案中,抓获犯罪嫌疑人31名,涉案金额3亿余元(人民币,下同)。",
    "原来,2020年8月底,泉州公安机关在网络巡查中发现,网民“永夜”在境外“电报”通联工具上求购博彩网站用户注册信息。",
    "2021年1月20日,泉州公安机关对该赌博集团开展统一收网,抓获黄某贵(男,37岁,福建泉州人)等犯罪嫌疑人31名,"
    "冻结资金5000余万元,现场查获现金550万元,银行卡132张,查获公民个人信息540万余条,涉案金额3亿余元。",
    "今年,龙岩警方抓获林某颖等犯罪嫌疑人10名,缴获电商平台买家电话、地址等公民个人信息30余万条,"
    "涉案金额100余万元。",
    "对于使用境外通联工具进行贩卖公民个人信息的犯罪,公安机关不断研究新战法,今年以来共破获案件16起,"
    "抓获犯罪嫌疑人47名。",
    "最终,7月13日,泉州公安机关在江西和泉州晋江、永春等地抓获黄某义(男,23岁,福建泉州人)等犯罪嫌疑人16名,"
    "查获各类公民信息4500余万条,涉案金额达500余万元。",
    "“适老产品”销量暴增七成 这届2.6亿“银发族”玩的是什",
    "我国首颗太阳探测科学技术试验卫星“羲和号”成功发射",
    "强冷空气影响中东部地区 局地降温可达14℃以上",
    "来源: 濠滨网 发布时间:2021-02-23 字体:[ ]",
    "2月22日,南通市公安局发布7起打击涉网犯罪典型案例。",
    "案例一:崇川侦破利用“95”号段帮助信息网络犯罪案",
    "2020年7月,南通市公安局网安支队会同崇川公安分局经过3个月的缜密侦查,先后抓获犯罪嫌疑人15名,"
    "查封被用于犯罪的“95”号段21个、非法网络电话线路2万余条,涉案金额高达2200余万元。",
    "通过此案,警方还成功比中全国800余起网络诈骗案件,发现下游业务关系公司155家。",
    "查获假冒的的国家机关网站126个,各类假冒学历证书、证件、公文共计2.3万余本、印章1.2万余个。",
    "经查,巨某先后向400多家网站和计算机系统植入病毒,非法获取的比特币折合人民币500余万元。",
    "案例四:如东侦破“3·26”侵犯公民个人信息案",
    "2020年3月,南通网警巡查发现,在“暗网中文交易市场”出售的一组公民个人信息中,有1000余条涉及南通的公民个人信息。",
    "4月30日,公安部对该案挂牌督办。",
    "先后抓获APP程序开发者李某,以及实施敲诈的甘某和谢某等12名犯罪嫌疑人,带破全国各地案件300余起,"
    "涉案金额200余万元。",
    "截至案发,该平台已向5000余家网站实施流量攻击5.8万余次,非法获利逾百万元。",
    "2020年6月,部分微信朋友圈和群聊中散播一款“清粉”软件,犯罪嫌疑人在取得微信账号的控制权限后,"
    "借机非法获取用户微信群聊二维码信息。",
    "在3个月内非法获取用户的微信群聊二维码2000余万个,非法获利200余万元。",
    "在此类诈骗中,犯罪嫌疑人通过微信、QQ等网络聊天平台发布大量网络兼职刷单工作信息。",
    "北京網(wǎng)安部門與相關(guān)警種密切配合,搗毀2家涉案公司,依法刑拘41人,查明該團伙冒開推廣賬戶800余個,"
    "推廣從事違法犯罪活動的網(wǎng)站2600余個。",
    "新冠肺炎疫情發(fā)生後,累計發(fā)現(xiàn)並消除各類網(wǎng)絡(luò)安全隱患漏洞216個,及時處置網(wǎng)絡(luò)安全事件630余起。",
    "同時,與相關(guān)單位建立應(yīng)急聯(lián)絡(luò)機制,7×24小時做好處突準(zhǔn)備。",
    "及時通報網(wǎng)絡(luò)安全漏洞2700余處,約談問題網(wǎng)站26家,行政處罰12家,預(yù)警高危軟件漏洞40余次。",
    "今年2月份,海淀警方接群眾舉報稱:被人以出售口罩為名騙取購物款1萬余元。",
    "經(jīng)進一步工作,辦案民警於2月28日,在海淀區(qū)溫泉鎮(zhèn)某小區(qū)將犯罪嫌疑人劉某(男,22歲)抓獲。",
    "北京网警梳理转递涉疫情案件线索165条,协同相关警种破获涉疫情违法犯罪案件68起,抓获犯罪嫌疑人129名,"
    "查获假口罩等防疫物资3.6万件。",
]

# Seed sentences that do hold an indicator (kept as positives, tag "seed").
SEED_POSITIVE = [
    ("如有任何标注错误或版权侵犯请与我们联系(Email:2595517585@qq.com),我们将及时更正、删除,谢谢。",
     [("email", "2595517585@qq.com")], ["seed", "email"]),
]

# Everyday text with dates, money, versions, service numbers and checksum-failing look-alikes.
EVERYDAY_NEGATIVE = [
    ("会议定于{datetime}在三楼会议室召开，请准时参加。", []),
    ("您的订单号{order}已发货，预计明天送达。", []),
    ("订单号202306141010201234已签收，感谢您的购买。", ["neg_order"]),
    ("中通快递 {track} 正在派送中，请保持电话畅通。", []),
    ("本月工资5000元已到账，扣除社保后实发4325.60元。", ["neg_money"]),
    ("这款手表原价¥13800，双十一到手价¥9999。", ["neg_money"]),
    ("客户端已更新到v2.3.1，修复了若干已知问题。", ["neg_version"]),
    ("检测到版本1.2.3.4存在安全漏洞，请尽快升级到版本1.2.3.7。", ["neg_version"]),
    ("软件版本：Ver 4.1.0.12，发布日期{date}。", ["neg_version"]),
    ("Windows 10.0.19045.2965 累积更新安装完成。", ["neg_version"]),
    ("Python 3.11.4 正式发布，带来了更快的启动速度。", ["neg_version"]),
    ("固件升级到{ver}后重启生效。", []),
    ("有问题请拨打10086，或者发送短信至10658888查询。", ["neg_service"]),
    ("工商银行客服热线95588，建设银行95533，招商银行95555。", ["neg_service"]),
    ("遇到电信诈骗请拨打110或反诈专线96110，政务服务热线12345。", ["neg_service"]),
    ("不良信息举报请拨打{svc}，消费者投诉请拨打12315。", ["neg_service"]),
    ("您拨打的号码{badmob}是空号，请核对后再拨。", []),
    ("{badmob}这个号码一直打不通，可能写错了。", []),
    ("号码12812345678不存在，请检查输入。", ["neg_invalid_phone"]),
    ("系统提示：银行卡号{badcard}校验失败，请重新输入。", []),
    ("卡号{badcard}的转账被退回，原因：账号不存在。", []),
    ("身份证号{badid}格式不正确，请检查后重新提交。", []),
    ("证件号码{badid}校验位错误，无法完成实名认证。", []),
    ("今年一季度转化率提升12.5%，同比增长28.7%，环比下降3.2%。", ["neg_percent"]),
    ("身高175cm，体重65kg，鞋码42，视力5.0。", ["neg_measure"]),
    ("好久没登录QQ空间了，里面都是十年前的照片。", ["neg_cue_no_account"]),
    ("昨天在超市用微信支付了38.5元，用支付宝付了12元。", ["neg_cue_no_account", "neg_money"]),
    ("关注vx公众号“平安北京”获取最新防骗资讯。", ["neg_cue_no_account"]),
    ("我的QQ号被盗了，好友都收到了借钱消息，大家别信。", ["neg_cue_no_account"]),
    ("微信群里抢到了一个8.88元的红包。", ["neg_cue_no_account"]),
    ("这个微信号已被限制登录，请联系客服解封。", ["neg_cue_no_account"]),
    ("请勿向陌生人透露微信验证码和QQ密码。", ["neg_cue_no_account"]),
    ("TG群里有人在聊天，但我没加。", ["neg_cue_no_account"]),
    ("坐飞机去深圳要两个半小时，高铁要八个小时。", ["neg_cue_no_account"]),
    ("飞机晚点了两个小时，到家已经凌晨一点。", ["neg_cue_no_account"]),
    ("卫星定位显示他在高速服务区。", ["neg_cue_no_account"]),
    ("电报大楼是北京的老地标，建于1958年。", ["neg_cue_no_account"]),
    ("QQ音乐年费会员到期了，续费要88元。", ["neg_cue_no_account"]),
    ("二〇二三年六月十四日，星期三，晴。", ["neg_cn_numerals", "neg_date"]),
    ("二零二一年十二月二十七日起施行。", ["neg_cn_numerals", "neg_date"]),
    ("第一二三名分别获得奖金五千、三千、一千元。", ["neg_cn_numerals"]),
    ("股票代码600519今天收盘价1688.00元，成交额52.3亿元。", ["neg_money"]),
    ("房间号1208，WiFi密码在前台，早餐时间7:00-9:30。", []),
    ("邮编226001，江苏省南通市崇川区。", []),
    ("车牌号苏F·12345的车主请挪车。", []),
    ("发票代码032001900111，发票号码12345678，金额1280.00元。", ["neg_money"]),
    ("航班CA1234将于08:30起飞，请提前两小时到达机场。", ["neg_date"]),
    ("明天气温-5℃到3℃，北风3-4级。", ["neg_measure"]),
    ("PM2.5指数75，空气质量良。", ["neg_measure"]),
    ("ISBN 978-7-111-54742-6，定价59.00元。", ["neg_money"]),
    ("会员积分8866分，可兑换价值88元的礼品。", []),
    ("合同编号HT-2023-0614-001，签订日期{date}。", []),
    ("血压120/80mmHg，心率72次/分。", ["neg_measure"]),
    ("请下载附件report_2023.pdf并在周五前反馈。", []),
    ("尊敬的客户，您尾号5678的储蓄卡于{datetime}支出人民币2000.00元。", ["neg_money"]),
    ("1.5亿人次参与了今年的春运。", []),
    ("开放时间：周一至周五 9:00-17:00，节假日除外。", ["neg_date"]),
    ("请转分机8023找王老师。", []),
    ("本次活动共有12345人参与，中奖率0.8%。", ["neg_percent"]),
    ("12306购票高峰期，请提前15天购票。", ["neg_service"]),
    ("学号2019214567的同学请到教务处领取成绩单。", []),
    ("快递柜取件码6-2-3108，请在24小时内取件。", []),
    ("第3期分期还款1688元，剩余9期。", ["neg_money"]),
    ("体检号20230614001，请空腹前往三楼抽血。", []),
    ("余额宝昨日收益2.35元，七日年化1.85%。", ["neg_percent"]),
    ("手机屏幕6.7英寸，电池容量5000mAh，售价4999元。", ["neg_measure", "neg_money"]),
    ("沪指涨0.63%报3200.56点，成交额8765亿元。", ["neg_percent"]),
    ("拨打12315消费者投诉热线，或登录全国12315平台。", ["neg_service"]),
    ("他跑步5公里用了25分30秒。", ["neg_measure"]),
    ("面试安排在{date}下午两点，请携带身份证原件。", ["neg_cue_no_account"]),
    ("银行卡余额不足，请充值后再试。", ["neg_cue_no_account"]),
    ("订单{order}退款{money}已原路退回。", []),
    ("买了3斤苹果，每斤6.8元，一共20.4元。", ["neg_money"]),
    ("保单号{order}，保额50万元，保费3680元/年。", []),
    ("请于{date}前缴纳物业费{money}。", []),
    ("{datetime} 系统自动备份完成，耗时37秒。", []),
    ("今年双十一成交额5403亿元，同比增长8.45%。", ["neg_percent"]),
    ("坐标31.98,120.89附近发生3.2级地震。", ["neg_measure"]),
    ("这家店的电话打不通，地址在人民路88号。", []),
    ("快递员说下午三点到，电话一直没人接。", []),
    ("充值{money}送{money}，活动截止到{date}。", []),
    ("身份证有效期2016.03.15-2036.03.15，请及时换领。", ["neg_date", "neg_cue_no_account"]),
    ("4·29首都网络安全日，今年是第七届。", []),
    ("服务器负载87.5%，内存占用12.3GB，运行了365天。", ["neg_percent", "neg_measure"]),
    ("{badid}这个号码查不到，可能是假证件号。", []),
    ("请在{date}之前完成年度体检，地点：市第一人民医院。", []),
    ("快递单号{track}显示已到达南通转运中心。", []),
    ("上午10:30开会，下午15:00培训，晚上19:30聚餐。", ["neg_date"]),
    ("月租39元套餐含30GB流量和100分钟通话。", ["neg_money"]),
    ("这台笔记本16GB内存，512GB固态，售价¥5299。", ["neg_money", "neg_measure"]),
    ("他今年35岁，身高1.78米，体重70公斤。", ["neg_measure"]),
    ("本次考试满分150分，及格线90分，平均分112.5分。", []),
    ("{ver}版本新增夜间模式。", []),
    ("系统版本 HarmonyOS 4.0.0.116，补丁日期{date}。", ["neg_version"]),
    ("v1.0.0.1 内测版仅供体验，请勿外传。", ["neg_version"]),
    ("第二季度营收12.8亿元，净利润同比增长156%。", ["neg_percent", "neg_money"]),
    ("抽奖号码 08 15 23 31 33 + 07，祝你好运。", []),
    ("G15沈海高速K1234+500处发生事故，请绕行。", []),
    ("南通地铁1号线全长39.182公里，设28座车站。", ["neg_measure"]),
    ("请拨打96110咨询，或者到就近派出所报案。", ["neg_service"]),
    ("QQ群公告：今晚八点开会，大家准时参加。", ["neg_cue_no_account"]),
    ("朋友圈里有人在卖水果，一箱88元。", ["neg_money"]),
    ("我用微信扫码付了停车费15元。", ["neg_cue_no_account", "neg_money"]),
    ("飞机上不能携带超过160Wh的充电宝。", ["neg_cue_no_account"]),
    ("电报码是一种旧式的汉字编码方式，每个字对应四位数字。", ["neg_cue_no_account"]),
    ("订单编号{order}的商品已出库。", []),
    ("还款日{date}，最低还款额500元。", ["neg_money"]),
    ("工号10086的客服为您服务。", ["neg_service"]),
    ("统计局数据显示，CPI同比上涨2.1%，PPI同比下降0.8%。", ["neg_percent"]),
    ("房贷利率4.1%，30年等额本息月供5309元。", ["neg_percent", "neg_money"]),
    ("全年共接报警情36.5万起，同比下降12.4%。", ["neg_percent"]),
    ("二〇一九年六月十三日，公安部召开新闻发布会。", ["neg_cn_numerals", "neg_date"]),
    ("Wi-Fi 6路由器最高速率3000Mbps。", ["neg_measure"]),
    ("银行卡尾号8866的转账已到账，金额{money}。", ["neg_cue_no_account"]),
    ("您的验证码是628391，5分钟内有效，请勿泄露。", []),
    ("取餐号A128，请到2号窗口取餐。", []),
    ("2023-06-14T10:10:20+08:00 登录成功", ["neg_date"]),
    ("时间戳1686709820对应北京时间下午。", []),
    ("坐标(120.89, 31.98)，海拔5米。", ["neg_measure"]),
    ("明天上午九点半在三楼开会，带上笔记本。", []),
    ("这个月电费286.4元，水费73元，燃气费58元。", ["neg_money"]),
]


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------


def build(seed: int = SEED) -> list[dict]:
    """Generate all corpus lines (deterministic for a given seed)."""
    mk = Maker(seed)
    rows: list[tuple[str, list[tuple[str, str]], list[str]]] = []
    for template in POSITIVE:
        for _ in range(INSTANCES):
            text, gold, tags = mk.fill(template)
            if not gold:
                raise ValueError(f"positive template without gold: {template}")
            neg_tags = {t for t in tags if t.startswith("neg_")}
            if neg_tags:
                tags = (tags - neg_tags) | {"hard_negative_mixed"}
            rows.append((text, gold, sorted(tags)))
    for text, gold, tags in SEED_POSITIVE:
        rows.append((text, list(gold), sorted(tags)))
    for text in SEED_NEGATIVE:
        rows.append((text, [], ["negative_seed"]))
    for template, extra in EVERYDAY_NEGATIVE:
        text, gold, tags = mk.fill(template)
        assert not gold
        rows.append((text, [], sorted({"negative_everyday", *tags, *extra})))
    mk.rng.shuffle(rows)
    out = []
    for i, (text, gold, tags) in enumerate(rows, 1):
        out.append({
            "id": f"c{i:04d}",
            "text": text,
            "indicators": [{"kind": k, "value": v} for k, v in gold],
            "tags": tags,
        })
    for row in out:
        for ind in row["indicators"]:
            problem = check_gold(ind["kind"], ind["value"])
            if problem:
                raise ValueError(f"{row['id']}: bad gold {ind}: {problem}")
    return out


def check_gold(kind: str, value: str) -> str | None:
    """Why ``value`` is not a valid canonical ``kind`` value, or None when it is."""
    if kind == "phone":
        if not re.fullmatch(r"\+86\d{9,12}", value):
            return "not E.164 +86"
        if not phonenumbers.is_valid_number(phonenumbers.parse(value)):
            return "invalid number"
    elif kind == "qq":
        if not re.fullmatch(r"[1-9]\d{4,10}", value):
            return "not a QQ number"
    elif kind == "wechat":
        if not (re.fullmatch(r"[a-z][a-z0-9_-]{5,19}", value) or re.fullmatch(r"1\d{10}", value)):
            return "not a lowercase WeChat id"
    elif kind == "telegram":
        if not re.fullmatch(r"[a-z][a-z0-9_]{4,31}", value):
            return "not a lowercase handle"
    elif kind == "bank_card":
        if not (re.fullmatch(r"\d{16,19}", value) and luhn_ok(value)):
            return "Luhn"
    elif kind == "id_card":
        if not id_ok(value) or value != value.upper():
            return "GB 11643"
    elif kind == "domain":
        if not re.fullmatch(r"[a-z0-9-]+(\.[a-z]+){1,2}", value):
            return "not a lowercase registered domain"
    elif kind == "url":
        if not re.fullmatch(r"https?://[a-z0-9.-]+(/\S*)?", value):
            return "not a canonical url"
    elif kind == "email":
        if not re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+", value):
            return "not a lowercase email"
    elif kind == "ip":
        parts = value.split(".")
        if len(parts) != 4 or any(not p.isdigit() or int(p) > 255 or p != str(int(p))
                                  for p in parts):
            return "not dotted IPv4"
    elif kind == "tron":
        payload = b58check_ok(value)
        if payload is None or payload[:1] != b"\x41" or len(payload) != 21:
            return "tron base58check"
    elif kind == "btc":
        if value.startswith("bc1"):
            if not bech32_ok(value):
                return "bech32"
        else:
            payload = b58check_ok(value)
            if payload is None or payload[:1] not in (b"\x00", b"\x05") or len(payload) != 21:
                return "btc base58check"
    elif kind == "eth":
        if not re.fullmatch(r"0x[0-9a-f]{40}", value):
            return "not lowercase eth"
    else:
        return "unknown kind"
    return None


def write(path: Path = OUT, seed: int = SEED) -> list[dict]:
    rows = build(seed)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows


def stats(rows: list[dict]) -> str:
    tag_lines = Counter(t for r in rows for t in r["tags"])
    kinds = Counter(i["kind"] for r in rows for i in r["indicators"])
    neg = sum(1 for r in rows if not r["indicators"])
    lines = [f"lines {len(rows)}  negative {neg} ({neg / len(rows):.0%})  "
             f"indicators {sum(kinds.values())}"]
    lines.append("kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    lines += [f"  {t:22s} {n}" for t, n in sorted(tag_lines.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--stats", action="store_true", help="print line counts per tag")
    args = ap.parse_args(argv)
    rows = write(args.out)
    print(f"wrote {len(rows)} lines to {args.out}")
    if args.stats:
        print(stats(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
