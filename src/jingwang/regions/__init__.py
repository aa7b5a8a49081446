"""Regions: GB/T 2260 divisions, phone/ID card/address/IP → region, and unit routing.

- :mod:`.divisions` — the division table (from cpca's adcodes.csv, plus post-2017 changes)
- :mod:`.names` — the places a Chinese text names
- :mod:`.attribution` — indicators, texts and cases → :class:`Attribution`; :func:`strongest`
- :mod:`.ip` — :class:`IpLocator` over a user-supplied MaxMind database
- :mod:`.routing` — :func:`owning_unit`
"""

from __future__ import annotations

from .attribution import (
    STRENGTH,
    Attribution,
    attribute_case_region,
    attribute_indicator,
    attribute_text,
    mask,
    strongest,
)
from .divisions import (
    NATION,
    Division,
    all_divisions,
    contains,
    current_code,
    division,
    full_name,
    lineage,
)
from .ip import IpLocator
from .names import Place, find_places
from .routing import UnitRef, owning_unit

__all__ = [
    "NATION",
    "STRENGTH",
    "Attribution",
    "Division",
    "IpLocator",
    "Place",
    "UnitRef",
    "all_divisions",
    "attribute_case_region",
    "attribute_indicator",
    "attribute_text",
    "contains",
    "current_code",
    "division",
    "find_places",
    "full_name",
    "lineage",
    "mask",
    "owning_unit",
    "strongest",
]
