"""Routing a clue to the unit that owns its jurisdiction, with the reason written down.

The location evidence of a clue is that of what it came from: the phones, ID cards and IPs of a
finding, gang or case (each attributed to a region by :mod:`jingwang.regions`), addresses in
their text, and a case's own region code. The region most of that evidence supports wins, and
the deepest unit covering it gets the clue ("phone +86138…0000 attributed to 江苏省南通市 →
南通市公安局网安支队"). With no evidence the clue goes to the ministry's unit to be assigned by
hand, and the reason says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.clues.lifecycle import at_or_now, stamp_event
from jingwang.store.errors import InvalidTransition
from jingwang.store.models import (
    Case,
    Clue,
    ClueEvent,
    Finding,
    Gang,
    GangMember,
    Indicator,
    Sighting,
    Unit,
)

if TYPE_CHECKING:  # the regions package is imported when routing runs, not when this loads
    from jingwang.regions import Attribution, UnitRef

ROUTABLE_KINDS = ("phone", "id_card", "ip")
"""Indicator kinds that say where a person or machine is."""
MAX_TEXTS = 50
"""Sighting contexts read for addresses per finding (enough to find one; bounded)."""


@dataclass(frozen=True)
class Routing:
    """Where a clue goes and why: the unit (None: nowhere), the attribution that decided, how
    many pieces of location evidence there were and how many agree with it, and the reason."""

    unit: UnitRef | None
    attribution: Attribution | None
    evidence: int
    agreeing: int
    reason: str


def load_units(session: Session) -> list[UnitRef]:
    """Every stored unit, as the regions package's :class:`UnitRef`."""
    from jingwang.regions import UnitRef

    return [UnitRef(id=u.id, code=u.code, name=u.name, region_code=u.region_code,
                    level=u.level, parent_id=u.parent_id)
            for u in session.scalars(select(Unit).order_by(Unit.id))]


def indicator_evidence(pairs: Iterable[tuple[str, str]], ip_reader: Any = None
                       ) -> list[Attribution]:
    """The region each routable indicator ``(kind, value)`` is attributed to."""
    from jingwang.regions import attribute_indicator

    found = []
    for kind, value in sorted(set(pairs)):
        if kind in ROUTABLE_KINDS:
            attribution = attribute_indicator(kind, value, ip_reader=ip_reader)
            if attribution is not None:
                found.append(attribution)
    return found


def text_evidence(texts: Iterable[str | None]) -> list[Attribution]:
    """The regions named by addresses in ``texts``."""
    from jingwang.regions import attribute_text

    found: list[Attribution] = []
    for text in dict.fromkeys(t for t in texts if t):
        found.extend(attribute_text(text))
    return found


def _strings(value: Any, limit: int = 20) -> list[str]:
    """The strings inside a finding's evidence (a JSON value), at most ``limit``."""
    out: list[str] = []
    stack = [value]
    while stack and len(out) < limit:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def _pairs(indicators: Iterable[Indicator]) -> list[tuple[str, str]]:
    return [(i.kind, i.value) for i in indicators]


def finding_evidence(session: Session, finding: Finding, ip_reader: Any = None
                     ) -> list[Attribution]:
    """A finding's indicators, its explanation and evidence text, and the text around its
    indicators in the record it was found in."""
    texts = [finding.explanation, *_strings(finding.evidence)]
    if finding.source is not None and finding.record_id is not None:
        texts += session.scalars(
            select(Sighting.context).where(Sighting.source == finding.source,
                                           Sighting.record_id == finding.record_id)
            .order_by(Sighting.start).limit(MAX_TEXTS))
    return indicator_evidence(_pairs(finding.indicators), ip_reader) + text_evidence(texts)


def case_evidence(case: Case, ip_reader: Any = None) -> list[Attribution]:
    """A case's region code, its indicators and its description."""
    from jingwang.regions import attribute_case_region

    found: list[Attribution] = []
    if case.region_code:
        attribution = attribute_case_region(case.region_code)
        if attribution is not None:
            found.append(attribution)
    return found + indicator_evidence(_pairs(case.indicators), ip_reader) \
        + text_evidence([case.description])


