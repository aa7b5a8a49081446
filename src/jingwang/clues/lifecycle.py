"""Working a clue: push, receive, verify, file, close or reject it, with deadlines by urgency,
forwarding to another unit, escalation to the parent unit when a deadline passes, and outcome
reports.

Every function here writes one :class:`~jingwang.store.models.ClueEvent` (through
:func:`jingwang.store.clue_flow.change_clue_status` for status changes) stamped with the time it
is given, the unit that holds the clue after it and any outcome figures. The time is always a
parameter: callers pass their clock's ``now`` (tests pass a fixed one); nothing in here reads
the wall clock except where ``now`` is left out at the top.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.categories import URGENCIES
from jingwang.store.clue_flow import change_clue_status
from jingwang.store.errors import InvalidTransition, NotFound
from jingwang.store.models import Clue, ClueEvent, Unit
from jingwang.store.timeutil import as_utc, utcnow

FORWARDABLE = frozenset({"new", "pushed", "received", "verified"})
"""Statuses in which a clue may be forwarded: once a case is filed, it stays with that unit."""


@dataclass(frozen=True)
class Deadlines:
    """How long a unit has, by urgency, to receive (sign for) a pushed clue and to verify a
    received one. An urgency missing from a mapping has no deadline at that step."""

    receive: Mapping[str, timedelta]
    verify: Mapping[str, timedelta] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for step in (self.receive, self.verify):
            for urgency, window in step.items():
                if urgency not in URGENCIES:
                    raise ValueError(f"deadline for unknown urgency {urgency!r} "
                                     f"(one of {', '.join(URGENCIES)})")
                if window <= timedelta(0):
                    raise ValueError(f"deadline for {urgency} must be positive: {window}")

    def due(self, status: str, urgency: str, now: datetime) -> datetime | None:
        """When a clue that has just entered ``status`` is due to take its next step."""
        window = {"pushed": self.receive, "received": self.verify}.get(status, {}).get(urgency)
        return None if window is None else now + window


DEFAULT_DEADLINES = Deadlines(
    receive={"immediate": timedelta(minutes=15), "urgent": timedelta(hours=2),
             "normal": timedelta(hours=72)},
    verify={"immediate": timedelta(hours=24), "urgent": timedelta(days=3),
            "normal": timedelta(days=15)},
)
"""Shipped deadlines: an ``immediate`` clue (a life at risk) must be received in 15 minutes."""


@dataclass(frozen=True)
class Outcome:
    """What a unit reports it achieved on a clue, as totals so far (None: not reported)."""

    suspects_caught: int | None = None
    money_frozen: Decimal | None = None
    cases_solved: int | None = None

    def __post_init__(self) -> None:
        for name in ("suspects_caught", "cases_solved"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative: {value}")
        if self.money_frozen is not None:
            amount = Decimal(str(self.money_frozen)).quantize(Decimal("0.01"))
            if amount < 0:
                raise ValueError(f"money_frozen must not be negative: {amount}")
            object.__setattr__(self, "money_frozen", amount)

    @property
    def empty(self) -> bool:
        return self.suspects_caught is None and self.money_frozen is None \
            and self.cases_solved is None


_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}


def parse_amount(text: str) -> Decimal:
    """An amount of money as reports write it: '5800000', '5,800,000.50', '580万', '1.2亿'."""
    raw = text.strip().replace(",", "").replace("，", "").removesuffix("元")
    factor = Decimal(1)
    if raw and raw[-1] in _MULTIPLIERS:
        factor, raw = _MULTIPLIERS[raw[-1]], raw[:-1]
    try:
        amount = Decimal(raw) * factor
    except ArithmeticError:
        raise ValueError(f"{text!r} is not an amount of money (e.g. 5800000 or 580万)") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{text!r} is not an amount of money (e.g. 5800000 or 580万)")
    return amount.quantize(Decimal("0.01"))


def at_or_now(now: datetime | None) -> datetime:
    """``now`` in UTC, or the wall clock's time when the caller gave none."""
    return utcnow() if now is None else as_utc(now)


def get_clue(session: Session, clue: Clue | int) -> Clue:
    """The clue itself, given it or its id; :class:`NotFound` when there is no such clue."""
    if isinstance(clue, Clue):
        return clue
    found = session.get(Clue, clue)
    if found is None:
        raise NotFound(f"no clue with id {clue}")
    return found


