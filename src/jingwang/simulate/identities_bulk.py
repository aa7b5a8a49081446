"""Identifiers drawn in bulk with numpy for the ledger's population: card numbers, IMEIs, mobile
numbers and resident ID numbers, all valid, many thousands at a time."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from jingwang.simulate import identities as ids
from jingwang.simulate.regions import REGION_CODES

# Issuer BIN (identities.CARD_BINS) → bank id, a CNAPS bank code where the issuer is known
# (102 ICBC, 103 ABC, 104 BOC, 105 CCB, 301 BoCom, 307 Ping An, 308 CMB, 403 PSBC; 9xx others),
# and its share of the benign population's cards.
BINS: dict[str, tuple[int, int]] = {
    "622202": (102, 14), "621226": (102, 10), "622848": (103, 12), "621661": (104, 9),
    "436742": (105, 6), "622700": (105, 10), "622262": (301, 6), "623058": (307, 4),
    "622588": (308, 8), "621799": (403, 8), "622609": (901, 3), "625965": (902, 2)}


def digit_strings(digits: np.ndarray) -> np.ndarray:
    """Rows of digits (n × k, 0–9) as n strings of k characters."""
    raw = np.ascontiguousarray(digits.astype(np.uint8) + 48)
    return raw.view(f"S{digits.shape[1]}").ravel().astype(f"U{digits.shape[1]}")


def luhn_complete(body: np.ndarray) -> np.ndarray:
    """Append the Luhn check digit to each row of digits."""
    doubled = (body.shape[1] - 1 - np.arange(body.shape[1])) % 2 == 0
    d = np.where(doubled, body * 2, body)
    total = np.where(d > 9, d - 9, d).sum(axis=1)
    return np.column_stack([body, (10 - total % 10) % 10])


def numbers(prefixes: tuple[str, ...], weights: tuple[int, ...] | None, free: int, luhn: bool,
             rng: np.random.Generator, n: int) -> np.ndarray:
    """n digit strings: a prefix (by weight), `free` random digits, maybe a Luhn check digit."""
    p = None if weights is None else np.array(weights) / sum(weights)
    head = np.array([[int(c) for c in x] for x in prefixes])[rng.choice(len(prefixes), n, p=p)]
    body = np.column_stack([head, rng.integers(0, 10, (n, free))])
    return digit_strings(luhn_complete(body) if luhn else body)


cards = functools.partial(numbers, tuple(BINS), tuple(w for _, w in BINS.values()), 12, True)
imeis = functools.partial(numbers, ("86",), None, 12, True)
mobiles = functools.partial(numbers, tuple(ids.MOBILE_PREFIXES), None, 8, False)


def id_cards(rng: np.random.Generator, n: int) -> np.ndarray:
    region = np.array([[int(c) for c in r] for r in REGION_CODES])[
        rng.integers(0, len(REGION_CODES), n)]
    year, month, day = rng.integers(1960, 2005, n), rng.integers(1, 13, n), rng.integers(1, 29, n)
    date = ((year * 10_000 + month * 100 + day)[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    body = np.column_stack([region, date, rng.integers(0, 10, (n, 3))])
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    check = np.array(list("10X98765432"))[(body * weights).sum(axis=1) % 11]
    return np.char.add(digit_strings(body), check)


def distinct(rng: np.random.Generator, n: int, make: Callable, taken: set[str]) -> np.ndarray:
    """n values from `make`, none repeated and none in `taken` (clashes are drawn again)."""
    values = make(rng, n)
    while True:
        _, first = np.unique(values, return_index=True)
        clash = np.ones(n, bool)
        clash[first] = False
        clash |= np.isin(values, np.array(sorted(taken), dtype=values.dtype))
        if not clash.any():
            return values
        values[clash] = make(rng, int(clash.sum()))
