"""Bulk screening: many screening requests in one call, each answered and recorded on its own."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Request, Response
from pydantic import ValidationError

from service.api.deps import Authorized, authorize, services_of
from service.api.errors import (
    BAD_JSON_BODY,
    ERROR_RESPONSES,
    ErrorBody,
    PayloadTooLarge,
    validation_error,
)
from service.api.schemas.bulk import BulkScreenings, bulk_json, error_entry, outcome_entry
from service.api.schemas.examples import BULK_EXAMPLES
from service.engine.models import ScreeningRequest
from service.store.idempotency import items_digest
from service.workflows.bulk import decide_and_record_all

IDEMPOTENCY_KEY = Header(
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

router = APIRouter(
    prefix="/v1/screenings",
    tags=["screenings"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


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
    idempotency_key: Annotated[str | None, IDEMPOTENCY_KEY] = None,
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
