"""Precision/recall/F1 and B-cubed on clusterings whose scores are known by hand."""

from __future__ import annotations

import pytest

from jingwang.evaluate.metrics import bcubed, set_prf


def test_set_prf() -> None:
    s = set_prf({1, 2, 3, 4}, {3, 4, 5})
    assert (s.tp, s.fp, s.fn) == (2, 1, 2)
    assert s.precision == pytest.approx(2 / 3) and s.recall == pytest.approx(0.5)
    assert s.f1 == pytest.approx(4 / 7)
    empty = set_prf(set(), set())
    assert empty.f1 == 0.0


def test_bcubed_perfect_lumped_and_split() -> None:
    truth = {"a": 1, "b": 1, "c": 2, "d": 2}
    assert bcubed(truth, truth) == (1.0, 1.0, 1.0)
    # Everything in one cluster: precision 1/2 for each item, recall 1.
    p, r, f = bcubed(truth, {k: 0 for k in truth})
    assert (p, r) == (0.5, 1.0) and f == pytest.approx(2 / 3)
    # Everything alone (or left out): precision 1, recall 1/2.
    p, r, _ = bcubed(truth, {})
    assert (p, r) == (1.0, 0.5)


def test_bcubed_textbook_example() -> None:
    # Truth {a,b,c} {d,e}; predicted {a,b} {c,d,e}.
    truth = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y"}
    pred = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 2}
    p, r, _ = bcubed(truth, pred)
    # precision: a,b 1; c 1/3; d,e 2/3 → (1+1+1/3+2/3+2/3)/5
    assert p == pytest.approx((2 + 1 / 3 + 4 / 3) / 5)
    # recall: a,b 2/3; c 1/3; d,e 1 → (4/3+1/3+2)/5
    assert r == pytest.approx((4 / 3 + 1 / 3 + 2) / 5)
