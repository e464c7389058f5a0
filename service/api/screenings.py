"""Screenings: decide a deal with the engine, record it in the audit log, read the log back."""

import logging
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Query, Response
from sqlmodel import Session

from service.api.deps import (
    Authorized,
    Services,
    ServicesDep,
    SessionDep,
    SettingsDep,
    authorize,
    caller_owns,
)
from service.api.errors import BAD_JSON_BODY, ERROR_RESPONSES, Conflict, ErrorBody, NotFound
from service.api.examples import SCREENING_EXAMPLES
from service.api.models import (
    ScreeningFilter,
    ScreeningPage,
    ScreeningRecord,
    record_from_row,
    summary_from_row,
)
from service.api.review_models import ScreeningHistory
from service.api.status import history
from service.engine.models import ScreeningRequest
from service.store import idempotency, reviews, screenings
from service.store.tables import Screening, ScreeningIdempotency

log = logging.getLogger("service.screenings")

# Chinese measures take effect on Beijing calendar days; China keeps UTC+8 all year.
BEIJING = timezone(timedelta(hours=8), "CST")
IDEMPOTENCY_KEY = Header(
    max_length=150,
    pattern=r"^[\x21-\x7e]+$",
    description="a retry with the same key and body returns the first screening, not a new one",
)

router = APIRouter(
    prefix="/v1/screenings",
    tags=["screenings"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


def beijing_today() -> date:
    """Today's date in Beijing, the default `as_of` of a screening."""
    return datetime.now(BEIJING).date()


@router.post(
    "",
    status_code=201,
    operation_id="create_screening",
    responses={
        **BAD_JSON_BODY,
        403: {"model": ErrorBody, "description": "an auditor key may not screen"},
        409: {"model": ErrorBody, "description": "Idempotency-Key reused with another body"},
        413: {"model": ErrorBody, "description": "request body over the size limit"},
    },
)
def create_screening(
    request: Annotated[ScreeningRequest, Body(openapi_examples=SCREENING_EXAMPLES)],
    services: ServicesDep,
    session: SessionDep,
    caller: Authorized,
    response: Response,
    idempotency_key: Annotated[str | None, IDEMPOTENCY_KEY] = None,
) -> ScreeningRecord:
    """Screen a proposed deal and record the decision in the audit log."""
    key_id = caller.key.id
    if idempotency_key and (
        earlier := idempotency.find_idempotent(
            session=session, api_key_id=key_id, key=idempotency_key
        )
    ):
        return _replay(session, earlier, request, response)
    result = services.rules.engine.screen(request, today=beijing_today())
    if not idempotency_key:
        row = screenings.add_screening(
            session=session, request=request, result=result, api_key_id=key_id
        )
    else:
        new, record = idempotency.add_screening_once(
            session=session, request=request, result=result, api_key_id=key_id, key=idempotency_key
        )
        if new is None:
            return _replay(session, record, request, response)
        row = new
    _decided(row, services)
    return record_from_row(row)


def _replay(
    session: Session, earlier: ScreeningIdempotency, request: ScreeningRequest, response: Response
) -> ScreeningRecord:
    """The screening first stored under this Idempotency-Key; 409 when the body differs."""
    if earlier.request_hash != idempotency.request_digest(request):
        raise Conflict(
            f"Idempotency-Key {earlier.key} was first used with a different request body",
            details={"screening_id": earlier.screening_id},
        )
    row = screenings.get_screening(session=session, screening_id=earlier.screening_id)
    assert row is not None
    response.headers["Idempotent-Replayed"] = "true"
    return record_from_row(row)


def _decided(row: Screening, services: Services) -> None:
    """Log and count a newly stored decision."""
    services.metrics.decisions.labels(row.decision).inc()
    log.info(
        "screening.decided",
        extra={
            "screening_id": row.id,
            "decision": row.decision,
            "transaction_type": row.transaction_type,
            "ruleset": row.ruleset_version,
            "api_key_id": row.api_key_id,
        },
    )


@router.get(
    "/{screening_id}",
    operation_id="get_screening",
    responses={404: {"model": ErrorBody, "description": "no screening with this id"}},
)
def get_screening(
    screening_id: str,
    session: SessionDep,
    caller: Authorized,
    on: Annotated[
        date | None, Query(description="day to check licence validity for; default today")
    ] = None,
) -> ScreeningHistory:
    """One stored screening: result, request, key, and its status, dispositions and flags.

    A screener key sees only its own screenings; another key's answers 404, as if absent.
    """
    row = screenings.get_screening(session=session, screening_id=screening_id)
    if row is None or not caller_owns(caller, row.api_key_id):
        raise NotFound(f"no screening with id {screening_id}")
    return history(session, row, on or beijing_today())


@router.get("", operation_id="list_screenings")
def list_screenings(
    query: Annotated[ScreeningFilter, Query()],
    session: SessionDep,
    settings: SettingsDep,
    caller: Authorized,
) -> ScreeningPage:
    """The audit log, newest first, filtered by decision, reference, type and creation day.

    A screener key sees only its own screenings.
    """
    limit = min(query.limit, settings.max_page_size)
    rows, total = screenings.list_screenings(
        session=session,
        decision=query.decision,
        reference=query.reference,
        transaction_type=query.transaction_type,
        created_from=_day_start(query.created_from),
        created_before=_day_start(query.created_to, days=1),
        api_key_id=caller.owner,
        limit=limit,
        offset=query.offset,
    )
    outcomes = reviews.latest_outcomes(session=session, screening_ids=[row.id for row in rows])
    items = [summary_from_row(row, outcomes.get(row.id)) for row in rows]
    return ScreeningPage(items=items, total=total, limit=limit, offset=query.offset)


def _day_start(day: date | None, days: int = 0) -> datetime | None:
    """Midnight UTC at the start of `day` (plus `days`), or None."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=days), time.min, tzinfo=UTC)
