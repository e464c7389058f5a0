"""Dependencies of the /ui pages: templates, the signed-in key, role and CSRF checks."""

from pathlib import Path
from typing import Annotated, NamedTuple

from fastapi import Depends, Form, Request
from fastapi.templating import Jinja2Templates

from service.api.deps import SessionDep
from service.api.permissions import Permission, Scope, grant
from service.engine.errors import ScreeningError
from service.store import keys
from service.store.tables import ApiKey
from service.ui import session as ui_session

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


class LoginRequired(Exception):
    """No valid sign-in: the page handler redirects to the sign-in form."""


class PageForbidden(ScreeningError):
    """The signed-in key's role may not use this page or form."""

    code = "forbidden"
    status = 403


def ui_secret(request: Request) -> str:
    """The secret that signs session cookies."""
    return request.app.state.ui_secret


class User(NamedTuple):
    """The signed-in key and its signed session cookie."""

    key: ApiKey
    session: ui_session.UiSession


def signed_in(request: Request, session: SessionDep) -> User:
    """The signed-in, unrevoked key and its session; LoginRequired otherwise."""
    cookie = ui_session.decode(ui_secret(request), request.cookies.get(ui_session.COOKIE))
    key = keys.get_api_key(session=session, key_id=cookie.key_id) if cookie else None
    if cookie is None or key is None or key.revoked_at is not None:
        raise LoginRequired
    return User(key, cookie)


SignedIn = Annotated[User, Depends(signed_in)]


def check_csrf(user: SignedIn, csrf_token: Annotated[str, Form()] = "") -> None:
    """Refuse a form whose CSRF token is not the session's."""
    if not ui_session.same_token(user.session.csrf, csrf_token):
        raise PageForbidden("the form's CSRF token is missing or stale; reload the page")


CsrfChecked = Depends(check_csrf)


def need(key: ApiKey, permission: Permission) -> str | None:
    """Check the key's role against the API's permission table (PageForbidden without it).

    Returns the key id to restrict reads to when the role sees only its own records, else None.
    """
    scope = grant(key.role, permission)
    if scope is None:
        raise PageForbidden(f"a {key.role} key may not do {permission.value}")
    return key.id if scope is Scope.own else None


def may(key: ApiKey, permission: Permission) -> bool:
    """True when the key's role has `permission`."""
    return grant(key.role, permission) is not None


def owns(owner: str | None, api_key_id: str) -> bool:
    """True when a record made by `api_key_id` is visible to a reader restricted to `owner`."""
    return owner is None or owner == api_key_id


def render(  # noqa: ANN201 - a TemplateResponse
    request: Request,
    name: str,
    user: SignedIn | None,
    status: int = 200,
    csrf: str | None = None,
    **context,  # noqa: ANN003
):
    """Render a page with the signed-in key and CSRF token available to the template."""
    key, cookie = user if user else (None, None)
    return TEMPLATES.TemplateResponse(
        request,
        name,
        {"key": key, "csrf": csrf or (cookie.csrf if cookie else ""), **context},
        status_code=status,
    )
