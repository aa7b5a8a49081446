"""What the clue routes do, as calls into the clue library (`jingwang.clues`): the API adds
only who may do it and the audit trail."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from jingwang.clues import Outcome, open_clue, transition
from jingwang.clues import forward as forward_clue
from jingwang.store.models import Case, Clue, Finding, Gang, Unit


def create(session: Session, actor: str, *, title: str, category: str, urgency: str,
           description: str | None, unit: Unit | None, finding: Finding | None,
           case: Case | None, gang: Gang | None, now: datetime, ip_reader: Any = None) -> Clue:
    """A new clue, given to ``unit`` or, without one, routed from its evidence."""
    clue, _ = open_clue(session, title, category, actor, urgency=urgency, finding=finding,
                        gang=gang, case=case, unit=unit, description=description, now=now,
                        ip_reader=ip_reader)
    return clue


def move(session: Session, clue: Clue, to: str, actor: str, note: str | None, *,
         now: datetime, suspects_caught: int | None, money_frozen: Decimal | None,
         cases_solved: int | None) -> None:
    transition(session, clue, to, actor, now=now, note=note,
               outcome=Outcome(suspects_caught, money_frozen, cases_solved))


def forward(session: Session, clue: Clue, unit: Unit, actor: str, note: str | None, *,
            now: datetime) -> None:
    forward_clue(session, clue, unit, actor, note, now=now)
