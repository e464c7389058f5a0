"""Screenings: decide a deal with the engine, record it in the audit log, read the log back."""

import logging
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from service.api.deps import (
    Authorized,
    Services,
    SessionDep,
    SettingsDep,
    authorize,
    caller_owns,
    services_of,
)
from service.api.errors import BAD_JSON_BODY, ERROR_RESPONSES, Conflict, ErrorBody, NotFound
from service.api.examples import SCREENING_EXAMPLES
from service.api.models import (
    ScreeningFilter,
    ScreeningPage,
    ScreeningRecord,
    record_from_row,
    record_json,
    summary_from_row,
)
from service.api.review_models import ScreeningHistory
from service.api.status import history
from service.engine.calendar import beijing_today, utc_day_start
from service.engine.models import ScreeningRequest
from service.store import idempotency, reviews, screenings
from service.store.tables import Screening, ScreeningIdempotency

log = logging.getLogger("service.screenings")

# Free text up to this length is screened on the event loop (well under a millisecond); the
# longest allowed texts can take ~15 ms and go to a thread, so they do not stall other requests.
INLINE_TEXT_CHARS = 500
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


@router.post(
    "",
    status_code=201,
    response_model=ScreeningRecord,
    operation_id="create_screening",
    responses={
        **BAD_JSON_BODY,
        403: {"model": ErrorBody, "description": "an auditor key may not screen"},
        409: {"model": ErrorBody, "description": "Idempotency-Key reused with another body"},
        413: {"model": ErrorBody, "description": "request body over the size limit"},
    },
)
async def create_screening(
    request: Annotated[ScreeningRequest, Body(openapi_examples=SCREENING_EXAMPLES)],
    http: Request,
    caller: Authorized,
    idempotency_key: Annotated[str | None, IDEMPOTENCY_KEY] = None,
) -> Response:
    """Screen a proposed deal and record the decision in the audit log."""
    services = services_of(http)  # not a dependency: each one costs FastAPI time to resolve
    # On the event loop: an ERP calls this on every order, and each thread hand-off cost more
    # than screening a short text. Storage goes through the audit writer's group commit.
    if idempotency_key:
        return await run_in_threadpool(
            _create_once, request, services, caller.key.id, idempotency_key
        )
    engine, today = services.rules.engine, beijing_today()
    if _text_chars(request) <= INLINE_TEXT_CHARS:
        result = engine.screen(request, today=today)
    else:
        result = await run_in_threadpool(engine.screen, request, today=today)
    record = screenings.screening_record(request, result, caller.key.id)
    await services.audit.append(record)
    _decided(record, services)
    return _created(record_json(record))


def _text_chars(request: ScreeningRequest) -> int:
    """How much free text the engine will read in this request."""
    size = len(request.description)
    if request.engineer is not None:
        size += len(request.engineer.expertise) + len(request.engineer.role)
    return size


def _stored_body(row: Screening) -> bytes:
    return record_from_row(row).model_dump_json().encode()


def _created(body: bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=201, media_type="application/json", headers=headers)


def _create_once(
    request: ScreeningRequest, services: Services, key_id: str, idempotency_key: str
) -> Response:
    """Screen and store under an Idempotency-Key, or replay the screening first stored under it."""
    with Session(services.db, expire_on_commit=False) as session:
        earlier = idempotency.find_idempotent(
            session=session, api_key_id=key_id, key=idempotency_key
        )
        if earlier is None:
            result = services.rules.engine.screen(request, today=beijing_today())
            new, earlier = idempotency.add_screening_once(
                session=session,
                request=request,
                result=result,
                api_key_id=key_id,
                key=idempotency_key,
            )
            if new is not None:
                _decided(new.model_dump(), services)
                return _created(_stored_body(new))
        return _replay(session, earlier, request)


def _replay(session: Session, earlier: ScreeningIdempotency, request: ScreeningRequest) -> Response:
    """The screening first stored under this Idempotency-Key; 409 when the body differs."""
    if earlier.request_hash != idempotency.request_digest(request):
        raise Conflict(
            f"Idempotency-Key {earlier.key} was first used with a different request body",
            details={"screening_id": earlier.screening_id},
        )
    row = screenings.get_screening(session=session, screening_id=earlier.screening_id)
    assert row is not None
    return _created(_stored_body(row), headers={"Idempotent-Replayed": "true"})


def _decided(record: Mapping[str, Any], services: Services) -> None:
    """Log and count a newly stored decision."""
    services.metrics.decisions.labels(record["decision"]).inc()
    log.info(
        "screening.decided",
        extra={
            "screening_id": record["id"],
            "decision": record["decision"],
            "transaction_type": record["transaction_type"],
            "ruleset": record["ruleset_version"],
            "api_key_id": record["api_key_id"],
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
        created_from=utc_day_start(day) if (day := query.created_from) else None,
        created_before=utc_day_start(day, days=1) if (day := query.created_to) else None,
        api_key_id=caller.owner,
        limit=limit,
        offset=query.offset,
    )
    outcomes = reviews.latest_outcomes(session=session, screening_ids=[row.id for row in rows])
    items = [summary_from_row(row, outcomes.get(row.id)) for row in rows]
    return ScreeningPage(items=items, total=total, limit=limit, offset=query.offset)
