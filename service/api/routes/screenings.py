"""Screenings: decide deals with the engine (one, or many in bulk), record each in the audit log,
read the log back."""

import logging
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from pydantic import ValidationError

from service.api.deps import (
    Authorized,
    SessionDep,
    SettingsDep,
    authorize,
    caller_owns,
    services_of,
)
from service.api.errors import (
    BAD_JSON_BODY,
    ERROR_RESPONSES,
    ErrorBody,
    NotFound,
    PayloadTooLarge,
    validation_error,
)
from service.api.schemas.bulk import BulkScreenings, bulk_json, error_entry, outcome_entry
from service.api.schemas.examples import BULK_EXAMPLES, SCREENING_EXAMPLES
from service.api.schemas.reviews import ScreeningHistory
from service.api.schemas.screenings import (
    ScreeningFilter,
    ScreeningPage,
    ScreeningRecord,
    record_from_row,
    record_json,
    summary_from_row,
)
from service.api.schemas.status import history
from service.engine.calendar import beijing_today, utc_day_start
from service.engine.models import ScreeningRequest
from service.store import reviews, screenings
from service.store.idempotency import items_digest
from service.workflows.bulk import decide_and_record_all
from service.workflows.screening import decide_and_record

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
    recorded = await decide_and_record(
        request,
        engine=services.rules.engine,
        recorder=services.recorder,
        api_key_id=caller.key.id,
        idempotency_key=idempotency_key,
    )
    if recorded.row is None:
        body = record_json(recorded.record)
    else:
        body = record_from_row(recorded.row).model_dump_json().encode()
    headers = {"Idempotent-Replayed": "true"} if recorded.replayed else None
    return Response(body, status_code=201, media_type="application/json", headers=headers)


BULK_IDEMPOTENCY_KEY = Header(
    max_length=150,
    pattern=r"^[\x21-\x7e]+$",
    description="covers the whole call: a retry with the same key and body returns the first "
    "answer's records and screens nothing again",
)
# The body is taken as a list of raw objects so that one bad item does not fail the others;
# the published schema still names the request model of every item.
ITEMS_SCHEMA = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {"items": {"$ref": "#/components/schemas/ScreeningRequest"}}
            }
        }
    }
}


@router.post(
    "/bulk",
    response_model=BulkScreenings,
    operation_id="create_screenings_bulk",
    openapi_extra=ITEMS_SCHEMA,
    responses={
        **BAD_JSON_BODY,
        403: {"model": ErrorBody, "description": "an auditor key may not screen"},
        409: {"model": ErrorBody, "description": "Idempotency-Key reused with another body"},
        413: {
            "model": ErrorBody,
            "description": "more items than SCREENING_BULK_MAX_ITEMS (default 1,000), or a body "
            "over the bulk size limit (items times SCREENING_BULK_ITEM_BYTES)",
        },
    },
)
async def create_screenings_bulk(
    items: Annotated[
        list[Any],
        Body(
            min_length=1,
            description="screening requests, as POST /v1/screenings takes one",
            openapi_examples=BULK_EXAMPLES,
        ),
    ],
    http: Request,
    caller: Authorized,
    idempotency_key: Annotated[str | None, BULK_IDEMPOTENCY_KEY] = None,
) -> Response:
    """Screen many deals in one call; 200 with one entry per item, in order.

    At most SCREENING_BULK_MAX_ITEMS items (default 1,000); the body may be that many times
    SCREENING_BULK_ITEM_BYTES (default 16,384) bytes.

    Each entry holds the screening record exactly as POST /v1/screenings returns it (and
    stores it in the audit log), or the item's error in the common shape: a bad item does
    not fail the others.
    """
    services = services_of(http)
    if len(items) > (limit := services.settings.bulk_max_items):
        raise PayloadTooLarge(
            f"the request holds {len(items)} items; the limit is {limit} items a call",
            details={"items": len(items), "limit": limit},
        )
    checked = [_validated(index, item) for index, item in enumerate(items)]
    recorded = await decide_and_record_all(
        [(index, one) for index, one in enumerate(checked) if isinstance(one, ScreeningRequest)],
        engine=services.rules.engine,
        recorder=services.recorder,
        api_key_id=caller.key.id,
        idempotency_key=idempotency_key,
        body_digest=_digest(checked, items) if idempotency_key else "",
    )
    outcomes = iter(recorded.outcomes)
    entries = [
        outcome_entry(index, next(outcomes))
        if isinstance(one, ScreeningRequest)
        else error_entry(index, 422, one)
        for index, one in enumerate(checked)
    ]
    failed = sum(not isinstance(one, ScreeningRequest) for one in checked)
    failed += sum(outcome.error is not None for outcome in recorded.outcomes)
    headers = {"Idempotent-Replayed": "true"} if recorded.replayed else None
    return Response(
        bulk_json(entries, failed=failed), media_type="application/json", headers=headers
    )


def _validated(index: int, item: Any) -> ScreeningRequest | ErrorBody:
    """The item as a request, or its validation error located at body.INDEX."""
    try:
        return ScreeningRequest.model_validate(item)
    except ValidationError as exc:
        return validation_error(exc.errors(), at=("body", str(index)))


def _digest(checked: list[ScreeningRequest | ErrorBody], items: list[Any]) -> str:
    """The call's identity for its Idempotency-Key: valid items as validated, others as sent."""
    return items_digest(
        [
            one if isinstance(one, ScreeningRequest) else raw
            for one, raw in zip(checked, items, strict=True)
        ]
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
