"""Clues (线索): made from findings, gangs and cases by rules or by an analyst, routed to the
unit that owns the jurisdiction, worked through their lifecycle with deadlines, escalation and
forwarding, and counted into the campaign's statistics. Also the tree of police units.

Library functions; ``jingwang units``, ``jingwang clues`` and ``jingwang campaign`` call them.
"""

from __future__ import annotations

from jingwang.clues.lifecycle import (
    DEFAULT_DEADLINES,
    Deadlines,
    EscalationReport,
    Outcome,
    close,
    escalate_overdue,
    file_case,
    forward,
    overdue_clues,
    push,
    receive,
    record_outcome,
    reject,
    transition,
    verify,
)
from jingwang.clues.make import MakeReport, make_clues, open_clue
from jingwang.clues.routing import Routing, choose_unit, location_evidence, route_clue
from jingwang.clues.rules import ClueRules, Rule, RulesError, default_rules, load_rules
from jingwang.clues.stats import GROUPINGS, CampaignRow, CampaignStats, campaign_stats
from jingwang.clues.units import UnitImportReport, import_units, seed_demo_units

__all__ = [
    "DEFAULT_DEADLINES",
    "GROUPINGS",
    "CampaignRow",
    "CampaignStats",
    "ClueRules",
    "Deadlines",
    "EscalationReport",
    "MakeReport",
    "Outcome",
    "Routing",
    "Rule",
    "RulesError",
    "UnitImportReport",
    "campaign_stats",
    "choose_unit",
    "close",
    "default_rules",
    "escalate_overdue",
    "file_case",
    "forward",
    "import_units",
    "load_rules",
    "location_evidence",
    "make_clues",
    "open_clue",
    "overdue_clues",
    "push",
    "receive",
    "record_outcome",
    "reject",
    "route_clue",
    "seed_demo_units",
    "transition",
    "verify",
]
