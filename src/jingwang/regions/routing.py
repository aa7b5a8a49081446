"""Which police unit owns a region: the deepest unit whose jurisdiction contains it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .divisions import NATION, contains, current_code, lineage


@dataclass(frozen=True)
class UnitRef:
    """A police unit as routing needs it (the store's unit row, without the rest)."""

    id: int
    code: str  # the unit's own code
    name: str  # "南通市公安局"
    region_code: str  # its jurisdiction: GB/T 2260, "000000" for the ministry
    level: str  # "ministry" | "province" | "city" | "county"
    parent_id: int | None


def _depth(region_code: str) -> int:
    current = current_code(region_code)
    return 0 if current in (None, NATION) else len(lineage(current))


def owning_unit(region_code: str, units: Iterable[UnitRef]) -> UnitRef | None:
    """The deepest unit whose region contains ``region_code``, or None when none does.

    A county code goes to its county unit when there is one, else to its city's, else its
    province's, else to the ministry (region "000000"). Codes are compared as the divisions
    now in force, so a unit still coded 320684 (海门市) owns 320614 (海门区). Two units with the
    same region (should not happen) are settled by the lower id.
    """
    owners = [u for u in units if contains(u.region_code, region_code)]
    if not owners:
        return None
    return min(owners, key=lambda u: (-_depth(u.region_code), u.id))
