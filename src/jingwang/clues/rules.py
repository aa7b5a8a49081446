"""Which findings, gangs and cases become clues, how urgent they are, and the deadlines: a TOML
file (:data:`DEFAULT_RULES_TOML` is what ships; ``jingwang clues rules`` prints it to copy).

Rules are tried in order and the first one that matches a source decides its clue; a source no
rule matches makes no clue.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from jingwang.categories import CATEGORIES, URGENCIES
from jingwang.clues.lifecycle import DEFAULT_DEADLINES, Deadlines

SOURCES = ("finding", "gang", "case")
"""What a rule can turn into a clue."""

LIFE_AT_RISK = ("violence_for_hire", "suicide_pact", "minor_harm")

DEFAULT_RULES_TOML = """\
# jingwang clue rules: which findings, gangs and cases become clues (线索), how urgent they are,
# and how long a unit has to act. Rules are tried in order; the first that matches decides.
#
#   source      finding | gang | case
#   categories  category codes (absent or empty: any category)
#   min_score   a finding's score, or a gang's cohesion (0 to 1)
#   min_cases   how many cases a gang's members include (gangs only)
#   finding_urgency  the content classifier's urgency of the finding: immediate (a life at risk
#               with a time, place or target), high, normal (findings only; absent: any)
#   urgency     immediate (a life at risk) | urgent | normal
#   push        push the clue to its unit at once, without waiting for an analyst

[deadlines.receive]   # a pushed clue must be received (signed for) within
immediate = "15m"
urgent = "2h"
normal = "72h"

[deadlines.verify]    # a received clue must be verified within
immediate = "24h"
urgent = "3d"
normal = "15d"

[[rule]]
name = "life-at-risk-no-time"
source = "finding"
categories = ["violence_for_hire", "suicide_pact", "minor_harm"]
finding_urgency = ["high"]
min_score = 0.5
urgency = "urgent"
push = true

[[rule]]
name = "life-at-risk"
source = "finding"
categories = ["violence_for_hire", "suicide_pact", "minor_harm"]
min_score = 0.5
urgency = "immediate"
push = true

[[rule]]
name = "strong-finding"
source = "finding"
min_score = 0.85
urgency = "normal"

[[rule]]
name = "gang-life-at-risk"
source = "gang"
categories = ["violence_for_hire", "suicide_pact", "minor_harm"]
min_cases = 1
urgency = "immediate"
push = true

[[rule]]
name = "gang-with-cases"
source = "gang"
min_cases = 3
urgency = "urgent"
"""


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file, the rule and the reason."""


@dataclass(frozen=True)
class Rule:
    """One rule: which sources it takes, and the urgency of the clue it makes."""

    name: str
    source: str
    urgency: str
    categories: frozenset[str] = frozenset()
    min_score: float = 0.0
    min_cases: int = 0
    push: bool = False
    finding_urgency: frozenset[str] = frozenset()

    def matches(self, source: str, category: str | None, score: float = 0.0,
                cases: int = 0, urgency: str | None = None) -> bool:
        """Whether a ``source`` of ``category`` with this score and number of cases (and, for
        a finding, the urgency its detector gave it) is one this rule turns into a clue."""
        if source != self.source or category is None:
            return False
        if self.categories and category not in self.categories:
            return False
        if self.finding_urgency and urgency not in self.finding_urgency:
            return False
        return score >= self.min_score and cases >= self.min_cases


@dataclass(frozen=True)
class ClueRules:
    """The rules in order, and the deadlines by urgency."""

    rules: tuple[Rule, ...]
    deadlines: Deadlines = DEFAULT_DEADLINES
    origin: str = "built-in rules"

    def first_match(self, source: str, category: str | None, score: float = 0.0,
                    cases: int = 0, urgency: str | None = None) -> Rule | None:
        """The first rule that matches, or None."""
        for rule in self.rules:
            if rule.matches(source, category, score, cases, urgency):
                return rule
        return None

    def for_source(self, source: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.source == source)


_DURATION = re.compile(r"^\s*(\d+)\s*(m|min|h|d)\s*$")
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: object) -> timedelta:
    """'15m', '2h', '3d' (or a number of minutes) as a timedelta."""
    if isinstance(value, int) and not isinstance(value, bool):
        return timedelta(minutes=value)
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{value!r} is not a duration like '15m', '2h' or '3d'")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _deadlines(table: object, origin: str) -> Deadlines:
    if not isinstance(table, Mapping):
        raise RulesError(f"{origin}: [deadlines] must be a table")
    unknown = sorted(set(table) - {"receive", "verify"})
    if unknown:
        raise RulesError(f"{origin}: [deadlines] has unknown step {unknown[0]!r} "
                         "(receive, verify)")
    steps: dict[str, dict[str, timedelta]] = {}
    for step in ("receive", "verify"):
        given = table.get(step, {})
        if not isinstance(given, Mapping):
            raise RulesError(f"{origin}: [deadlines.{step}] must be a table")
        steps[step] = {}
        for urgency, value in given.items():
            try:
                steps[step][urgency] = parse_duration(value)
            except ValueError as exc:
                raise RulesError(f"{origin}: deadlines.{step}.{urgency}: {exc}") from None
    try:
        return Deadlines(receive=steps["receive"], verify=steps["verify"])
    except ValueError as exc:
        raise RulesError(f"{origin}: deadlines: {exc}") from None


