"""The party-list look-up: search the listed names, then read one entry in full."""

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from service.api.deps import EngineDep, SettingsDep
from service.api.permissions import Permission
from service.api.schemas import parties
from service.api.schemas.parties import PartyFilter
from service.engine.calendar import beijing_today
from service.engine.parties.lookup import find_parties, party_entry
from service.engine.parties.schema import PartyList
from service.engine.parties.screen import LIST_NAMES
from service.ui import forms
from service.ui.deps import SignedIn, need, render

router = APIRouter(prefix="/ui", include_in_schema=False)


@router.get("/parties")
def party_search(
    request: Request, user: SignedIn, engine: EngineDep, settings: SettingsDep
) -> Response:
    """Listed entries matching a name, with the API's filters; nothing is listed before a query."""
    need(user.key, Permission.rules_read)
    params = {k: v for k, v in request.query_params.items() if v}
    try:
        query = PartyFilter.model_validate(params)
        errors: list[str] = []
    except ValidationError as exc:
        query, errors = PartyFilter(), forms.errors_of(exc)
    day = query.as_of or beijing_today()
    found = []
    if query.q or query.list or query.country:
        found = find_parties(
            engine.parties, q=query.q, day=day, party_list=query.list, country=query.country
        )
    limit = min(query.limit, settings.max_page_size)
    return render(
        request,
        "parties.html",
        user,
        params=params,
        errors=errors,
        day=day,
        total=len(found),
        items=[parties.summarise(f) for f in found[query.offset : query.offset + limit]],
        lists=[(item.value, LIST_NAMES[item]) for item in PartyList],
    )


@router.get("/parties/{entry_id}")
def party_page(request: Request, entry_id: str, user: SignedIn, engine: EngineDep) -> Response:
    """One listed entry: names, notice, measures, windows and its status on the day asked."""
    need(user.key, Permission.rules_read)
    day = forms.parse_day(request.query_params.get("as_of")) or beijing_today()
    found = party_entry(engine.parties, entry_id, day)
    if found is None:
        return render(request, "error.html", user, status=404, message="no such listed entry")
    return render(
        request,
        "party.html",
        user,
        party=parties.detail(found, day),
        list_name=LIST_NAMES[found.announcement.list],
    )