def stamp_event(event: ClueEvent, clue: Clue, now: datetime, action: str = "status",
           outcome: Outcome | None = None) -> ClueEvent:
    """Give ``event`` its time, action, the unit holding the clue and reported figures."""
    event.at = now
    event.action = action
    event.unit_id = clue.unit.id if clue.unit is not None else clue.unit_id
    if outcome is not None:
        event.suspects_caught = outcome.suspects_caught
        event.money_frozen = outcome.money_frozen
        event.cases_solved = outcome.cases_solved
    return event


def stamp_creation(clue: Clue, now: datetime) -> None:
    """Date a clue's creation event (written by ``create_clue``) ``now``, with the unit it was
    first routed to (so the statistics count a clue made where it went)."""
    clue.created_at = now
    stamp_event(clue.events[0], clue, now)


def transition(
    session: Session,
    clue: Clue | int,
    to_status: str,
    actor: str,
    *,
    now: datetime | None = None,
    note: str | None = None,
    outcome: Outcome | None = None,
    deadlines: Deadlines = DEFAULT_DEADLINES,
) -> ClueEvent:
    """Move ``clue`` to ``to_status`` at ``now`` and set its next deadline; raises
    :class:`~jingwang.store.errors.InvalidTransition` when the move is not allowed."""
    now = at_or_now(now)
    clue = get_clue(session, clue)
    figures = outcome or Outcome()
    event = change_clue_status(session, clue, to_status, actor, note,
                               suspects_caught=figures.suspects_caught,
                               money_frozen=figures.money_frozen,
                               cases_solved=figures.cases_solved)
    clue.deadline_at = deadlines.due(to_status, clue.urgency, now)
    stamp_event(event, clue, now, outcome=None if figures.empty else figures)
    session.flush()
    return event


def push(session: Session, clue: Clue | int, actor: str, **kw) -> ClueEvent:
    """Push the clue to its unit (``new → pushed``); the receive deadline starts now."""
    return transition(session, clue, "pushed", actor, **kw)


def receive(session: Session, clue: Clue | int, actor: str, **kw) -> ClueEvent:
    """The unit signs for the clue (``pushed → received``)."""
    return transition(session, clue, "received", actor, **kw)


def verify(session: Session, clue: Clue | int, actor: str, **kw) -> ClueEvent:
    """The unit has checked the clue and found it true (``received → verified``)."""
    return transition(session, clue, "verified", actor, **kw)


def file_case(session: Session, clue: Clue | int, actor: str, **kw) -> ClueEvent:
    """A case is filed on the clue (``verified → case_filed``)."""
    return transition(session, clue, "case_filed", actor, **kw)


def close(session: Session, clue: Clue | int, actor: str, **kw) -> ClueEvent:
    """The work on the clue is done (``case_filed → closed``); report the outcome with it."""
    return transition(session, clue, "closed", actor, **kw)


def reject(session: Session, clue: Clue | int, actor: str, **kw) -> ClueEvent:
    """The clue is sent back as unfounded or not actionable; say why in the note."""
    return transition(session, clue, "rejected", actor, **kw)


def record_outcome(
    session: Session,
    clue: Clue | int,
    actor: str,
    outcome: Outcome,
    *,
    now: datetime | None = None,
    note: str | None = None,
) -> ClueEvent:
    """Record the unit's latest outcome figures (totals so far) without a change of status."""
    now = at_or_now(now)
    clue = get_clue(session, clue)
    if outcome.empty:
        raise ValueError("an outcome report needs suspects caught, money frozen or cases solved")
    if clue.status == "rejected":
        raise InvalidTransition(f"clue {clue.id}: rejected, it has no outcome")
    if outcome.suspects_caught is not None:
        clue.suspects_caught = outcome.suspects_caught
    if outcome.money_frozen is not None:
        clue.money_frozen = outcome.money_frozen
    if outcome.cases_solved is not None:
        clue.cases_solved = outcome.cases_solved
    event = ClueEvent(actor=actor, from_status=clue.status, to_status=clue.status, note=note)
    clue.events.append(event)
    stamp_event(event, clue, now, "outcome", outcome)
    session.flush()
    return event


def _unit(session: Session, unit: Unit | int | str) -> Unit:
    if isinstance(unit, Unit):
        return unit
    if isinstance(unit, int):
        found = session.get(Unit, unit)
    else:
        found = session.scalars(select(Unit).where(Unit.code == unit)).one_or_none()
    if found is None:
        raise NotFound(f"no unit {unit!r}")
    return found


