"""Where is the actor? Attribute indicators, texts and cases to divisions, and weigh the votes.

Each :class:`Attribution` carries a *strength*: how much that kind of evidence says about where
the person behind it is now, not how sure the lookup is.

======== ======== ==========================================================================
method   strength why
======== ======== ==========================================================================
ip       0.9      where the actor connects from now (when the user's database is good)
address  0.8      a place the text itself names: 家住…, 在…做生意
phone    0.7      the city the number was issued in; mobiles travel, but most stay home
case     0.6      the victim's jurisdiction: where the harm was reported, not the actor
id_card  0.5      the county of home registration (户籍), often years out of date
======== ======== ==========================================================================
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import phonenumbers

from .divisions import NATION, contains, current_code, full_name, lineage
from .names import find_places, resolve

if TYPE_CHECKING:
    from .ip import IpLocator

STRENGTH: dict[str, float] = {
    "ip": 0.9,
    "address": 0.8,
    "phone": 0.7,
    "case": 0.6,
    "id_card": 0.5,
}

MASKED_KINDS = frozenset({"phone", "id_card", "bank_card"})

# Country calling codes whose numbers phonenumbers describes with GB/T 2260 places.
_CHINESE_CALLING_CODES = frozenset({86, 852, 853, 886})


def mask(value: str) -> str:
    """'+8613812345678' → '+86138…5678': the first 6 and last 4 characters of a PII value."""
    if len(value) > 10:
        return f"{value[:6]}…{value[-4:]}"
    if len(value) > 4:
        return f"{value[:2]}…{value[-2:]}"
    return "…"


def _mask_evidence(evidence: str) -> str:
    parts = []
    for part in evidence.split("; "):
        kind, _, value = part.partition(" ")
        parts.append(f"{kind} {mask(value)}" if kind in MASKED_KINDS and value else part)
    return "; ".join(parts)


@dataclass(frozen=True)
class Attribution:
    """One piece of evidence for where an actor is."""

    region_code: str  # the finest code the evidence supports ("320600" for a phone)
    method: str  # "phone" | "id_card" | "address" | "ip" | "case"
    evidence: str  # what was attributed, e.g. "phone +8613812345678" ("; "-joined when voted)
    strength: float  # how much this kind of evidence says about where the actor is, 0..1

    @property
    def place(self) -> str:
        """The full name of the region: '江苏省南通市'."""
        return full_name(self.region_code)

    @property
    def reason(self) -> str:
        """'phone +86139…2345 attributed to 江苏省南通市', PII values masked."""
        return f"{_mask_evidence(self.evidence)} attributed to {self.place}"


def _attribute_phone(value: str) -> Attribution | None:
    from phonenumbers import geocoder  # its geodata takes half a second to import

    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code not in _CHINESE_CALLING_CODES:
        return None
    code = resolve(geocoder.description_for_number(number, "zh"))
    if code is None:
        return None
    return Attribution(code, "phone", f"phone {value}", STRENGTH["phone"])


def _attribute_id_card(value: str) -> Attribution | None:
    value = value.strip()
    if len(value) not in (15, 18) or not value[:6].isdigit():
        return None
    code = current_code(value[:6], nearest=True)
    if code is None or code == NATION:
        return None
    return Attribution(code, "id_card", f"id_card {value}", STRENGTH["id_card"])


def attribute_indicator(
    kind: str, value: str, ip_reader: IpLocator | None = None
) -> Attribution | None:
    """Attribute a canonical indicator to a region: phone (E.164), id_card, or ip.

    A phone goes through phonenumbers' Chinese geocoder ("江苏省南通市") to its city; an ID card
    to the county of its first six digits (a withdrawn code to today's division, an unknown one
    to its city or province); an IP only through ``ip_reader`` — without one, None. Other kinds
    (QQ, domains, wallets …) say nothing about place: None.
    """
    if kind == "phone":
        return _attribute_phone(value)
    if kind == "id_card":
        return _attribute_id_card(value)
    if kind == "ip" and ip_reader is not None:
        return ip_reader.locate(value)
    return None


def attribute_text(text: str) -> list[Attribution]:
    """One "address" attribution per distinct place the free text names, in order."""
    seen: set[str] = set()
    found = []
    for place in find_places(text):
        if place.code not in seen:
            seen.add(place.code)
            found.append(
                Attribution(place.code, "address", f"address {place.text}", STRENGTH["address"])
            )
    return found


def attribute_case_region(code: str) -> Attribution | None:
    """The case's own region (where the victim reported) as evidence, or None when unknown."""
    current = current_code(code)
    if current is None or current == NATION:
        return None
    return Attribution(current, "case", f"case {code.strip()}", STRENGTH["case"])


def strongest(attributions: Iterable[Attribution | None]) -> Attribution | None:
    """The region the evidence, taken together, points to (None when there is none).

    The vote: every attribution supports its region and, rolled up, each ancestor of it. Start
    at the nation and walk down: at each division, weigh the evidence that lies strictly inside
    it (evidence *at* the division cannot choose among its children) per child, and step into
    the child holding more than half of that weight. At the top the province with the most
    weight is taken even without a majority, so evidence always reaches a province. Stop when
    no child has a majority or no evidence lies deeper.

    So two phones of 南通 and an ID card of 崇川区 give 崇川区 (the phones do not argue against
    it), while two ID cards of different counties of 南通 give 南通市. Ties go to the child whose
    single strongest piece is stronger, then to the lower code.

    The result is the one attribution when a single one supports the region chosen; otherwise
    a combined one: the method of the strongest supporter, every supporter's evidence
    (strongest first, "; "-joined), and strength 1 − Π(1 − sᵢ) over the supporters (the
    evidence on the chosen region's line: at it, above it or below it). Identical
    attributions count once.
    """
    unique: dict[tuple[str, str, str], Attribution] = {}
    for a in attributions:
        if a is not None and lineage(a.region_code):
            unique.setdefault((a.region_code, a.method, a.evidence), a)
    votes = list(unique.values())
    if not votes:
        return None
    paths = {id(a): lineage(a.region_code) for a in votes}

    node, depth = NATION, 0
    while True:
        support: dict[str, float] = defaultdict(float)
        best: dict[str, float] = defaultdict(float)
        for a in votes:
            path = paths[id(a)]
            if len(path) > depth and (depth == 0 or path[depth - 1] == node):
                support[path[depth]] += a.strength
                best[path[depth]] = max(best[path[depth]], a.strength)
        if not support:
            break
        top = min(support, key=lambda c: (-support[c], -best[c], c))
        if depth > 0 and support[top] <= sum(support.values()) / 2:
            break
        node, depth = top, depth + 1

    backers = [a for a in votes if contains(a.region_code, node) or contains(node, a.region_code)]
    backers.sort(key=lambda a: (-a.strength, a.evidence))
    if len(backers) == 1 and backers[0].region_code == node:
        return backers[0]
    strength = 1 - math.prod(1 - a.strength for a in backers)
    evidence = "; ".join(a.evidence for a in backers)
    return Attribution(node, backers[0].method, evidence, round(strength, 4))
