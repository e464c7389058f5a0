"""Party lists: an officer's look-up of listed names, and one listed entry in full."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.api.deps import EngineDep, SettingsDep, authorize
from service.api.errors import ERROR_RESPONSES, ErrorBody, NotFound
from service.api.schemas import parties
from service.api.schemas.parties import PartyDetail, PartyFilter, PartyPage
from service.engine.calendar import beijing_today
from service.engine.parties.lookup import find_parties, party_entry

router = APIRouter(
    prefix="/v1/parties",
    tags=["rule set"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


@router.get("", operation_id="list_parties")
def list_parties(
    query: Annotated[PartyFilter, Query()], engine: EngineDep, settings: SettingsDep
) -> PartyPage:
    """Listed entries whose names match `q` (fuzzy, English or Chinese), best first, with their
    list, measures and status on `as_of`; without `q`, every entry, newest listing first."""
    day = query.as_of or beijing_today()
    limit = min(query.limit, settings.max_page_size)
    found = find_parties(
        engine.parties, q=query.q, day=day, party_list=query.list, country=query.country
    )
    page = [parties.summarise(f) for f in found[query.offset : query.offset + limit]]
    return PartyPage(items=page, total=len(found), limit=limit, offset=query.offset, as_of=day)


@router.get(
    "/{entry_id}",
    operation_id="get_party",
    responses={404: {"model": ErrorBody, "description": "no listed entry with this id"}},
)
def get_party(
    entry_id: str,
    engine: EngineDep,
    as_of: Annotated[date | None, Query(description="the day to give the status for")] = None,
) -> PartyDetail:
    """One listed entry: all its names, the notice (number, date, URL), measures, windows, its
    status on `as_of` (default today) and its citation."""
    day = as_of or beijing_today()
    found = party_entry(engine.parties, entry_id, day)
    if found is None:
        raise NotFound(f"no listed entry with id {entry_id}")
    return parties.detail(found, day)
