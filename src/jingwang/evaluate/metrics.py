"""Precision, recall and F1 over sets, and B-cubed F1 over clusterings (gangs)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 with the counts they come from."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def set_prf(truth: Iterable[Hashable], predicted: Iterable[Hashable]) -> PRF:
    """PRF of a predicted set against the true set."""
    t, p = set(truth), set(predicted)
    return PRF(tp=len(t & p), fp=len(p - t), fn=len(t - p))


def bcubed(truth: Mapping[Hashable, Hashable], predicted: Mapping[Hashable, Hashable]
           ) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) of a clustering, item → cluster id, over the true items.

    For each item: precision is the share of its predicted cluster that shares its true
    cluster, recall the share of its true cluster found in its predicted cluster (Bagga and
    Baldwin 1998).  Items the prediction leaves out count as singletons.
    """
    items = list(truth)
    if not items:
        return 0.0, 0.0, 0.0
    true_members: dict[Hashable, set[Hashable]] = defaultdict(set)
    pred_members: dict[Hashable, set[Hashable]] = defaultdict(set)
    for item in items:
        true_members[truth[item]].add(item)
        pred_members[predicted.get(item, ("singleton", item))].add(item)
    p_sum = r_sum = 0.0
    for item in items:
        t = true_members[truth[item]]
        c = pred_members[predicted.get(item, ("singleton", item))]
        overlap = len(t & c)
        p_sum += overlap / len(c)
        r_sum += overlap / len(t)
    p, r = p_sum / len(items), r_sum / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
