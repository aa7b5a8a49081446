"""The demo's people and desk work: one user of each working role over the simulated world, and
the analysts' first move — clues routed to a local unit go out to it at once.

A clue that routing could only send to the ministry stays ``new``: an analyst finds its unit
(forward) and pushes it from the console.  The officer's unit is the local unit with the most
clues in its reach, so the demo login opens a queue with work in it.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.api.access import units_below
from jingwang.api.security import hash_password
from jingwang.clues.lifecycle import at_or_now, push
from jingwang.store.directory import add_user
from jingwang.store.models import Clue, Unit, User

DEMO_ANALYST = "analyst"


@dataclass
class DemoPeople:
    """Who can log in to the demo console, and with which password (the same for all)."""

    password: str
    users: dict[str, str] = field(default_factory=dict)  # username → role
    officer_unit: str | None = None                       # the officer's unit's name
    county_unit: str | None = None                        # the county officer's
    pushed: int = 0


def push_local_clues(session: Session, now: datetime | None = None,
                     actor: str = DEMO_ANALYST) -> int:
    """Push every ``new`` clue whose unit is below the ministry; how many were pushed."""
    now = at_or_now(now)
    rows = session.scalars(select(Clue).join(Unit, Unit.id == Clue.unit_id)
                           .where(Clue.status == "new", Unit.level != "ministry")
                           .order_by(Clue.id)).all()
    for clue in rows:
        push(session, clue, actor, now=now, note="routed to a local unit: pushed at once")
    session.flush()
    return len(rows)


def busiest_local_unit(session: Session, levels: tuple[str, ...] = ("province", "city",
                                                                      "county")
                       ) -> Unit | None:
    """The unit of one of ``levels`` whose reach holds the most clues (ties: the lower level,
    then the code), or None when no clue has a unit there."""
    per_unit = Counter(session.scalars(select(Clue.unit_id).where(Clue.unit_id.is_not(None))))
    depth = {"province": 0, "city": 1, "county": 2}
    best: tuple[int, int, str] | None = None
    chosen = None
    for unit in session.scalars(select(Unit).where(Unit.level.in_(levels))):
        held = sum(per_unit[u] for u in units_below(session, unit.id))
        if held == 0:
            continue
        key = (-held, -depth.get(unit.level, 0), unit.code)
        if best is None or key < best:
            best, chosen = key, unit
    return chosen


def add_demo_people(session: Session, password: str | None = None) -> DemoPeople:
    """Users ``admin``, ``analyst``, ``officer`` (of :func:`busiest_local_unit`),
    ``county_officer`` (of the busiest county) and ``platform``, all with ``password`` (a fresh
    random one when not given).  A user that exists already is left as it is, and out of the
    returned list."""
    people = DemoPeople(password=password or secrets.token_urlsafe(9))
    hashed = hash_password(people.password)
    unit = busiest_local_unit(session)
    county = busiest_local_unit(session, ("county",))
    wanted = [("admin", "admin", None), (DEMO_ANALYST, "analyst", None),
              ("officer", "unit_officer", unit), ("county_officer", "unit_officer", county),
              ("platform", "platform", None)]
    taken = set(session.scalars(select(User.username)))
    for username, role, user_unit in wanted:
        if role == "unit_officer" and user_unit is None:
            continue
        if username in taken:  # its password is not the one printed: leave it out
            continue
        add_user(session, username, role, unit=user_unit, password_hash=hashed,
                 display_name=f"demo {role}")
        people.users[username] = role
    people.officer_unit = unit.name if unit is not None else None
    people.county_unit = county.name if county is not None else None
    return people
