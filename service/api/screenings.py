"""Screenings: decide a deal with the engine, record it in the audit log, read the log back."""

import logging
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query

from service.api.deps import EngineDep, ScreenerKey, SessionDep, SettingsDep, current_key
from service.api.errors import ERROR_RESPONSES, ErrorBody, NotFound
from service.api.examples import SCREENING_EXAMPLES
from service.api.models import (
    ScreeningAudit,
    ScreeningFilter,
    ScreeningPage,
    ScreeningRecord,
    audit_from_row,
    record_from_row,
    summary_from_row,
)
from service.engine.models import ScreeningRequest
from service.store import screenings

log = logging.getLogger("service.screenings")

# Chinese measures take effect on Beijing calendar days; China keeps UTC+8 all year.
BEIJING = timezone(timedelta(hours=8), "CST")

router = APIRouter(
    prefix="/v1/screenings",
    tags=["screenings"],
    dependencies=[Depends(current_key)],
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
        400: {"model": ErrorBody, "description": "the body is not UTF-8 JSON"},
        403: {"model": ErrorBody, "description": "an auditor key may not screen"},
    },
)
def create_screening(
    request: Annotated[ScreeningRequest, Body(openapi_examples=SCREENING_EXAMPLES)],
    engine: EngineDep,
    session: SessionDep,
    key: ScreenerKey,
) -> ScreeningRecord:
    """Screen a proposed deal and record the decision in the audit log."""
    result = engine.screen(request, today=beijing_today())
    row = screenings.add_screening(
        session=session, request=request, result=result, api_key_id=key.id
    )
    log.info(
        "screening.decided",
        extra={
            "screening_id": row.id,
            "decision": row.decision,
            "transaction_type": row.transaction_type,
            "ruleset": row.ruleset_version,
            "api_key_id": key.id,
        },
    )
    return record_from_row(row)


@router.get(
    "/{screening_id}",
    operation_id="get_screening",
    responses={404: {"model": ErrorBody, "description": "no screening with this id"}},
)
def get_screening(screening_id: str, session: SessionDep) -> ScreeningAudit:
    """One stored screening: the result, the request as received and the key that sent it."""
    row = screenings.get_screening(session=session, screening_id=screening_id)
    if row is None:
        raise NotFound(f"no screening with id {screening_id}")
    return audit_from_row(row)


@router.get("", operation_id="list_screenings")
def list_screenings(
    query: Annotated[ScreeningFilter, Query()], session: SessionDep, settings: SettingsDep
) -> ScreeningPage:
    """The audit log, newest first, filtered by decision, reference, type and creation day."""
    limit = min(query.limit, settings.max_page_size)
    rows, total = screenings.list_screenings(
        session=session,
        decision=query.decision,
        reference=query.reference,
        transaction_type=query.transaction_type,
        created_from=_day_start(query.created_from),
        created_before=_day_start(query.created_to, days=1),
        limit=limit,
        offset=query.offset,
    )
    items = [summary_from_row(row) for row in rows]
    return ScreeningPage(items=items, total=total, limit=limit, offset=query.offset)


def _day_start(day: date | None, days: int = 0) -> datetime | None:
    """Midnight UTC at the start of `day` (plus `days`), or None."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=days), time.min, tzinfo=UTC)
