"""Request plumbing shared by the routes: the store session, the caller, permission checks,
the clock, and the audit helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwang.api.access import ANONYMOUS, Principal
from jingwang.api.security import token_digest
from jingwang.store.db import session_scope
from jingwang.store.directory import record_audit
from jingwang.store.models import ApiToken, User

SESSION_USER = "uid"
# Row ids as path parameters: within a PostgreSQL integer, so a huge id is a 422, not a 500.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]


class AuditedRefusal(HTTPException):
    """A refusal whose audit event (already added to the request's session) must be kept."""


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error —
    except after an :class:`AuditedRefusal`, whose audit event is committed before it answers."""
    with session_scope(request.app.state.engine) as session:
        try:
            yield session
        except AuditedRefusal:
            session.commit()
            raise


# scope="function": the transaction ends (commit or rollback) when the route returns, before the
# response is sent, so a client that reads right after its write sees it, and a failed commit
# is a 500, not a silent loss.
DB = Annotated[Session, Depends(get_session, scope="function")]


def now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_principal(request: Request, session: DB) -> Principal:
    """The caller: a bearer token first, else the session cookie, else the anonymous public."""
    token = _bearer(request)
    if token is not None:
        row = session.execute(
            select(ApiToken, User).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.digest == token_digest(token))).first()
        if row is None or row[0].revoked or not row[1].active:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or revoked token",
                                headers={"WWW-Authenticate": "Bearer"})
        api_token, user = row
        moment = now(request)
        # At most one write a minute per token: a busy client must not turn reads into writes.
        if api_token.last_used_at is None or (moment - api_token.last_used_at).total_seconds() > 60:
            api_token.last_used_at = moment
        return Principal(user.username, user.role, user.id, user.unit_id, via="token")
    uid = request.session.get(SESSION_USER) if "session" in request.scope else None
    if isinstance(uid, int):
        user = session.get(User, uid)
        if user is not None and user.active:
            return Principal(user.username, user.role, user.id, user.unit_id, via="session")
        request.session.clear()
    return ANONYMOUS


Caller = Annotated[Principal, Depends(current_principal)]


def require(permission: str) -> Callable[[Principal], Principal]:
    """A dependency that lets the request through only when the caller has ``permission``:
    401 for the anonymous public (log in first), 403 for a user whose role lacks it."""

    def check(principal: Caller) -> Principal:
        if principal.can(permission):
            return principal
        if principal.role == "public" and principal.user_id is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "log in or send a token",
                                headers={"WWW-Authenticate": "Bearer"})
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"role {principal.role} may not do this ({permission})")

    return check


def audit(session: Session, principal: Principal, action: str, object_type: str,
          object_id: Any = None, **detail: Any) -> None:
    """Append an audit event in the request's transaction (so it lands with the change)."""
    record_audit(session, principal.username, action, object_type, object_id,
                 {**detail, "role": principal.role, "via": principal.via})


def refuse(session: Session, principal: Principal, status_code: int, message: str,
           action: str, object_type: str, object_id: Any = None, **detail: Any
           ) -> AuditedRefusal:
    """An HTTP refusal to raise, with its audit event written in the request's transaction."""
    audit(session, principal, action, object_type, object_id, **detail)
    return AuditedRefusal(status_code, message)


def utc_now() -> datetime:
    return datetime.now(UTC)
