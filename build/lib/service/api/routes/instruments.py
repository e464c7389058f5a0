"""Instruments: the legal texts the loaded rule set encodes."""

from fastapi import APIRouter, Depends

from service.api.deps import EngineDep, authorize
from service.api.errors import ERROR_RESPONSES
from service.api.schemas import catalogue
from service.api.schemas.catalogue import InstrumentOut

router = APIRouter(
    prefix="/v1/instruments",
    tags=["rule set"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


@router.get("", operation_id="list_instruments")
def list_instruments(engine: EngineDep) -> list[InstrumentOut]:
    """Every instrument in the rule set, ordered by id."""
    return catalogue.instruments(engine.ruleset)