def move_to_unit(session: Session, clue: Clue, unit: Unit, actor: str, action: str,
                 note: str, now: datetime, deadlines: Deadlines) -> ClueEvent:
    """Hand ``clue`` to ``unit`` with an event; a pushed clue's receive deadline restarts,
    since the new unit has not seen it yet."""
    clue.unit = unit
    if clue.status == "pushed":
        clue.deadline_at = deadlines.due("pushed", clue.urgency, now)
    event = ClueEvent(actor=actor, from_status=clue.status, to_status=clue.status, note=note)
    clue.events.append(event)
    stamp_event(event, clue, now, action)
    session.flush()
    return event


def forward(
    session: Session,
    clue: Clue | int,
    to_unit: Unit | int | str,
    actor: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
    deadlines: Deadlines = DEFAULT_DEADLINES,
) -> ClueEvent:
    """Forward (移交) the clue to another unit (a Unit, its id or code), keeping its status."""
    now = at_or_now(now)
    clue = get_clue(session, clue)
    target = _unit(session, to_unit)
    if clue.status not in FORWARDABLE:
        raise InvalidTransition(f"clue {clue.id}: {clue.status}, it can no longer be forwarded")
    if clue.unit is not None and clue.unit.id == target.id:
        raise InvalidTransition(f"clue {clue.id}: already with {target.name} ({target.code})")
    source = clue.unit
    said = f"forwarded from {source.name} ({source.code})" if source else "forwarded"
    text = f"{said} to {target.name} ({target.code})" + (f": {note}" if note else "")
    return move_to_unit(session, clue, target, actor, "forward", text, now, deadlines)


def overdue_clues(session: Session, now: datetime | None = None,
                  statuses: tuple[str, ...] = ("pushed", "received"),
                  limit: int | None = None) -> list[Clue]:
    """Open clues in ``statuses`` whose deadline has passed at ``now``, oldest deadline first
    (at most ``limit``)."""
    now = at_or_now(now)
    query = select(Clue).where(Clue.status.in_(statuses), Clue.deadline_at.is_not(None),
                               Clue.deadline_at < now).order_by(Clue.deadline_at, Clue.id)
    return list(session.scalars(query if limit is None else query.limit(limit)))


@dataclass
class Escalation:
    """One clue moved up: from which unit to which, and the deadline it missed."""

    clue_id: int
    from_unit: str
    to_unit: str
    missed: datetime


@dataclass
class EscalationReport:
    """What :func:`escalate_overdue` did: clues escalated, and overdue clues at the top of
    the tree with nowhere left to go."""

    escalated: list[Escalation] = field(default_factory=list)
    at_top: list[int] = field(default_factory=list)


def _window(deadlines: Deadlines, urgency: str) -> str:
    window = deadlines.receive.get(urgency)
    if window is None:
        return "the deadline"
    minutes = int(window.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)} d"
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


def escalate_overdue(
    session: Session,
    now: datetime | None = None,
    *,
    actor: str = "system",
    deadlines: Deadlines = DEFAULT_DEADLINES,
    limit: int | None = None,
) -> EscalationReport:
    """Move every pushed clue not received by its deadline up to its unit's parent, with an
    event saying why; the parent gets a fresh receive deadline. Clues already at a unit with
    no parent stay where they are and are reported. ``limit`` caps the clues looked at, so a
    caller can commit a backlog in batches."""
    now = at_or_now(now)
    report = EscalationReport()
    for clue in overdue_clues(session, now, statuses=("pushed",), limit=limit):
        unit, missed = clue.unit, clue.deadline_at
        assert missed is not None  # overdue_clues only returns clues with a deadline
        if unit is None or unit.parent is None:
            report.at_top.append(clue.id)
            continue
        parent = unit.parent
        note = (f"not received by {unit.name} ({unit.code}) by its deadline "
                f"{missed:%Y-%m-%d %H:%M} UTC ({_window(deadlines, clue.urgency)} for "
                f"{clue.urgency} clues): escalated to {parent.name} ({parent.code})")
        move_to_unit(session, clue, parent, actor, "escalate", note, now, deadlines)
        report.escalated.append(Escalation(clue.id, unit.code, parent.code, missed))
    return report
