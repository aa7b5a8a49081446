"""Police units, users and the audit trail.

Import these from :mod:`jingwang.store.repository`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.store.errors import Duplicate, NotFound
from jingwang.store.models import AuditEvent, Unit, User


def add_unit(
    session: Session,
    code: str,
    name: str,
    region_code: str,
    level: str,
    parent: Unit | str | None = None,
) -> Unit:
    """The police unit ``code``, created or updated; ``parent`` is a Unit or its code."""
    parent_unit: Unit | None = None
    if isinstance(parent, str):
        parent_unit = session.scalars(select(Unit).where(Unit.code == parent)).one_or_none()
        if parent_unit is None:
            raise NotFound(f"no unit with code {parent!r} (add the parent first)")
    else:
        parent_unit = parent
    unit = session.scalars(select(Unit).where(Unit.code == code)).one_or_none()
    if unit is None:  # built whole (and so checked) before it joins the session
        unit = Unit(code=code, name=name, region_code=region_code, level=level, parent=parent_unit)
        session.add(unit)
    else:
        unit.name = name
        unit.region_code = region_code
        unit.level = level
        unit.parent = parent_unit
    session.flush()
    return unit


def add_user(
    session: Session,
    username: str,
    role: str,
    *,
    display_name: str | None = None,
    unit: Unit | None = None,
    password_hash: str | None = None,
    active: bool = True,
) -> User:
    """A new user; raises :class:`Duplicate` when ``username`` is taken (roles are never
    changed silently)."""
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise Duplicate(f"user {username!r} already exists")
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        unit=unit,
        password_hash=password_hash,
        active=active,
    )
    session.add(user)
    session.flush()
    return user


def record_audit(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append who did what to which object (``action`` such as ``read_pii``, ``push``)."""
    event = AuditEvent(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        detail=detail,
    )
    session.add(event)
    session.flush()
    return event
