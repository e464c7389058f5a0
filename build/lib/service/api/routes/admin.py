"""Operating the service: reload the rule files without a restart (admin keys only)."""

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from service.api.deps import ServicesDep, authorize
from service.api.errors import ERROR_RESPONSES, ErrorBody
from service.engine import RuleSetError
from service.engine.models import RulesetRef

router = APIRouter(
    prefix="/v1/admin",
    tags=["admin"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


class RulesInvalid(RuleSetError):
    """The rules folder did not validate; the previous rule set keeps serving."""

    status = 422


class RuleReload(BaseModel):
    """The outcome of a successful reload."""

    previous: RulesetRef = Field(description="the rule set served before the reload")
    ruleset: RulesetRef = Field(description="the rule set served from now on")
    changed: bool = Field(description="false when the folder's content digest did not change")


@router.post(
    "/rules/reload",
    operation_id="reload_rules",
    responses={
        403: {"model": ErrorBody, "description": "only an admin key may reload the rules"},
        422: {"model": ErrorBody, "description": "ruleset_invalid: the old rules keep serving"},
    },
)
def reload_rules(services: ServicesDep) -> RuleReload:
    """Load and validate the rules folder and swap it in; requests in flight finish on the old."""
    try:
        previous, current = services.rules.reload()
    except RuleSetError as exc:
        raise RulesInvalid(
            f"rules invalid, still serving {services.rules.engine.ref.version}: {exc.message}",
            details={"problem": exc.message},
        ) from exc
    return RuleReload(previous=previous, ruleset=current, changed=previous != current)
