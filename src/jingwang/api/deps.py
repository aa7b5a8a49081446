"""Request plumbing shared by the routes: the store session, the caller, permission checks,
the clock, and the audit helper.

Every route that touches the store runs its whole transaction in the one worker thread that
runs the route: :class:`StoreRouter` wraps each such route so it commits (or rolls back) and
gives its connection back before it returns.  A transaction left open across FastAPI's thread
hops (dependencies, the route, serialising the answer, tearing down) held a connection, and on
SQLite the write lock, while waiting for a free worker thread — under 50 clients every thread
waited for a connection and the server stalled.  The caller is worked out the same way, in a
short session of its own.
"""

from __future__ import annotations

import functools
import inspect
import threading
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jingwang.api.access import ANONYMOUS, Principal
from jingwang.api.security import token_digest
from jingwang.store.directory import record_audit
from jingwang.store.models import ApiToken, User

SESSION_USER = "uid"
# Row ids as path parameters: within a PostgreSQL integer, so a huge id is a 422, not a 500.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
TOKEN_TOUCH_SECONDS = 60.0


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the route; it connects on its first query, and :class:`StoreRouter`
    ends its transaction inside the route's own thread.  Async, because making a session
    touches nothing: on the event loop it costs no hop to a worker thread (each hop waits for
    the GIL, and under load those waits were most of a request's time)."""
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()  # the route has already given its connection back: no I/O here


DB = Annotated[Session, Depends(get_session, scope="function")]


def transactional(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Commit when ``endpoint`` returns, roll back when it raises, and close — all in the
    thread the endpoint ran in."""

    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        session: Session = kwargs["session"]
        try:
            result = endpoint(*args, **kwargs)
            session.commit()
            return result
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    return run


class StoreRouter(APIRouter):
    """An APIRouter whose routes with a ``session`` parameter are :func:`transactional`."""

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if "session" in inspect.signature(endpoint).parameters:
            if inspect.iscoroutinefunction(endpoint):
                raise TypeError(f"{endpoint.__name__}: store routes must be plain functions")
            endpoint = transactional(endpoint)
        super().add_api_route(path, endpoint, **kwargs)


def now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class TokenTouches:
    """When each token was last marked as used, so that at most one request a minute per token
    and process writes ``last_used_at`` (not every request that arrives in that second)."""

    def __init__(self) -> None:
        self._last: dict[int, float] = {}
        self._lock = threading.Lock()

    def due(self, token_id: int) -> bool:
        moment = time.monotonic()
        with self._lock:
            if moment - self._last.get(token_id, -TOKEN_TOUCH_SECONDS) < TOKEN_TOUCH_SECONDS:
                return False
            self._last[token_id] = moment
            return True


CALLER_TTL_SECONDS = 10.0


class CallerCache:
    """Who a token or a session's user id is, kept for :data:`CALLER_TTL_SECONDS`: most
    requests then need neither a store round trip nor a worker thread to know their caller.
    A revoked token or a deactivated user is refused within that time."""

    def __init__(self, ttl: float = CALLER_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, tuple[str, str, int, int | None, int | None]]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[str, str, int, int | None, int | None] | None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] > self.ttl:
            return None
        return entry[1]

    def put(self, key: str, who: tuple[str, str, int, int | None, int | None]) -> None:
        with self._lock:
            if len(self._entries) > 50_000:
                self._entries.clear()
            self._entries[key] = (time.monotonic(), who)


def _look_up(request: Request, token: str | None, uid: int | None
             ) -> tuple[str, str, int, int | None, int | None] | None:
    """(username, role, user id, unit id, token id) from the store, in a short session of its
    own; None for a session whose user is gone or inactive; 401 for a bad token."""
    with Session(request.app.state.engine) as session:
        if token is not None:
            row = session.execute(
                select(ApiToken.id, ApiToken.revoked, User)
                .join(User, User.id == ApiToken.user_id)
                .where(ApiToken.digest == token_digest(token))).first()
            if row is None or row.revoked or not row.User.active:
                raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or revoked token",
                                    headers={"WWW-Authenticate": "Bearer"})
            return row.User.username, row.User.role, row.User.id, row.User.unit_id, row.id
        user = session.get(User, uid)
        if user is None or not user.active:
            return None
        return user.username, user.role, user.id, user.unit_id, None


def _touch_token(request: Request, token_id: int) -> None:
    with Session(request.app.state.engine) as session:
        session.execute(update(ApiToken).where(ApiToken.id == token_id)
                        .values(last_used_at=now(request)))
        session.commit()


async def current_principal(request: Request) -> Principal:
    """The caller: a bearer token first, else the session cookie, else the anonymous public.

    Async: a caller known to the :class:`CallerCache` costs no thread hop; otherwise it is
    looked up in a worker thread, in a short session that is over before the route runs."""
    token = _bearer(request)
    uid = request.session.get(SESSION_USER) if "session" in request.scope else None
    if token is None and not isinstance(uid, int):
        return ANONYMOUS
    key = "t:" + token_digest(token) if token is not None else f"u:{uid}"
    cache: CallerCache = request.app.state.callers
    who = cache.get(key)
    if who is None:
        who = await run_in_threadpool(_look_up, request, token, uid)
        if who is None:
            request.session.clear()
            return ANONYMOUS
        cache.put(key, who)
    username, role, user_id, unit_id, token_id = who
    if token_id is not None and request.app.state.token_touches.due(token_id):
        await run_in_threadpool(_touch_token, request, token_id)
    return Principal(username, role, user_id, unit_id, via="token" if token else "session",
                     tree=request.app.state.unit_tree)


Caller = Annotated[Principal, Depends(current_principal)]


def require(permission: str) -> Callable[[Principal], Principal]:
    """A dependency that lets the request through only when the caller has ``permission``:
    401 for the anonymous public (log in first), 403 for a user whose role lacks it."""

    async def check(principal: Caller) -> Principal:  # pure: runs on the loop, no thread hop
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


def audit_read(request: Request, principal: Principal, object_type: str, object_id: Any = None,
               action: str = "read_pii", **detail: Any) -> None:
    """Queue the audit event of a read (or a refusal) on the app's :class:`AuditLog`: it is
    written within a moment, without the request taking the store's write lock."""
    request.app.state.audit.record(principal.username, action, object_type, object_id,
                                   now(request),
                                   {**detail, "role": principal.role, "via": principal.via})


def refuse(request: Request, principal: Principal, status_code: int, message: str,
           action: str, object_type: str, object_id: Any = None, **detail: Any
           ) -> HTTPException:
    """An HTTP refusal to raise, its audit event queued (it stays when the request's own
    transaction is rolled back)."""
    audit_read(request, principal, object_type, object_id, action=action, **detail)
    return HTTPException(status_code, message)


def utc_now() -> datetime:
    return datetime.now(UTC)
