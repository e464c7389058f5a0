"""Sign-in, screening a deal, a screening's history and recording a disposition."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from service.api.deps import EngineDep, SessionDep, services_of
from service.api.permissions import Permission
from service.api.schemas.status import history
from service.engine.calendar import beijing_today
from service.engine.schema import TransactionType
from service.store import keys, reviews, screenings
from service.ui import forms
from service.ui import session as ui_session
from service.ui.deps import CsrfChecked, SignedIn, may, need, owns, render, ui_secret
from service.workflows.screening import decide_and_record

router = APIRouter(prefix="/ui", include_in_schema=False)


def _login_page(request: Request, status: int = 200, error: str | None = None) -> Response:
    """The sign-in form, with a signed anonymous session whose CSRF token the form sends back."""
    anonymous = ui_session.new_session(key_id="")
    response = render(request, "login.html", None, status=status, csrf=anonymous.csrf, error=error)
    ui_session.set_cookie(response, request, ui_secret(request), anonymous)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    """The sign-in form."""
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    api_key: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Check the key and start a signed session; the secret itself is not kept."""
    # A sign-in form posted from another site must not sign the victim in as someone else.
    pending = ui_session.decode(ui_secret(request), request.cookies.get(ui_session.COOKIE))
    if pending is None or not ui_session.same_token(pending.csrf, csrf_token):
        return _login_page(request, status=403, error="the sign-in form expired; try again")
    key = keys.find_active_key(session=session, secret=api_key.strip())
    if key is None:
        return _login_page(request, status=401, error="invalid or revoked API key")
    response = RedirectResponse("/ui/", status_code=303)
    ui_session.set_cookie(
        response, request, ui_secret(request), ui_session.new_session(key_id=key.id)
    )
    return response


@router.post("/logout", dependencies=[CsrfChecked])
def logout() -> Response:
    """End the session."""
    response = RedirectResponse("/ui/login", status_code=303)
    ui_session.clear_cookie(response)
    return response


@router.get("/")
def screen_form(request: Request, user: SignedIn) -> Response:
    """The screening form."""
    return render(request, "screen.html", user, types=list(TransactionType), form={}, errors=[])


@router.post("/screenings", dependencies=[CsrfChecked])
async def screen(request: Request, user: SignedIn, engine: EngineDep) -> Response:
    """Screen the deal in the form, store it by the API's path, show the result."""
    need(user.key, Permission.screenings_create)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        request_model = forms.screening_request(form)
    except ValueError as exc:
        return render(
            request,
            "screen.html",
            user,
            status=422,
            types=list(TransactionType),
            form=form,
            errors=forms.errors_of(exc),
        )
    recorded = await decide_and_record(
        request_model,
        engine=engine,
        recorder=services_of(request).recorder,
        api_key_id=user.key.id,
    )
    return RedirectResponse(f"/ui/screenings/{recorded.record['id']}", status_code=303)


@router.get("/screenings/{screening_id}")
def screening_page(
    request: Request, screening_id: str, user: SignedIn, session: SessionDep, on: str | None = None
) -> Response:
    """A screening's result with citations and its full history."""
    owner = need(user.key, Permission.screenings_read)
    row = screenings.get_screening(session=session, screening_id=screening_id)
    if row is None or not owns(owner, row.api_key_id):
        return render(request, "error.html", user, status=404, message="no such screening")
    record = history(session, row, forms.parse_day(on) or beijing_today())
    return render(
        request,
        "screening.html",
        user,
        record=record,
        may_dispose=may(user.key, Permission.dispositions_create),
        errors=[],
        form={},
    )


@router.post("/screenings/{screening_id}/dispositions", dependencies=[CsrfChecked])
async def dispose(
    request: Request, screening_id: str, user: SignedIn, session: SessionDep
) -> Response:
    """Record the disposition in the form; back to the screening's history."""
    need(user.key, Permission.dispositions_create)
    row = screenings.get_screening(session=session, screening_id=screening_id)
    if row is None:
        return render(request, "error.html", user, status=404, message="no such screening")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        body = forms.disposition(form)
    except ValueError as exc:
        record = history(session, row, beijing_today())
        return render(
            request,
            "screening.html",
            user,
            status=422,
            record=record,
            may_dispose=True,
            errors=forms.errors_of(exc),
            form=form,
        )
    reviews.add_disposition(
        session=session,
        screening=row,
        outcome=body.outcome.value,
        reason=body.reason,
        attachments=body.attachments,
        licence=body.licence.model_dump(mode="json") if body.licence else None,
        api_key_id=user.key.id,
        api_key_name=user.key.name,
    )
    return RedirectResponse(f"/ui/screenings/{screening_id}", status_code=303)