def gang_evidence(session: Session, gang: Gang, ip_reader: Any = None) -> list[Attribution]:
    """A gang's member indicators and its member cases' evidence."""
    pairs = session.execute(
        select(Indicator.kind, Indicator.value)
        .join(GangMember, GangMember.indicator_id == Indicator.id)
        .where(GangMember.gang_id == gang.id, Indicator.kind.in_(ROUTABLE_KINDS))).all()
    found = indicator_evidence([(k, v) for k, v in pairs], ip_reader)
    cases = session.scalars(
        select(Case).join(GangMember, GangMember.case_id == Case.id)
        .where(GangMember.gang_id == gang.id).order_by(Case.id)).all()
    for case in cases:
        found += case_evidence(case, ip_reader)
    return found


def location_evidence(session: Session, clue: Clue, ip_reader: Any = None
                      ) -> list[Attribution]:
    """All the location evidence of what ``clue`` came from (finding, gang, case) and of what
    the analyst wrote in it (the indicators and places in its description)."""
    found = described_evidence(clue.description, ip_reader)
    if clue.finding is not None:
        found += finding_evidence(session, clue.finding, ip_reader)
    if clue.gang is not None:
        found += gang_evidence(session, clue.gang, ip_reader)
    if clue.case is not None:
        found += case_evidence(clue.case, ip_reader)
    return found


def described_evidence(text: str | None, ip_reader: Any = None) -> list[Attribution]:
    """The indicators (phones, ID cards, IPs) and places written in a clue's own text."""
    if not text:
        return []
    from jingwang.indicators import extract_indicators

    pairs = list(dict.fromkeys((e.kind, e.value) for e in extract_indicators(text)))
    return indicator_evidence(pairs, ip_reader) + text_evidence([text])


def _ministry(units: Sequence[UnitRef]) -> UnitRef | None:
    tops = [u for u in units if u.level == "ministry"]
    return min(tops, key=lambda u: u.id) if tops else None


def _label(unit: UnitRef) -> str:
    return f"{unit.name} ({unit.code})"


def choose_unit(attributions: Sequence[Attribution], units: Sequence[UnitRef]) -> Routing:
    """The unit a clue with this evidence goes to, and the reason in words."""
    from jingwang.regions import contains, owning_unit, strongest

    attributions = list(dict.fromkeys(attributions))  # the same evidence twice counts once
    best = strongest(attributions) if attributions else None
    if best is None:
        ministry = _ministry(units)
        if ministry is None:
            return Routing(None, None, 0, 0, "no location evidence, and no ministry unit to "
                           "assign it: left unrouted")
        return Routing(ministry, None, 0, 0, "no location evidence: routed to "
                       f"{_label(ministry)} to be assigned by hand")
    agreeing = sum(1 for a in attributions if contains(a.region_code, best.region_code)
                   or contains(best.region_code, a.region_code))
    support = (f" ({agreeing} of {len(attributions)} pieces of location evidence agree)"
               if len(attributions) > 1 else "")
    unit = owning_unit(best.region_code, list(units))
    if unit is None:
        return Routing(None, best, len(attributions), agreeing,
                       f"{best.reason}{support}; no unit covers {best.region_code}: left "
                       "unrouted")
    return Routing(unit, best, len(attributions), agreeing,
                   f"{best.reason}{support} → {_label(unit)}")


def route_clue(
    session: Session,
    clue: Clue,
    *,
    units: Sequence[UnitRef] | None = None,
    ip_reader: Any = None,
    actor: str = "system",
    now: datetime | None = None,
) -> Routing:
    """Route a new clue: set its unit and routing reason, and write a ``route`` event.

    ``units`` (from :func:`load_units`) may be passed in when routing many clues. A clue that
    has been pushed is moved with :func:`jingwang.clues.lifecycle.forward` instead.
    """
    now = at_or_now(now)
    if clue.status != "new":
        raise InvalidTransition(f"clue {clue.id}: {clue.status}; forward it to another unit "
                                "instead of routing it again")
    routing = choose_unit(location_evidence(session, clue, ip_reader),
                          load_units(session) if units is None else units)
    assign(session, clue, routing.unit.id if routing.unit else None, routing.reason, actor, now)
    return routing


def assign(session: Session, clue: Clue, unit_id: int | None, reason: str, actor: str,
           now: datetime) -> ClueEvent:
    """Set a new clue's unit and routing reason, with a ``route`` event carrying the reason."""
    clue.unit = session.get(Unit, unit_id) if unit_id is not None else None
    clue.routing_reason = reason
    event = ClueEvent(actor=actor, from_status=clue.status, to_status=clue.status, note=reason)
    clue.events.append(event)
    stamp_event(event, clue, now, "route")
    session.flush()
    return event
