"""Chain roles (四类黑产 + 物料) from what linking knows about a group: the categories of the
records that show its members, and what kinds of indicator it is made of."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# The role a gang plays when its records are filed under a category.
CATEGORY_ROLE: dict[str, str] = {
    "pii_trade": "material_supply",
    "black_sim": "material_supply",
    "illegal_app": "tech_support",
    "hacking": "tech_support",
    "water_army": "promotion",
    "money_laundering": "payment_settlement",
}
MONEY_KINDS = frozenset({"bank_card", "tron", "btc", "eth", "alipay"})
# Upstream first: material and tools are bought by the promoters, the money people and the
# perpetrators who face the victims.
ROLE_ORDER = ("material_supply", "tech_support", "promotion", "payment_settlement",
              "perpetrator")


def role_of_category(category: str) -> str:
    return CATEGORY_ROLE.get(category, "perpetrator")


def main_category(categories: Iterable[str]) -> str | None:
    """The most common category, ties broken by name so the answer is stable."""
    counts = Counter(c for c in categories if c)
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def group_role(categories: Iterable[str], kinds: Iterable[str]) -> str | None:
    """The gang's role: from its records' main category, else from what it is made of (a group
    of cards and wallets with no contacts settles payments)."""
    category = main_category(categories)
    if category is not None:
        return role_of_category(category)
    counts = Counter(kinds)
    total = sum(counts.values())
    if total and sum(counts[k] for k in MONEY_KINDS) / total >= 0.5:
        return "payment_settlement"
    return None


def upstream_first(role_a: str | None, role_b: str | None) -> bool:
    """Whether a gang with `role_a` sits upstream of one with `role_b` along the chain."""
    rank = {r: i for i, r in enumerate(ROLE_ORDER)}
    return rank.get(role_a or "", len(ROLE_ORDER)) <= rank.get(role_b or "", len(ROLE_ORDER))
