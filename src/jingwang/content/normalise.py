"""Text as the classifier reads it: the ways evaders write a word mapped back to the word.

:func:`normalise` turns ``"菠🥬平臺 加 威 信"`` into ``"博彩平台加微信"``: full-width forms to
half-width (NFKC), upper to lower case, traditional characters to simplified (OpenCC ``t2s``),
every space, punctuation mark, symbol and emoji removed (they split words: ``加.微.信``), split
characters joined (``钅戋`` → ``钱``) and variants replaced by their word (``威信`` → ``微信``,
``bc`` → ``博彩``).  Each character of the result keeps the position in the original text it
came from, so a cue found in the normalised text is quoted in the text's own words
(:meth:`Normalised.original`).

A variant written in Latin letters or digits (``bc``, ``vx``) only counts as a token of its own:
not inside ``abc`` or ``vxabc``, but after a space or a Chinese character, and before digits
(``vx123456``: the word, then an id).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick
import opencc

_KEEP = ("L", "N")  # Unicode letters and digits stay; everything else separates words
_ID_JOINERS = frozenset("_-.")
# Emoji written in place of a character or word (菠🥬 = 菠菜, 🐧 = 企鹅 = QQ); other emoji split.
EMOJI_WORDS: dict[str, str] = {
    "🥬": "菜", "🐧": "企鹅", "✈": "飞机", "🛩": "飞机", "➕": "加", "💰": "钱", "💴": "钱",
    "🎲": "骰子", "🃏": "牌", "🀄": "麻将", "🔞": "色情", "📱": "手机", "💳": "卡",
}


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class Normalised:
    """The normalised text, where each of its characters came from, and the original."""

    text: str
    origin: tuple[int, ...]
    source: str
    # Whether a separator (space, punctuation, emoji) stood before each character.
    split_before: tuple[bool, ...] = field(default=(), repr=False)

    def original(self, start: int, end: int) -> str:
        """The original text behind ``text[start:end]``, as it was written."""
        if start >= end or not self.origin:
            return ""
        return self.source[self.origin[start]:self.origin[end - 1] + 1]


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> tuple[tuple[str, bool], ...]:
    """One character NFKC-folded and lower-cased (an emoji that stands for a character read
    as it), each resulting character with whether it is kept (not a separator)."""
    if ch in EMOJI_WORDS:
        folded = EMOJI_WORDS[ch]
    else:
        folded = unicodedata.normalize("NFKC", ch).lower() if not ch.isascii() else ch.lower()
    return tuple((c, unicodedata.category(c)[0] in _KEEP) for c in folded)


def _fold(source: str) -> tuple[list[str], list[int], list[bool]]:
    """NFKC, lower case, separators dropped: characters, their origins, split flags."""
    chars: list[str] = []
    origin: list[int] = []
    split: list[bool] = []
    dropped = ""  # the separators since the last kept character
    for i, ch in enumerate(source):
        for c, keep in _fold_char(ch):
            if not keep:
                dropped += c
                continue
            # "_", "-" or "." inside a Latin id (kf_bc88, a-b.cn) joins, it does not split.
            joins = dropped and set(dropped) <= _ID_JOINERS and _ascii_alnum(c) \
                and bool(chars) and _ascii_alnum(chars[-1])
            chars.append(c)
            origin.append(i)
            split.append(bool(dropped) and not joins)
            dropped = ""
    return chars, origin, split


def _simplified(chars: list[str]) -> list[str]:
    """Traditional → simplified, character for character where OpenCC keeps the length."""
    joined = "".join(chars)
    converted = _t2s().convert(joined)
    if len(converted) == len(joined):
        return list(converted)
    return [_t2s().convert(c) if len(_t2s().convert(c)) == 1 else c for c in chars]


class Replacer:
    """Longest-match replacement of written forms by their canonical word (one pass)."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self.automaton = ahocorasick.Automaton()
        self.size = 0
        for written, canonical in table.items():
            key = fold_term(written)
            if key and key != canonical:
                self.automaton.add_word(key, (len(key), canonical, _ascii_alnum(key[0]),
                                              _ascii_alnum(key[-1])))
                self.size += 1
        if self.size:
            self.automaton.make_automaton()

    def apply(self, chars: list[str], origin: list[int], split: list[bool]
              ) -> tuple[list[str], list[int], list[bool]]:
        if not self.size or not chars:
            return chars, origin, split
        text = "".join(chars)
        best: dict[int, tuple[int, str]] = {}  # start → (length, canonical), longest wins
        for end, (length, canonical, left, right) in self.automaton.iter(text):
            start = end - length + 1
            if not _token(chars, split, start, end + 1, left, right):
                continue
            if length > best.get(start, (0, ""))[0]:
                best[start] = (length, canonical)
        if not best:
            return chars, origin, split
        out_c: list[str] = []
        out_o: list[int] = []
        out_s: list[bool] = []
        i = 0
        while i < len(chars):
            hit = best.get(i)
            if hit is None:
                out_c.append(chars[i])
                out_o.append(origin[i])
                out_s.append(split[i])
                i += 1
                continue
            length, canonical = hit
            for k, c in enumerate(canonical):
                out_c.append(c)
                out_o.append(origin[i] if k == 0 else origin[i + length - 1])
                out_s.append(split[i] if k == 0 else False)
            i += length
        return out_c, out_o, out_s


def _token(chars: list[str], split: list[bool], start: int, end: int, left: bool = True,
           right: bool = True) -> bool:
    """Whether a variant found at ``chars[start:end]`` stands alone where it is written in
    Latin letters or digits (``left``/``right``: its first/last character is one): no ASCII
    letter or digit runs into it from the left, and no letter to the right, without a
    separator between (``vx123456`` is the word and an id; ``abc`` holds no ``bc``; ``网d``
    is not in ``官网 dewang.cn``)."""
    if left and start > 0 and _ascii_alnum(chars[start - 1]) and not split[start]:
        return False
    # A letter right after, separated or not, is part of a word: 网d|ewang.
    return not (right and end < len(chars) and chars[end].isascii() and chars[end].isalpha())


def fold_term(term: str) -> str:
    """A knowledge-base word as it is matched: folded and simplified like the text."""
    chars, _, _ = _fold(term)
    return "".join(_simplified(chars))


def normalise(source: str, replacer: Replacer | None = None) -> Normalised:
    """``source`` folded, simplified and, with a :class:`Replacer`, with variants mapped back."""
    chars, origin, split = _fold(source)
    chars = _simplified(chars)
    if replacer is not None:
        chars, origin, split = replacer.apply(chars, origin, split)
    return Normalised("".join(chars), tuple(origin), source, tuple(split))
