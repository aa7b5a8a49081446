"""Administration: users and their tokens, the unit tree, the audit trail (read only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from jingwang.api.access import ROLES, Principal
from jingwang.api.deps import DB, StoreRouter, audit, require
from jingwang.api.security import hash_password
from jingwang.api.tokens import issue_token
from jingwang.categories import UNIT_LEVELS
from jingwang.store.directory import add_unit, add_user
from jingwang.store.errors import Duplicate, NotFound
from jingwang.store.models import AuditEvent, Unit, User

router = StoreRouter(prefix="/api", tags=["admin"])

Admin = Annotated[Principal, Depends(require("users.admin"))]
Auditor = Annotated[Principal, Depends(require("audit.read"))]
UnitReader = Annotated[Principal, Depends(require("units.read"))]
UnitWriter = Annotated[Principal, Depends(require("units.write"))]


class UserIn(BaseModel):
    username: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.@-]{1,64}$")]
    role: Annotated[str, Field(description=f"one of {', '.join(ROLES)}")]
    password: Annotated[str | None, Field(min_length=8, max_length=1024)] = None
    unit: Annotated[str | None, Field(max_length=64, description="the unit's code")] = None
    display_name: Annotated[str | None, Field(max_length=128)] = None


class UserOut(BaseModel):
    id: int
    username: str
    role: str
    unit: str | None
    display_name: str | None
    active: bool


class TokenIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=128)]


class UnitIn(BaseModel):
    code: Annotated[str, Field(min_length=1, max_length=64)]
    name: Annotated[str, Field(min_length=1, max_length=256)]
    region_code: Annotated[str, Field(pattern=r"^[0-9]{6}$")]
    level: Annotated[str, Field(description="ministry, province, city or county")]
    parent: Annotated[str | None, Field(max_length=64)] = None


def _user(u: User) -> UserOut:
    return UserOut(id=u.id, username=u.username, role=u.role,
                   unit=u.unit.code if u.unit else None, display_name=u.display_name,
                   active=u.active)


def _unit_by_code(session, code: str) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.code == code)).one_or_none()
    if unit is None:
        raise HTTPException(422, f"no unit with code {code!r}")
    return unit


@router.get("/users", summary="Every user")
def list_users(session: DB, principal: Admin) -> list[UserOut]:
    return [_user(u) for u in session.scalars(select(User).order_by(User.username))]


@router.post("/users", status_code=201, summary="Add a user")
def create_user(body: UserIn, session: DB, principal: Admin) -> UserOut:
    if body.role not in ROLES:
        raise HTTPException(422, f"unknown role {body.role!r}; one of {', '.join(ROLES)}")
    if body.role == "unit_officer" and body.unit is None:
        raise HTTPException(422, "a unit officer needs a unit")
    unit = _unit_by_code(session, body.unit) if body.unit else None
    try:
        user = add_user(session, body.username, body.role, display_name=body.display_name,
                        unit=unit, password_hash=hash_password(body.password)
                        if body.password else None)
    except Duplicate as exc:
        raise HTTPException(409, str(exc)) from exc
    audit(session, principal, "user.create", "user", user.id, username=user.username,
          new_role=user.role, unit=body.unit)
    return _user(user)


@router.post("/users/{username}/tokens", status_code=201, summary="Issue an API token")
def create_token(username: str, body: TokenIn, session: DB, principal: Admin) -> dict[str, str]:
    """The token is shown once, here; only its hash is kept."""
    try:
        token = issue_token(session, username, body.name)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    audit(session, principal, "token.create", "user", username, name=body.name)
    return {"username": username, "name": body.name, "token": token}


@router.get("/units", summary="The unit tree, flat, parents first")
def list_units(session: DB, principal: UnitReader) -> list[dict[str, Any]]:
    units = session.scalars(select(Unit).order_by(Unit.region_code, Unit.code)).all()
    parent_code = {u.id: u.code for u in units}
    return [{"id": u.id, "code": u.code, "name": u.name, "region_code": u.region_code,
             "level": u.level, "parent": parent_code.get(u.parent_id)} for u in units]


@router.post("/units", status_code=201, summary="Add or update a unit")
def put_unit(body: UnitIn, request: Request, session: DB, principal: UnitWriter
             ) -> dict[str, Any]:
    if body.level not in UNIT_LEVELS:
        raise HTTPException(422, f"unknown level {body.level!r}; one of {', '.join(UNIT_LEVELS)}")
    try:
        unit = add_unit(session, body.code, body.name, body.region_code, body.level, body.parent)
    except NotFound as exc:
        raise HTTPException(422, str(exc)) from exc
    audit(session, principal, "unit.write", "unit", unit.code, **body.model_dump())
    request.app.state.unit_tree.clear()
    return {"id": unit.id, "code": unit.code}


@router.get("/audit", summary="The audit trail, newest first (it cannot be changed here)")
def list_audit(session: DB, principal: Auditor,
               actor: Annotated[str | None, Query(max_length=128)] = None,
               action: Annotated[str | None, Query(max_length=64)] = None,
               object_type: Annotated[str | None, Query(max_length=64)] = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> dict[str, Any]:
    query = select(AuditEvent)
    for column, value in ((AuditEvent.actor, actor), (AuditEvent.action, action),
                          (AuditEvent.object_type, object_type)):
        if value is not None:
            query = query.where(column == value)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset))
    return {"total": total, "items": [
        {"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
         "object_type": e.object_type, "object_id": e.object_id, "detail": e.detail}
        for e in rows]}
