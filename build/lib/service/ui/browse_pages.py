"""The review queue and the rule-set browser (instruments, then their categories)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from service.api.deps import EngineDep, SessionDep
from service.api.permissions import Permission
from service.api.schemas.reviews import ReviewFilter
from service.api.schemas.status import queue_items
from service.engine.schema import TransactionType
from service.ui.deps import SignedIn, need, render

router = APIRouter(prefix="/ui", include_in_schema=False)


@router.get("/reviews")
def review_queue(request: Request, user: SignedIn, session: SessionDep) -> Response:
    """Screenings waiting for an officer, oldest first, with the API's filters."""
    need(user.key, Permission.reviews_read)
    params = {k: v for k, v in request.query_params.items() if v}
    try:
        query = ReviewFilter.model_validate(params)
        errors: list[str] = []
    except ValidationError as exc:
        query, errors = ReviewFilter(), [str(e["msg"]) for e in exc.errors()]
    items = queue_items(session, query)
    return render(
        request,
        "reviews.html",
        user,
        items=items,
        params=params,
        errors=errors,
        types=list(TransactionType),
    )


@router.get("/rules")
def instruments(request: Request, user: SignedIn, engine: EngineDep) -> Response:
    """Every legal instrument of the loaded rule set."""
    ruleset = engine.ruleset
    counts = {i: 0 for i in ruleset.instruments}
    for instrument, _category in ruleset.categories.values():
        counts[instrument.id] += 1
    return render(
        request,
        "rules.html",
        user,
        ruleset=ruleset,
        instruments=sorted(ruleset.instruments.values(), key=lambda i: i.id),
        counts=counts,
    )


@router.get("/rules/{instrument_id}")
def instrument(request: Request, instrument_id: str, user: SignedIn, engine: EngineDep) -> Response:
    """One instrument and its categories."""
    found = engine.ruleset.instruments.get(instrument_id)
    if found is None:
        return render(request, "error.html", user, status=404, message="no such instrument")
    categories = [c for i, c in engine.ruleset.categories.values() if i.id == instrument_id]
    return render(request, "instrument.html", user, instrument=found, categories=categories)
