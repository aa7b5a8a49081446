"""Logging in and out (people, by session cookie) and who the caller is."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from jingwang.api.access import Principal
from jingwang.api.deps import DB, SESSION_USER, Caller, StoreRouter, refuse
from jingwang.api.security import verify_password
from jingwang.store.directory import record_audit
from jingwang.store.models import User

router = StoreRouter(prefix="/api", tags=["auth"])


class Login(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class Me(BaseModel):
    username: str
    role: str
    unit_id: int | None
    via: str
    permissions: list[str]


def _me(p: Principal) -> Me:
    from jingwang.api.access import PERMISSIONS
    return Me(username=p.username, role=p.role, unit_id=p.unit_id, via=p.via,
              permissions=sorted(PERMISSIONS.get(p.role, ())))


@router.post("/login", summary="Log in a person; sets the session cookie")
def login(body: Login, request: Request, session: DB) -> Me:
    limiter = request.app.state.login_limiter
    if not limiter.allow(f"login:{_client(request)}"):
        raise HTTPException(429, "too many login attempts; wait a minute")
    user = session.scalars(select(User).where(User.username == body.username)).one_or_none()
    if not verify_password(user.password_hash if user else None, body.password) \
            or user is None or not user.active:
        raise refuse(request, Principal(body.username, "public"), 401,
                     "wrong username or password", "login_failed", "user", body.username)
    request.session.clear()
    request.session[SESSION_USER] = user.id
    record_audit(session, user.username, "login", "user", user.id, {"role": user.role})
    return _me(Principal(user.username, user.role, user.id, user.unit_id, via="session"))


@router.post("/logout", summary="End the session")
def logout(request: Request) -> dict[str, Any]:
    request.session.clear()
    return {"ok": True}


@router.get("/me", summary="Who the caller is and what the role may do")
def me(principal: Caller) -> Me:
    if principal.user_id is None:
        raise HTTPException(401, "not logged in", headers={"WWW-Authenticate": "Bearer"})
    return _me(principal)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"
