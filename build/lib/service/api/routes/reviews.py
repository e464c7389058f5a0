"""The review queue: every `unknown` screening, and re-flagged ones, oldest first."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.api.deps import SessionDep, SettingsDep, authorize
from service.api.errors import ERROR_RESPONSES, ErrorBody
from service.api.schemas.reviews import ReviewFilter, ReviewPage
from service.api.schemas.status import queue_items

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
    items = queue_items(session, query)
    limit = min(query.limit, settings.max_page_size)
    page = items[query.offset : query.offset + limit]
    return ReviewPage(items=page, total=len(items), limit=limit, offset=query.offset)
