"""The console (中文 by default, English on request): server-rendered pages over the same app,
store and permissions as the REST API.  :func:`mount_console` adds it to an app."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from jingwang.api.console.i18n import translator
from jingwang.api.console.web import HERE, PREFIX, LoginRequired, language, render

# The public report form lives outside /console (citizens need a short address).
PUBLIC_PAGES = ("/report",)


def is_page(path: str) -> bool:
    return path.startswith(PREFIX) or path.startswith(PUBLIC_PAGES) or path == "/"


def mount_console(app: FastAPI) -> None:
    from jingwang.api.console import (
        routes_clues,
        routes_dashboard,
        routes_findings,
        routes_home,
        routes_reports,
        routes_search,
    )

    app.mount(PREFIX + "/static", StaticFiles(directory=str(HERE / "static")),
              name="console-static")
    for module in (routes_home, routes_dashboard, routes_clues, routes_findings,
                   routes_reports, routes_search):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(PREFIX + "/", status_code=307)

    @app.exception_handler(LoginRequired)
    def login_required(request: Request, exc: LoginRequired) -> Response:
        from urllib.parse import quote
        return RedirectResponse(f"{PREFIX}/login?next={quote(exc.next_url, safe='')}",
                                status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """A refusal on a page is a page in the person's language; on /api it stays JSON."""
        if not is_page(request.url.path):
            return await http_exception_handler(request, exc)
        _ = translator(language(request))
        heading = {404: _("Not found"), 403: _("Not allowed")}.get(exc.status_code, _("Error"))
        message = _("The page or object does not exist, or is outside your unit's reach.") \
            if exc.status_code == 404 else _(str(exc.detail))
        return render(request, "error.html", status_code=exc.status_code, heading=heading,
                      message=message)
