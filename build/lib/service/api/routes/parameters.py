"""Parameters: the canonical names and units callers put in `parameters`."""

from fastapi import APIRouter, Depends

from service.api.deps import EngineDep, authorize
from service.api.errors import ERROR_RESPONSES
from service.api.schemas import catalogue
from service.api.schemas.catalogue import ParameterOut

router = APIRouter(
    prefix="/v1/parameters",
    tags=["rule set"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


@router.get("", operation_id="list_parameters")
def list_parameters(engine: EngineDep) -> list[ParameterOut]:
    """Every canonical parameter with its unit and the categories that test it."""
    return catalogue.parameters(engine.ruleset)
