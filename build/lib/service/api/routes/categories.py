"""Categories: search and browse the items the engine matches against."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.api.deps import EngineDep, SettingsDep, authorize
from service.api.errors import ERROR_RESPONSES, ErrorBody, NotFound
from service.api.schemas import catalogue
from service.api.schemas.catalogue import CategoryDetail, CategoryFilter, CategoryPage
from service.workflows.catalogue import find_categories

router = APIRouter(
    prefix="/v1/categories",
    tags=["rule set"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


@router.get("", operation_id="list_categories")
def list_categories(
    query: Annotated[CategoryFilter, Query()], engine: EngineDep, settings: SettingsDep
) -> CategoryPage:
    """Categories matching a text search and filters, ordered by instrument and id."""
    limit = min(query.limit, settings.max_page_size)
    found = [
        catalogue.summarise(instrument, category)
        for instrument, category in find_categories(
            engine.ruleset,
            q=query.q,
            instrument=query.instrument,
            control=query.control,
            transaction_type=query.transaction_type,
        )
    ]
    page = found[query.offset : query.offset + limit]
    return CategoryPage(items=page, total=len(found), limit=limit, offset=query.offset)


@router.get(
    "/{category_id}",
    operation_id="get_category",
    responses={404: {"model": ErrorBody, "description": "no category with this id"}},
)
def get_category(category_id: str, engine: EngineDep) -> CategoryDetail:
    """One category in full: terms, parameters, dates, windows, citation and examples."""
    pair = engine.ruleset.categories.get(category_id)
    if pair is None:
        raise NotFound(f"no category with id {category_id}")
    return catalogue.detail(*pair)
