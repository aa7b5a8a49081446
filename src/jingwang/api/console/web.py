"""What every console page shares: the templates, the logged-in person, the form token, the
language, and how a page answers a refusal (a page, not JSON).

Pages are server-rendered Jinja2 over the same store session and the same permission checks as
the REST API (:mod:`jingwang.api.deps`, :mod:`jingwang.api.access`): a page never sees what the
role could not read through ``/api``.  Nothing on a page is fetched from outside the server:
styles, script and charts are our own files under ``/console/static`` or inline SVG.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from jingwang.api.access import Principal, shown
from jingwang.api.console.i18n import LANG_COOKIE, LANGUAGES, pick_language, translator
from jingwang.api.deps import current_principal
from jingwang.api.deps import now as clock_now
from jingwang.categories import display_name
from jingwang.clues.stats import CHINA_TIME
from jingwang.indicators.kinds import kind_name
from jingwang.store.timeutil import as_utc

HERE = Path(__file__).parent
PREFIX = "/console"
CSRF_KEY = "csrf"


class LoginRequired(Exception):
    """A page was asked for without a login: the answer is the login page, then back here."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def language(request: Request) -> str:
    return pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def csrf_token(request: Request) -> str:
    """The session's form token (made on first use); every form posts it back."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = request.session[CSRF_KEY] = secrets.token_urlsafe(24)
    return token


def check_csrf(request: Request, token: str | None) -> None:
    """Refuse a form whose token is not the session's.  The session cookie is SameSite=strict
    already; the token also stops a form posted from a page of another origin on the network."""
    expected = request.session.get(CSRF_KEY)
    if not isinstance(expected, str) or not token or not secrets.compare_digest(expected, token):
        raise HTTPException(403, "Your form expired; reload the page and try again.")


def china_time(value: datetime | None, with_seconds: bool = False) -> str:
    """A stored (UTC) time as Beijing time, the way the units read it."""
    if value is None:
        return "-"
    return as_utc(value).astimezone(CHINA_TIME).strftime(
        "%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


def money(value: Decimal | float | int | str | None) -> str:
    if value is None:
        return "-"
    return f"{Decimal(str(value)):,.2f}"


def _context(request: Request) -> dict[str, Any]:
    """What every template may use: ``_`` (translate), ``name`` (a vocabulary code as a person
    reads it), the caller ``me``, the form token, the language and formatting helpers."""
    lang = language(request)
    me: Principal | None = getattr(request.state, "principal", None)
    return {
        "_": translator(lang), "lang": lang, "languages": LANGUAGES, "me": me,
        "name": lambda code: display_name(code, lang),
        "kind_name": lambda kind: kind_name(kind, lang),
        "shown": (lambda kind, value: shown(me, kind, value)) if me is not None
        else (lambda kind, value: value),
        "csrf": csrf_token(request), "china_time": china_time, "money": money,
        "quote": lambda s: quote(str(s), safe=""), "prefix": PREFIX,
        "path": request.url.path,
        "path_with_query": request.url.path + (f"?{request.url.query}" if request.url.query
                                               else ""),
    }


templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[_context])
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def render(request: Request, template: str, status_code: int = 200, **context: Any
           ) -> HTMLResponse:
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    if "lang" in request.query_params and request.query_params["lang"] in LANGUAGES:
        response.set_cookie(LANG_COOKIE, request.query_params["lang"], max_age=365 * 86400,
                            samesite="strict")
    return response


def redirect(url: str) -> RedirectResponse:
    """After a form: go to ``url`` with GET (303), so a reload does not post twice."""
    return RedirectResponse(url, status_code=303)


async def page_principal(request: Request) -> Principal:
    """The logged-in person of a page; anyone else is sent to the login page."""
    principal = await current_principal(request)
    if principal.user_id is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query
                                                else ""))
    request.state.principal = principal
    return principal


def page_require(permission: str):
    """A page dependency: the person, if the role has ``permission``; else a 403 page."""

    async def check(principal: Annotated[Principal, Depends(page_principal)]) -> Principal:
        if not principal.can(permission):
            raise HTTPException(403, "Your role may not open this page.")
        return principal

    return check


Person = Annotated[Principal, Depends(page_principal)]


def now(request: Request) -> datetime:
    return clock_now(request)


def safe_next(url: str | None) -> str:
    """Only a path on this server may follow a login (no open redirect)."""
    if url and url.startswith(PREFIX) and not url.startswith("//") and "\\" not in url:
        return url
    return PREFIX + "/"
