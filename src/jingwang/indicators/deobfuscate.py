"""Undo the character-level disguises black-industry text uses, keeping every offset in place.

`fold_text` maps each character to exactly one character (full-width → ASCII, Chinese, financial
and circled numerals → digits, ideographic space → space), so a span found in the folded text is
the same span in the text as written. Disguises that change length (`[.]`, `点`, `[at]`) are
undone by the extraction patterns themselves, which accept each disguise in place.
"""

from __future__ import annotations

import unicodedata

# Numerals written as Chinese characters, including the financial (大写) forms and the
# radio-operator forms (幺 1, 两 2, 拐 7, 勾 9, 洞 0) that ads use to dodge keyword filters.
_CHINESE_DIGITS = {
    "0": "〇零洞",
    "1": "一幺壹",
    "2": "二两贰貳",
    "3": "三叁參",
    "4": "四肆",
    "5": "五伍",
    "6": "六陆陸",
    "7": "七柒拐",
    "8": "八捌",
    "9": "九玖勾",
}

# Digits inside circles and other decorated digit forms that NFKC does not fold to ASCII.
_DECORATED_DIGITS = {
    "0": "⓪⓿🄋🄌",
    "1": "❶➀➊⓵",
    "2": "❷➁➋⓶",
    "3": "❸➂➌⓷",
    "4": "❹➃➍⓸",
    "5": "❺➄➎⓹",
    "6": "❻➅➏⓺",
    "7": "❼➆➐⓻",
    "8": "❽➇➑⓼",
    "9": "❾➈➒⓽",
}

# Characters ads put between the parts of a number or an account to break keyword filters.
_EXTRA_FOLDS = {"\u3000": " ", "＠": "@", "．": ".", "｡": "。"}


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Full-width ASCII, circled digits, mathematical digits and the like: take NFKC where it
    # yields one ASCII character (e.g. '１' → '1', '①' → '1', '𝟖' → '8', 'Ｖ' → 'V').
    ranges = [(0xFF01, 0xFF5E), (0x2460, 0x24FF), (0x1D7CE, 0x1D7FF), (0x2070, 0x209F),
              (0x00B2, 0x00B9), (0x1F100, 0x1F10A)]
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            folded = unicodedata.normalize("NFKC", chr(cp))
            if len(folded) == 1 and folded.isascii() and folded.isprintable():
                table[cp] = folded
    for digit, chars in _CHINESE_DIGITS.items():
        for ch in chars:
            table[ord(ch)] = digit
    for digit, chars in _DECORATED_DIGITS.items():
        for ch in chars:
            table[ord(ch)] = digit
    for ch, folded in _EXTRA_FOLDS.items():
        table[ord(ch)] = folded
    # Chinese sentence punctuation stays as written: folded to ASCII it would run on into a
    # URL's path ("…/reg，VX …") or a handle.
    for ch in "，；！？（）":
        table.pop(ord(ch), None)
    return table


FOLD_TABLE: dict[int, str] = _build_fold_table()

# Folding 一 to 1 everywhere is harmless for matching: a lone numeral never makes a valid number,
# and the text kept around a sighting is always the text as written.
CHINESE_NUMERALS: frozenset[str] = frozenset("".join(_CHINESE_DIGITS.values()))


def fold_text(text: str) -> str:
    """Fold look-alike characters to ASCII one-for-one; `len(fold_text(t)) == len(t)`."""
    return text.translate(FOLD_TABLE)


def fold_digits(text: str) -> str:
    """Fold and keep only the ASCII digits: '１３８-一二' → '13812'."""
    folded = fold_text(text)
    return "".join(c for c in folded if c.isdigit() and c.isascii())
