"""The review queue: every `unknown` screening, and re-flagged ones, oldest first."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.api.deps import SessionDep, SettingsDep, authorize
from service.api.errors import ERROR_RESPONSES, ErrorBody
from service.api.review_models import ReviewFilter, ReviewItem, ReviewPage
from service.api.status import review_item
from service.store import reviews

router = APIRouter(
    prefix="/v1/reviews",
    tags=["reviews"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


@router.get(
    "",
    operation_id="list_reviews",
    responses={403: {"model": ErrorBody, "description": "screener keys do not see the queue"}},
)
def list_reviews(
    query: Annotated[ReviewFilter, Query()],
    session: SessionDep,
    settings: SettingsDep,
) -> ReviewPage:
    """Screenings waiting for an officer, oldest first, by age, instrument, destination, type."""
    items = waiting(session, query)
    limit = min(query.limit, settings.max_page_size)
    page = items[query.offset : query.offset + limit]
    return ReviewPage(items=page, total=len(items), limit=limit, offset=query.offset)


def waiting(session: SessionDep, query: ReviewFilter) -> list[ReviewItem]:
    """Every waiting screening that passes the filter, oldest first."""
    before = None
    if query.min_age_days is not None:
        before = datetime.now(UTC) - timedelta(days=query.min_age_days)
    rows = reviews.review_queue(
        session=session,
        transaction_type=query.transaction_type.value if query.transaction_type else None,
        created_before=before,
    )
    disposed = reviews.latest_outcomes(session=session, screening_ids=[r.id for r in rows])
    items = [review_item(row, flagged=row.id in disposed) for row in rows]
    return [
        item
        for item in items
        if (query.instrument is None or query.instrument in item.instruments)
        and (
            query.destination_country is None
            or item.destination_country == query.destination_country
        )
    ]
