"""The state of one extraction over a text, and the context checks every pass shares.

`Scan` holds the text as written, its folded twin (same length, so a span means the same in
both), the indicators found so far, and a mask of the characters an earlier pass has taken.
"""

from __future__ import annotations

from dataclasses import dataclass

from jingwang.indicators import patterns as P
from jingwang.indicators.deobfuscate import fold_text

# Letters that can sit right before a digit run and still be a cue for it ("QQ123", "vx138…").
LETTER_CUES = ("qq", "q", "vx", "wx", "v", "tel", "tg", "phone", "mobile", "call", "dh", "sj")


@dataclass(frozen=True, slots=True)
class Extracted:
    """One indicator found in a text: its kind, canonical value, the text as written and where."""

    kind: str
    value: str
    raw: str
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "value": self.value, "raw": self.raw,
                "span": [self.start, self.end]}


class Scan:
    """The state of one extraction: the folded text, what was found, and which spans are taken."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold_text(text)
        self.taken = bytearray(len(text))
        self.found: list[Extracted] = []

    def free(self, start: int, end: int) -> bool:
        return self.taken.find(1, start, end) == -1

    def take(self, start: int, end: int) -> None:
        self.taken[start:end] = b"\x01" * (end - start)

    def add(self, kind: str, value: str, start: int, end: int) -> None:
        self.found.append(Extracted(kind, value, self.text[start:end], start, end))


def unit_follows(f: str, end: int) -> bool:
    return bool(P.UNIT_AFTER.match(f, end, min(len(f), end + 4)))



def letters_glue(f: str, start: int) -> bool:
    """True when letters run straight into the digits ("abc12345678") and are not a cue word."""
    if start == 0 or not f[start - 1].isascii() or not f[start - 1].isalpha():
        return False
    i = start
    while i > 0 and f[i - 1].isascii() and f[i - 1].isalpha():
        i -= 1
    word = f[i:start].lower()
    return not word.endswith(LETTER_CUES)
