"""Mounts the /ui pages and the handlers that turn sign-in and role failures into pages."""

import secrets

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from service.config import Settings
from service.ui import batch_pages, browse_pages, pages, party_pages
from service.ui.deps import LoginRequired, PageForbidden, render


async def _login_required(_request: Request, _exc: Exception) -> Response:
    return RedirectResponse("/ui/login", status_code=303)


async def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageForbidden)
    return render(request, "error.html", None, status=403, message=exc.message)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the pages and their error handlers; sessions are signed with the configured secret."""
    app.state.ui_secret = settings.ui_secret or secrets.token_urlsafe(32)
    for module in (pages, browse_pages, batch_pages, party_pages):
        app.include_router(module.router)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(PageForbidden, _forbidden)
