"""Logging in and out of the console, and each person's landing page by role."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from jingwang.api.access import Principal
from jingwang.api.console.i18n import translator
from jingwang.api.console.web import (
    PREFIX,
    Person,
    check_csrf,
    language,
    now,
    redirect,
    render,
    safe_next,
)
from jingwang.api.deps import DB, SESSION_USER, StoreRouter, current_principal, refuse
from jingwang.api.security import verify_password
from jingwang.categories import CLUE_TERMINAL
from jingwang.clues.stats import CHINA_TIME, campaign_stats
from jingwang.store.directory import record_audit
from jingwang.store.models import Clue, Finding, Report, User

router = StoreRouter(prefix=PREFIX, include_in_schema=False)
URGENCY_RANK = case({"immediate": 0, "urgent": 1}, value=Clue.urgency, else_=2)
"""Clues in the order a unit works them: immediate, urgent, then normal."""
OFFICER_OPEN = ("pushed", "received", "verified", "case_filed")
"""An officer's open clues: those pushed to its units, not those still at the analysts' desk."""


@router.get("/login")
async def login_page(request: Request, next: str | None = None) -> Response:
    if (await current_principal(request)).user_id is not None:
        return redirect(safe_next(next))
    return render(request, "login.html", next_url=safe_next(next))


@router.post("/login")
def login(request: Request, session: DB, username: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=1024)],
          csrf: Annotated[str, Form(max_length=128)] = "",
          next: Annotated[str, Form(max_length=2048)] = "") -> Response:
    """The same checks as ``POST /api/login`` (rate limit, Argon2id, audit), for a form."""
    check_csrf(request, csrf)
    _ = translator(language(request))
    client = request.client.host if request.client else "unknown"
    if not request.app.state.login_limiter.allow(f"login:{client}"):
        return render(request, "login.html", status_code=429, next_url=safe_next(next),
                      username=username, error=_("Too many attempts; wait a minute."))
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if not verify_password(user.password_hash if user else None, password) \
            or user is None or not user.active:
        refuse(request, Principal(username, "public"), 401, "wrong username or password",
               "login_failed", "user", username)
        return render(request, "login.html", status_code=401, next_url=safe_next(next),
                      username=username, error=_("Wrong username or password."))
    token = request.session.get("csrf")
    request.session.clear()
    request.session[SESSION_USER] = user.id
    if token:
        request.session["csrf"] = token
    record_audit(session, user.username, "login", "user", user.id,
                 {"role": user.role, "via": "console"})
    return redirect(safe_next(next))


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    check_csrf(request, csrf)
    request.session.clear()
    return redirect(PREFIX + "/login")


def overdue_clause(moment: datetime) -> Any:
    """Clues past their deadline and still open."""
    return (Clue.deadline_at.is_not(None)) & (Clue.deadline_at < moment) \
        & Clue.status.not_in(CLUE_TERMINAL)


def clue_scope(session: Session, principal: Principal) -> Any:
    """The clues a person may see, as a select (an officer: its units' clues only)."""
    query = select(Clue)
    if principal.unit_bound:
        query = query.where(Clue.unit_id.in_(sorted(principal.reach(session)) or [-1]))
    return query


def _count(session: Session, query: Any) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def month_start(moment: datetime) -> datetime:
    local = moment.astimezone(CHINA_TIME)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@router.get("/")
def home(request: Request, session: DB, principal: Person) -> Response:
    """What this person works on first: an officer its queue, an analyst the new findings and
    reports, a platform the search box and the month's figures."""
    moment = now(request)
    tiles: list[tuple[str, int, str, bool]] = []  # label, count, link, alert
    urgent: list[Clue] = []
    if principal.can("clues.read"):
        scope = clue_scope(session, principal)
        open_ = scope.where(Clue.status.in_(OFFICER_OPEN) if principal.unit_bound
                            else Clue.status.not_in(CLUE_TERMINAL))
        label = "Open clues of my unit" if principal.unit_bound else "Open clues"
        tiles += [
            ("Waiting to be received", _count(session, scope.where(Clue.status == "pushed")),
             f"{PREFIX}/clues?status=pushed", False),
            ("Overdue", _count(session, scope.where(overdue_clause(moment))),
             f"{PREFIX}/clues?overdue=1", True),
            (label, _count(session, open_), f"{PREFIX}/clues", False),
        ]
        urgent = session.scalars(open_.options(selectinload(Clue.unit))
                                 .order_by(URGENCY_RANK, func.coalesce(Clue.deadline_at,
                                                                       Clue.created_at), Clue.id)
                                 .limit(8)).all()
    if principal.can("clues.create"):
        promoted = select(Clue.finding_id).where(Clue.finding_id.is_not(None))
        tiles += [
            ("New findings without a clue",
             _count(session, select(Finding.id).where(Finding.id.not_in(promoted))),
             f"{PREFIX}/findings", False),
            ("Citizen reports", _count(session, select(Report.id)), f"{PREFIX}/reports", False),
        ]
    figures = None
    if principal.can("stats.read"):
        start = month_start(moment)
        figures = campaign_stats(session, ("category",), since=start,
                                 until=(start + timedelta(days=32)).replace(day=1)).totals
    return render(request, "home.html", tiles=tiles, urgent=urgent, figures=figures,
                  moment=moment, terminal=CLUE_TERMINAL)
