"""Digit runs: split a run of (possibly disguised) digits into phone, card and ID numbers.

A run is digits with up to three separators between groups (`138 1234 5678`, `6222-0212-…`,
`138🔥1234🔥5678`).  From each group, the longest join of following groups that validates as
some kind is reported; a group is never split, so no number is cut out of an order number.
"""

from __future__ import annotations

from jingwang.indicators import patterns as P
from jingwang.indicators.canonical import (
    InvalidIndicator,
    bank_card_problem,
    canonical_phone,
    id_card_problem,
    is_cn_mobile,
)
from jingwang.indicators.scan import Scan, letters_glue, unit_follows


def digit_runs(st: Scan) -> None:
    f = st.folded
    for m in P.DIGIT_RUN.finditer(f):
        for start, end in _free_parts(st, *m.span()):
            _read_run(st, start, end)


def _read_run(st: Scan, start: int, end: int) -> None:
    """Read one free stretch of a digit run unless its context says it is no indicator."""
    f = st.folded
    if letters_glue(f, start):
        return
    if P.NOT_AN_INDICATOR_BEFORE.search(f, max(0, start - 10), start):
        return
    groups = [(g.group(0), g.start(), g.end())
              for g in P.DIGIT_GROUP.finditer(f, start, end)]
    if not groups:
        return
    has_plus = f[start] == "+"
    check_x = f[end - 1] in "Xx"
    cue_phone = bool(P.PHONE_CUE_BEFORE.search(f, max(0, start - 8), start))
    _segment_run(st, groups, has_plus, check_x, cue_phone)


def _free_parts(st: Scan, start: int, end: int) -> list[tuple[int, int]]:
    """The stretches of a digit run that no earlier pass has taken (an IP inside, a QQ)."""
    if st.free(start, end):
        return [(start, end)]
    parts, i = [], start
    while i < end:
        while i < end and not st.free(i, i + 1):
            i += 1
        j = i
        while j < end and st.free(j, j + 1):
            j += 1
        if j > i:
            parts.append((i, j))
        i = j
    return parts


def _segment_run(st: Scan, groups: list[tuple[str, int, int]], has_plus: bool,
                 check_x: bool, cue_phone: bool) -> None:
    """Split one digit run into indicators: from each group, the longest join that is valid."""
    f = st.folded
    n = len(groups)
    card_like = n >= 4 and all(len(g[0]) == 4 for g in groups[:-1])
    i = 0
    while i < n:
        best: tuple[int, str, str] | None = None
        digits = ""
        singles = True        # every group so far a single digit ("1 3 8 1 2 …")
        body_min = 99         # the shortest group before the last one
        for j in range(i, n):
            if j > i:
                size = len(groups[j - 1][0])
                body_min = min(body_min, size)
                singles = singles and size == 1
            digits += groups[j][0]
            if len(digits) > 20:
                break
            if len(digits) not in _LENGTHS:
                continue
            if j > i and not _plausible_split(singles and len(groups[j][0]) == 1, body_min,
                                              j - i + 1):
                continue
            x = "X" if (j == n - 1 and check_x) else ""
            found = _classify(digits, x, has_plus and i == 0, groups[i:j + 1],
                              cue_phone and i == 0)
            if found is not None:
                best = (j, found[0], found[1])
        if best is None:
            if card_like:
                return  # a failed card number: none of its groups is a phone number
            i += 1
            continue
        j, kind, value = best
        s = _plus_start(f, groups[0][1]) if has_plus and i == 0 else groups[i][1]
        e = groups[j][2] + (1 if kind == "id_card" and j == n - 1 and check_x else 0)
        if not unit_follows(f, e) and st.free(s, e):
            st.add(kind, value, s, e)
            st.take(s, e)
        i = j + 1


# Digit counts some kind can have: phones (7–15 with a country code), cards 16–19, IDs 17+X/18.
_LENGTHS = frozenset(range(7, 20))


def _plausible_split(all_single: bool, body_min: int, n_groups: int) -> bool:
    """Whether digit groups can be one number written in parts: every digit apart, or parts of
    two or more digits with at most the last one shorter ("138 1234 5678", "6222 0212 … 3").
    A table of two-digit numbers ("52 28 85 88 …") is not a card number."""
    return all_single or body_min >= 3 or (body_min >= 2 and n_groups <= 3)


def _plus_start(f: str, first_digit: int) -> int:
    k = first_digit - 1
    while k >= 0 and f[k] in " \u00a0":
        k -= 1
    return k if k >= 0 and f[k] == "+" else first_digit


def _classify(digits: str, x: str, plus: bool, groups: list[tuple[str, int, int]],
              cue_phone: bool) -> tuple[str, str] | None:
    n = len(digits)
    # Plain digit strings here: the validators are called directly, not through canonicalize,
    # because this runs for every join of every digit run.
    if x:
        return ("id_card", digits + x) if n == 17 and id_card_problem(digits + x) is None else None
    if plus:
        return _phone_or_none("+" + digits)
    if n == 18 and id_card_problem(digits) is None:
        return "id_card", digits
    if 16 <= n <= 19 and bank_card_problem(digits) is None:
        return "bank_card", digits
    if n == 11 and digits[0] == "1":
        # libphonenumber's mainland mobile pattern is the whole test for these: no parsing.
        return ("phone", "+86" + digits) if is_cn_mobile(digits) else None
    if n in (13, 15) and digits.startswith(("86", "0086")) and digits[-11] == "1":
        return _phone_or_none("+86" + digits[-11:])
    if n == 10 and digits.startswith(("400", "800")):
        return _phone_or_none(digits)
    if digits[0] == "0" and 10 <= n <= 12:
        area = groups[0][0]
        rest = n - len(area)
        structured = len(groups) >= 2 and 3 <= len(area) <= 4 and 7 <= rest <= 8
        if structured or cue_phone:
            return _phone_or_none(digits)
    return None


def _phone_or_none(digits: str) -> tuple[str, str] | None:
    try:
        return "phone", canonical_phone(digits)
    except InvalidIndicator:
        return None
