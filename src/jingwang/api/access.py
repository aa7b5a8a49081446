"""Who may do what: roles, a unit's reach over the unit tree, and masking of PII.

Roles (``jingwang.categories.USER_ROLES``):

========== ================================================================================
admin      everything, users and the audit trail included
analyst    every clue, finding, case, gang and indicator; creates, routes and pushes clues
unit_officer the clues of its own unit and the units under it, and acts on them (receive,
           verify, file, close, reject, forward); searches indicators, cases and gangs
platform   a platform's risk team: indicator search with PII masked, the campaign figures
public     no login: may only send a citizen report
========== ================================================================================

A clue outside an officer's reach answers 404, exactly as a clue that does not exist, so ids
cannot be probed; the refusal is still written to the audit trail.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.indicators.kinds import PII_KINDS
from jingwang.store.models import Unit

ROLES = ("admin", "analyst", "unit_officer", "platform", "public")

# What each role may do; a route names the permission it needs.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"clues.read", "clues.create", "clues.route", "clues.act", "data.read",
                        "indicators.search", "stats.read", "units.read", "units.write",
                        "users.admin", "audit.read", "pii.read"}),
    "analyst": frozenset({"clues.read", "clues.create", "clues.route", "clues.act", "data.read",
                          "indicators.search", "stats.read", "units.read", "pii.read"}),
    "unit_officer": frozenset({"clues.read", "clues.act", "data.read", "indicators.search",
                               "stats.read", "units.read", "pii.read"}),
    "platform": frozenset({"indicators.search", "stats.read", "units.read"}),
    "public": frozenset(),
}


@dataclass
class Principal:
    """The caller of a request: a user (by session or token) or the anonymous public."""

    username: str
    role: str
    user_id: int | None = None
    unit_id: int | None = None
    via: str = "anonymous"       # "session", "token" or "anonymous"
    tree: UnitTree | None = field(default=None, repr=False)
    _reach: frozenset[int] | None = field(default=None, repr=False)

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())

    @property
    def sees_pii(self) -> bool:
        return self.can("pii.read")

    @property
    def unit_bound(self) -> bool:
        """Officers see only their units' clues; admins and analysts see all."""
        return self.role == "unit_officer"

    def reach(self, session: Session) -> frozenset[int]:
        """The unit ids this officer may see: its unit and every unit below it."""
        if self._reach is None:
            if not self.unit_id:
                self._reach = frozenset()
            elif self.tree is not None:
                self._reach = self.tree.below(session, self.unit_id)
            else:
                self._reach = frozenset(units_below(session, self.unit_id))
        return self._reach


ANONYMOUS = Principal(username="anonymous", role="public")


def _children(session: Session) -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for uid, parent in session.execute(select(Unit.id, Unit.parent_id)):
        children[parent].append(uid)
    return children


def units_below(session: Session, unit_id: int,
                children: dict[int | None, list[int]] | None = None) -> set[int]:
    """``unit_id`` and all its descendants (one query for the whole tree, walked here)."""
    children = _children(session) if children is None else children
    found, todo = {unit_id}, [unit_id]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


class UnitTree:
    """The unit tree kept for ``ttl`` seconds, so an officer's request does not read 3,000
    units to learn its reach (half the server's time under load, measured).  Changes through
    the API clear it; a unit imported from the shell is seen within ``ttl``."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._children: dict[int | None, list[int]] | None = None
        self._loaded = 0.0
        self._reach: dict[int, frozenset[int]] = {}
        self._lock = threading.Lock()

    def below(self, session: Session, unit_id: int) -> frozenset[int]:
        with self._lock:
            if self._children is None or time.monotonic() - self._loaded > self.ttl:
                self._children, self._loaded, self._reach = _children(session), \
                    time.monotonic(), {}
            if unit_id not in self._reach:
                self._reach[unit_id] = frozenset(units_below(session, unit_id, self._children))
            return self._reach[unit_id]

    def clear(self) -> None:
        with self._lock:
            self._children = None


def mask(kind: str, value: str) -> str:
    """A PII value as a role without the right sees it: enough to tell two apart, not to call.

    ``+8613812345678`` → ``+86138****5678``; ``6222020928159013962`` → ``622202*********3962``;
    ``a.li@qq.com`` → ``a***@qq.com``; other kinds are not PII and pass unchanged.
    """
    if kind not in PII_KINDS:
        return value
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    keep_head = 6 if len(value) > 12 else 3
    keep_tail = 4 if len(value) > 8 else 2
    if len(value) <= keep_head + keep_tail:
        return value[:2] + "*" * max(len(value) - 2, 0)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def shown(principal: Principal, kind: str, value: str) -> str:
    """The value as ``principal`` may see it."""
    return value if principal.sees_pii else mask(kind, value)
