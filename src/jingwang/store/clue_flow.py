"""The clue lifecycle in the store: creating a clue and moving it through its statuses.

A clue goes ``new → pushed → received → verified → case_filed → closed``, one step at a time,
or to ``rejected`` from any open status; ``closed`` and ``rejected`` are final. Every change,
creation included, is written as a :class:`~jingwang.store.models.ClueEvent`. Import these from
:mod:`jingwang.store.repository`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from jingwang.categories import CLUE_FLOW, CLUE_STATUSES, CLUE_TERMINAL
from jingwang.store.errors import InvalidTransition, NotFound
from jingwang.store.models import Case, Clue, ClueEvent, Finding, Gang, Unit
from jingwang.store.timeutil import as_utc


def _allowed() -> dict[str, frozenset[str]]:
    allowed: dict[str, frozenset[str]] = {}
    for status in CLUE_STATUSES:
        if status in CLUE_TERMINAL:
            allowed[status] = frozenset()
            continue
        step = CLUE_FLOW.index(status)
        allowed[status] = frozenset({CLUE_FLOW[step + 1], "rejected"})
    return allowed


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = _allowed()
"""Status → the statuses a clue in it may move to."""


def create_clue(
    session: Session,
    title: str,
    category: str,
    *,
    urgency: str = "normal",
    unit: Unit | int | None = None,
    finding: Finding | int | None = None,
    case: Case | int | None = None,
    gang: Gang | int | None = None,
    description: str | None = None,
    routing_reason: str | None = None,
    deadline_at: datetime | None = None,
    actor: str = "system",
    note: str | None = None,
) -> Clue:
    """A new clue in status ``new``, with its creation event.

    ``unit`` is the unit that must act on it (may be set later, but before pushing);
    ``finding``/``case``/``gang`` say where it came from. Objects or ids are accepted.
    """
    clue = Clue(
        title=title,
        category=category,
        urgency=urgency,
        status="new",
        description=description,
        routing_reason=routing_reason,
        deadline_at=as_utc(deadline_at) if deadline_at is not None else None,
    )
    for attr, value, model in (
        ("unit", unit, Unit),
        ("finding", finding, Finding),
        ("case", case, Case),
        ("gang", gang, Gang),
    ):
        if isinstance(value, int):
            if session.get(model, value) is None:
                raise NotFound(f"no {attr} with id {value}")
            setattr(clue, f"{attr}_id", value)
        elif value is not None:
            setattr(clue, attr, value)
    clue.events.append(ClueEvent(actor=actor, from_status=None, to_status="new", note=note))
    session.add(clue)
    session.flush()
    return clue


def change_clue_status(
    session: Session,
    clue: Clue | int,
    to_status: str,
    actor: str,
    note: str | None = None,
    *,
    suspects_caught: int | None = None,
    money_frozen: Decimal | int | str | None = None,
    cases_solved: int | None = None,
) -> ClueEvent:
    """Move ``clue`` to ``to_status`` and write the event; raises :class:`InvalidTransition`
    when the move is not allowed (or when pushing a clue that has no target unit).

    The outcome figures, when given, replace the stored ones (the unit's latest report).
    """
    if isinstance(clue, int):
        found = session.get(Clue, clue)
        if found is None:
            raise NotFound(f"no clue with id {clue}")
        clue = found
    current = clue.status
    if to_status not in CLUE_STATUSES:
        raise InvalidTransition(
            f"clue {clue.id}: unknown status {to_status!r} (one of {', '.join(CLUE_STATUSES)})"
        )
    allowed = ALLOWED_TRANSITIONS[current]
    if to_status not in allowed:
        options = ", ".join(sorted(allowed)) or "none, it is final"
        raise InvalidTransition(
            f"clue {clue.id}: cannot go from {current} to {to_status} (allowed: {options})"
        )
    if to_status == "pushed" and clue.unit_id is None and clue.unit is None:
        raise InvalidTransition(f"clue {clue.id}: has no target unit; route it before pushing")
    for field, value in (("suspects_caught", suspects_caught), ("cases_solved", cases_solved)):
        if value is not None:
            if value < 0:
                raise ValueError(f"{field} must not be negative: {value}")
            setattr(clue, field, int(value))
    if money_frozen is not None:
        amount = Decimal(str(money_frozen))
        if amount < 0:
            raise ValueError(f"money_frozen must not be negative: {amount}")
        clue.money_frozen = amount
    clue.status = to_status
    event = ClueEvent(actor=actor, from_status=current, to_status=to_status, note=note)
    clue.events.append(event)
    session.flush()
    return event