_RULE_KEYS = frozenset({"name", "source", "categories", "min_score", "min_cases", "urgency",
                        "push", "finding_urgency"})
FINDING_URGENCIES = ("immediate", "high", "normal")
"""The content classifier's urgencies (:mod:`jingwang.content.classify`)."""


def _rule(number: int, table: object, origin: str) -> Rule:
    where = f"{origin}: rule {number}"
    if not isinstance(table, Mapping):
        raise RulesError(f"{where}: must be a table ([[rule]])")
    name = table.get("name") or f"rule-{number}"
    where = f"{origin}: rule {number} ({name})"
    unknown = sorted(set(table) - _RULE_KEYS)
    if unknown:
        raise RulesError(f"{where}: unknown key {unknown[0]!r} ({', '.join(sorted(_RULE_KEYS))})")
    source = table.get("source")
    if source not in SOURCES:
        raise RulesError(f"{where}: source {source!r} is not one of {', '.join(SOURCES)}")
    urgency = table.get("urgency", "normal")
    if urgency not in URGENCIES:
        raise RulesError(f"{where}: urgency {urgency!r} is not one of {', '.join(URGENCIES)}")
    categories = table.get("categories", [])
    if isinstance(categories, str):
        categories = [categories]
    bad = [c for c in categories if c not in CATEGORIES]
    if bad:
        raise RulesError(f"{where}: unknown category {bad[0]!r}")
    min_score = table.get("min_score", 0.0)
    if not isinstance(min_score, int | float) or not 0 <= min_score <= 1:
        raise RulesError(f"{where}: min_score {min_score!r} is not a number from 0 to 1")
    min_cases = table.get("min_cases", 0)
    if not isinstance(min_cases, int) or isinstance(min_cases, bool) or min_cases < 0:
        raise RulesError(f"{where}: min_cases {min_cases!r} is not a whole number ≥ 0")
    if min_cases and source != "gang":
        raise RulesError(f"{where}: min_cases only applies to gangs")
    push = table.get("push", False)
    if not isinstance(push, bool):
        raise RulesError(f"{where}: push must be true or false")
    finding_urgency = table.get("finding_urgency", [])
    if isinstance(finding_urgency, str):
        finding_urgency = [finding_urgency]
    bad = [u for u in finding_urgency if u not in FINDING_URGENCIES]
    if bad:
        raise RulesError(f"{where}: finding_urgency {bad[0]!r} is not one of "
                         f"{', '.join(FINDING_URGENCIES)}")
    if finding_urgency and source != "finding":
        raise RulesError(f"{where}: finding_urgency only applies to findings")
    return Rule(name=str(name), source=source, urgency=urgency,
                categories=frozenset(categories), min_score=float(min_score),
                min_cases=min_cases, push=push, finding_urgency=frozenset(finding_urgency))


def parse_rules(text: str, origin: str = "rules") -> ClueRules:
    """Rules from TOML text; :class:`RulesError` naming ``origin``, the rule and the reason."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{origin}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"rule", "deadlines"})
    if unknown:
        raise RulesError(f"{origin}: unknown table {unknown[0]!r} (rule, deadlines)")
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        raise RulesError(f"{origin}: rules are written [[rule]]")
    rules = tuple(_rule(n, t, origin) for n, t in enumerate(tables, start=1))
    names = [r.name for r in rules]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise RulesError(f"{origin}: rule name {twice[0]!r} is used twice")
    deadlines = _deadlines(data["deadlines"], origin) if "deadlines" in data \
        else DEFAULT_DEADLINES
    return ClueRules(rules=rules, deadlines=deadlines, origin=origin)


def load_rules(path: str | Path | None = None) -> ClueRules:
    """The rules in the TOML file at ``path``, or the shipped ones when ``path`` is None."""
    if path is None:
        return default_rules()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RulesError(f"{path}: not UTF-8 text") from None
    return parse_rules(text, str(path))


def default_rules() -> ClueRules:
    """The shipped rules (:data:`DEFAULT_RULES_TOML`)."""
    return parse_rules(DEFAULT_RULES_TOML, "built-in rules")

