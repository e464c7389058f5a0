"""Dispositions: an officer's ruling on a screening, appended next to the engine's answer."""

import logging

from fastapi import APIRouter, Depends

from service.api.deps import Authorized, SessionDep, authorize
from service.api.errors import BAD_JSON_BODY, ERROR_RESPONSES, ErrorBody, NotFound
from service.api.schemas.reviews import DispositionCreate, DispositionRecord
from service.api.schemas.status import disposition_record
from service.store import reviews, screenings

log = logging.getLogger("service.reviews")

router = APIRouter(
    prefix="/v1/screenings",
    tags=["reviews"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


@router.post(
    "/{screening_id}/dispositions",
    status_code=201,
    operation_id="create_disposition",
    responses={
        **BAD_JSON_BODY,
        403: {"model": ErrorBody, "description": "only officer and admin keys dispose"},
        404: {"model": ErrorBody, "description": "no screening with this id"},
    },
)
def create_disposition(
    screening_id: str, body: DispositionCreate, session: SessionDep, caller: Authorized
) -> DispositionRecord:
    """Record a ruling (cleared, approval-required with an optional licence, prohibited)."""
    key = caller.key
    row = screenings.get_screening(session=session, screening_id=screening_id)
    if row is None:
        raise NotFound(f"no screening with id {screening_id}")
    disposition = reviews.add_disposition(
        session=session,
        screening=row,
        outcome=body.outcome.value,
        reason=body.reason,
        attachments=body.attachments,
        licence=body.licence.model_dump(mode="json") if body.licence else None,
        api_key_id=key.id,
        api_key_name=key.name,
    )
    log.info(
        "screening.disposed",
        extra={"screening_id": row.id, "outcome": disposition.outcome, "api_key_id": key.id},
    )
    return disposition_record(disposition)
