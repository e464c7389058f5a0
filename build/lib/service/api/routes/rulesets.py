"""Rule-set versions the service has loaded, with their digests and load times."""

from fastapi import APIRouter, Depends

from service.api.deps import EngineDep, SessionDep, authorize
from service.api.errors import ERROR_RESPONSES
from service.api.schemas.rescreens import RulesetSeenRecord
from service.store import rulesets

router = APIRouter(
    prefix="/v1/rulesets",
    tags=["rulesets"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


@router.get("", operation_id="list_rulesets")
def list_rulesets(session: SessionDep, engine: EngineDep) -> list[RulesetSeenRecord]:
    """Every rule-set version loaded at a start-up, most recently loaded first."""
    current = engine.ruleset.digest
    return [
        RulesetSeenRecord(**vars(seen), current=seen.digest == current)
        for seen in rulesets.list_seen(session=session)
    ]
