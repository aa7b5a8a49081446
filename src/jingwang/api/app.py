"""The FastAPI application: `create_app(db_url)` builds it over one knowledge store.

OpenAPI at `/openapi.json`, Swagger UI at `/docs` (served from the installed package, no CDN:
see `_offline_docs`).  People log in with `POST /api/login` (a signed session cookie); machines
send `Authorization: Bearer jw_…`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from platformdirs import user_data_dir
from starlette.middleware.sessions import SessionMiddleware

from jingwang import __version__
from jingwang.api.access import UnitTree
from jingwang.api.auditlog import AuditLog
from jingwang.api.deps import CALLER_TTL_SECONDS, CallerCache, TokenTouches, utc_now
from jingwang.api.ratelimit import SlidingWindowLimiter
from jingwang.clues.escalator import Escalator
from jingwang.regions import IpLocator
from jingwang.store.db import open_store
from jingwang.store.errors import Duplicate, InvalidTransition, NotFound

SECRET_ENV = "JINGWANG_SECRET"
SESSION_HOURS = 12


def session_secret() -> str:
    """$JINGWANG_SECRET, else a random key kept in the user's data folder (made once), so
    sessions survive a restart without a secret in the code."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    path = Path(user_data_dir("jingwang", appauthor=False)) / "session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def create_app(db_url: str | None = None, *, secret: str | None = None,
               clock: Callable[[], datetime] = utc_now, report_rate: int = 10,
               login_rate: int = 20, https_only: bool = False,
               escalate_every: float | None = None,
               caller_ttl: float = CALLER_TTL_SECONDS) -> FastAPI:
    """The API over the store at ``db_url`` (which must be initialised).

    ``clock`` is injected so tests can move time (deadlines, escalation); ``report_rate`` and
    ``login_rate`` are per-address limits a minute; with ``escalate_every`` (seconds) the app
    moves overdue clues up to the parent unit on its own (`jingwang serve` runs one escalator
    of its own instead, whatever its number of workers); a token's or user's identity is kept
    ``caller_ttl`` seconds, so a revoked token is refused within that time.
    """
    from jingwang.api import routes_admin, routes_auth, routes_clues, routes_data, routes_public

    app = FastAPI(title="jingwang 净网 API", version=__version__,
                  lifespan=_lifespan(escalate_every),
                  description="Clues, findings, indicators, cases, gangs, units and campaign "
                              "statistics of a jingwang knowledge store.",
                  docs_url=None, redoc_url=None)
    app.state.engine = open_store(db_url)
    app.state.clock = clock
    app.state.audit = AuditLog(app.state.engine)
    app.state.token_touches = TokenTouches()
    app.state.callers = CallerCache(caller_ttl)
    app.state.unit_tree = UnitTree()
    app.state.ip_reader = IpLocator.from_env()  # $JINGWANG_GEOIP_DB, when the user has one
    app.state.report_limiter = SlidingWindowLimiter(report_rate, 60.0)
    app.state.login_limiter = SlidingWindowLimiter(login_rate, 60.0)
    app.add_middleware(SessionMiddleware, secret_key=secret or session_secret(),
                       session_cookie="jingwang_session", max_age=SESSION_HOURS * 3600,
                       same_site="strict", https_only=https_only)
    for module in (routes_auth, routes_clues, routes_data, routes_admin, routes_public):
        app.include_router(module.router)
    _errors(app)
    _offline_docs(app)
    from jingwang.api.console import mount_console
    mount_console(app)
    return app


def _lifespan(escalate_every: float | None):
    """Start an :class:`~jingwang.clues.escalator.Escalator` on the app's clock when asked
    (embedding and tests; `jingwang serve` runs its own, one per store); write the queued audit
    events when the server stops."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        escalator = Escalator(app.state.engine, escalate_every, app.state.clock).start() \
            if escalate_every else None
        try:
            yield
        finally:
            if escalator is not None:
                await asyncio.to_thread(escalator.stop)
            await asyncio.to_thread(app.state.audit.close)  # write the reads still queued

    return lifespan


def _errors(app: FastAPI) -> None:
    """Store errors as HTTP answers: a missing object 404, a wrong move 409, bad values 422."""

    @app.exception_handler(NotFound)
    def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(InvalidTransition)
    def conflict(request: Request, exc: InvalidTransition) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(Duplicate)
    def duplicate(request: Request, exc: Duplicate) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)


def _offline_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the files the `swagger-ui-bundle` package installs: FastAPI's
    default page fetches them from a CDN, and nothing may be fetched here."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="jingwang 净网 API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png")
