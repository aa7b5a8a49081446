"""Making clues: from findings, gangs and cases by the rules, or by an analyst by hand.

Each new clue is routed at once (:mod:`jingwang.clues.routing`) and, when its rule says so,
pushed. :func:`make_clues` is idempotent: a finding, gang or case that already has a clue gets
no second one, so it can run after every ingest or linking.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwang.categories import CATEGORIES
from jingwang.clues.lifecycle import at_or_now, push, stamp_creation
from jingwang.clues.routing import Routing, assign, load_units, route_clue
from jingwang.clues.rules import ClueRules, Rule, default_rules
from jingwang.store.clue_flow import create_clue
from jingwang.store.errors import NotFound
from jingwang.store.models import Case, Clue, Finding, Gang, GangMember, Unit

TITLE_CHARS = 80


@dataclass
class MakeReport:
    """What :func:`make_clues` did: clues made (by rule), pushed, left unrouted, and sources
    passed over because they already had a clue or had no category."""

    created: list[int] = field(default_factory=list)
    by_rule: Counter[str] = field(default_factory=Counter)
    pushed: int = 0
    unrouted: int = 0
    already: int = 0
    no_category: int = 0


def _first_line(text: str) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= TITLE_CHARS else line[:TITLE_CHARS - 1] + "…"


def finding_title(finding: Finding) -> str:
    return f"{CATEGORIES[finding.category]}：{_first_line(finding.explanation)}"


def gang_title(gang: Gang, category: str) -> str:
    return f"{CATEGORIES[category]}团伙：{gang.name or gang.key}"


def case_title(case: Case) -> str:
    return f"案件 {case.case_no}：{_first_line(case.title)}"


def _with_clues(session: Session, column: Any) -> set[int]:
    return set(session.scalars(select(column).where(column.is_not(None)).distinct()))


def _gang_cases(session: Session) -> dict[int, int]:
    rows = session.execute(select(GangMember.gang_id, func.count(GangMember.case_id))
                           .where(GangMember.case_id.is_not(None))
                           .group_by(GangMember.gang_id))
    return {gang_id: n for gang_id, n in rows}


@dataclass
class _Made:
    """What one rule turns one source into, before it is stored."""

    rule: Rule
    title: str
    category: str
    description: str
    note: str
    links: dict[str, Any]


def _had_one(source_id: int, skip: set[int], report: MakeReport) -> bool:
    """Whether the source a rule matched has a clue already (and so is passed over)."""
    if source_id in skip:
        report.already += 1
        return True
    return False


def _finding_candidates(session: Session, rules: ClueRules, skip: set[int],
                        report: MakeReport) -> list[_Made]:
    mine = rules.for_source("finding")
    if not mine:
        return []
    floor = min(r.min_score for r in mine)
    made = []
    for finding in session.scalars(select(Finding).where(Finding.score >= floor)
                                   .order_by(Finding.id)):
        urgency = (finding.evidence or {}).get("urgency") \
            if isinstance(finding.evidence, dict) else None
        rule = rules.first_match("finding", finding.category, finding.score, urgency=urgency)
        if rule is None or _had_one(finding.id, skip, report):
            continue
        where = f" in {finding.source}/{finding.record_id}" if finding.source else ""
        made.append(_Made(
            rule, finding_title(finding), finding.category,
            f"{finding.explanation}\n(finding {finding.id} by {finding.detector}{where}, "
            f"score {finding.score:.2f})",
            f"rule {rule.name}: finding {finding.id} {finding.category} score "
            f"{finding.score:.2f}", {"finding": finding}))
    return made


def _gang_candidates(session: Session, rules: ClueRules, skip: set[int],
                     report: MakeReport) -> list[_Made]:
    if not rules.for_source("gang"):
        return []
    cases = _gang_cases(session)
    made = []
    for gang in session.scalars(select(Gang).order_by(Gang.id)):
        n = cases.get(gang.id, 0)
        if gang.category is None:
            report.no_category += 1
            continue
        rule = rules.first_match("gang", gang.category, gang.score, n)
        if rule is None or _had_one(gang.id, skip, report):
            continue
        summary = gang.summary or {}
        made.append(_Made(
            rule, gang_title(gang, gang.category), gang.category,
            f"gang {gang.key}: {summary.get('records', '?')} records, "
            f"{summary.get('indicators', '?')} indicators, {n} cases, role "
            f"{gang.role or 'unknown'}, cohesion {gang.score:.2f}",
            f"rule {rule.name}: gang {gang.key} {gang.category} with {n} cases",
            {"gang": gang}))
    return made


def _case_candidates(session: Session, rules: ClueRules, skip: set[int],
                     report: MakeReport) -> list[_Made]:
    if not rules.for_source("case"):
        return []
    made = []
    for case in session.scalars(select(Case).where(Case.category.is_not(None))
                                .order_by(Case.id)):
        rule = rules.first_match("case", case.category)
        if rule is None or _had_one(case.id, skip, report):
            continue
        made.append(_Made(rule, case_title(case), case.category, case.description or case.title,
                          f"rule {rule.name}: case {case.case_no} {case.category}",
                          {"case": case}))
    return made


def make_clues(
    session: Session,
    rules: ClueRules | None = None,
    *,
    now: datetime | None = None,
    ip_reader: Any = None,
    actor: str = "system",
) -> MakeReport:
    """Make a clue for every finding, gang and case a rule matches and that has none yet;
    route each, and push those whose rule says so. Returns what was done."""
    now = at_or_now(now)
    rules = rules or default_rules()
    report = MakeReport()
    skip = {
        "finding": _with_clues(session, Clue.finding_id),
        "gang": _with_clues(session, Clue.gang_id),
        "case": _with_clues(session, Clue.case_id),
    }
    candidates = (_finding_candidates(session, rules, skip["finding"], report)
                  + _gang_candidates(session, rules, skip["gang"], report)
                  + _case_candidates(session, rules, skip["case"], report))
    units = load_units(session) if candidates else []
    for item in candidates:
        clue = create_clue(session, item.title, item.category, urgency=item.rule.urgency,
                           description=item.description, actor=actor, note=item.note,
                           **item.links)
        routing = route_clue(session, clue, units=units, ip_reader=ip_reader, actor=actor,
                             now=now)
        stamp_creation(clue, now)
        report.created.append(clue.id)
        report.by_rule[item.rule.name] += 1
        if routing.unit is None:
            report.unrouted += 1
        elif item.rule.push:
            push(session, clue, actor, now=now, deadlines=rules.deadlines,
                 note=f"pushed at once by rule {item.rule.name}")
            report.pushed += 1
    session.flush()
    return report


def open_clue(
    session: Session,
    title: str,
    category: str,
    actor: str,
    *,
    urgency: str = "normal",
    finding: Finding | int | None = None,
    gang: Gang | int | str | None = None,
    case: Case | int | str | None = None,
    unit: Unit | str | None = None,
    description: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
    ip_reader: Any = None,
) -> tuple[Clue, Routing | None]:
    """A clue made by an analyst (``actor``), from a finding, gang (id or key) or case (id or
    number) or from nothing; routed by its evidence unless ``unit`` (a Unit or its code) is
    given. Returns the clue and its routing (None when the analyst chose the unit)."""
    now = at_or_now(now)
    if isinstance(gang, str):
        gang = _by(session, Gang, Gang.key, gang, "gang")
    if isinstance(case, str):
        case = _by(session, Case, Case.case_no, case, "case")
    if isinstance(unit, str):
        unit = _by(session, Unit, Unit.code, unit, "unit")
    clue = create_clue(session, title, category, urgency=urgency, finding=finding, gang=gang,
                       case=case, description=description, actor=actor, note=note)
    routing = None
    if unit is not None:
        assign(session, clue, unit.id, f"assigned to {unit.name} ({unit.code}) by {actor}",
               actor, now)
    else:
        routing = route_clue(session, clue, ip_reader=ip_reader, actor=actor, now=now)
    stamp_creation(clue, now)
    session.flush()
    return clue, routing


def _by(session: Session, model: Any, column: Any, value: str, what: str) -> Any:
    found = session.scalars(select(model).where(column == value)).one_or_none()
    if found is None:
        raise NotFound(f"no {what} {value!r}")
    return found

