"""Health probes: the process is up (/healthz); rules and database are usable (/readyz)."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from service.api.deps import ServicesDep
from service.api.errors import ErrorBody, NotReady
from service.engine.models import RulesetRef
from service.store.database import ping

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The process answers."""

    status: str = Field(description="always ok", examples=["ok"])


class Ready(BaseModel):
    """The service can screen: rule set loaded, database reachable."""

    status: str = Field(description="ready", examples=["ready"])
    ruleset: RulesetRef = Field(description="the rule set in use")
    database: str = Field(description="ok when a trivial query succeeded", examples=["ok"])


@router.get("/healthz", operation_id="healthz")
def healthz() -> Health:
    """Liveness: the process is up and answering."""
    return Health(status="ok")


@router.get(
    "/readyz",
    operation_id="readyz",
    responses={503: {"model": ErrorBody, "description": "rule set or database unavailable"}},
)
def readyz(services: ServicesDep) -> Ready:
    """Readiness: the rule set is loaded (its last reload did not fail), the database answers."""
    rules = services.rules
    if rules.problem is not None:
        raise NotReady(
            f"the last rule reload failed; still serving {rules.engine.ref.version}: "
            f"{rules.problem}",
            details={"ruleset": "invalid", "problem": rules.problem, "serving": rules.engine.ref},
        )
    if not ping(services.db):
        raise NotReady("database unreachable", details={"database": "unreachable"})
    return Ready(status="ready", ruleset=rules.engine.ref, database="ok")
