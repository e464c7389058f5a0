"""API-only shapes for re-screens and the rule-set versions seen."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from service.api.schemas.jobs import heartbeat_field, lease_view, owner_field
from service.engine.models import RulesetRef
from service.store.tables import RescreenJob, as_utc


class RescreenCreate(BaseModel):
    """Which stored screenings to re-run, and at which date."""

    model_config = ConfigDict(extra="forbid")

    since: date | None = Field(
        default=None, description="only screenings created on or after this day (UTC)"
    )
    as_of: date | None = Field(
        default=None,
        description="the date to screen at; null keeps each screening's own as_of",
        examples=["2026-12-01"],
    )


class RescreenStatus(BaseModel):
    """A re-screen job and its progress."""

    id: str
    status: str = Field(description="queued, running, done or failed")
    since: date | None
    as_of: date | None
    ruleset: RulesetRef = Field(description="the rule set the screenings are re-run under")
    total: int = Field(description="screenings covered")
    done: int = Field(description="screenings re-run so far")
    changed: int = Field(description="screenings whose decision would change")
    counts: dict[str, int] = Field(
        description="changes per transition old->new", examples=[{"unknown->allowed": 3}]
    )
    created_at: datetime
    finished_at: datetime | None
    owner: str | None = owner_field()
    heartbeat_at: datetime | None = heartbeat_field()


class RulesetSeenRecord(BaseModel):
    """A rule-set version the service has loaded."""

    version: str
    digest: str
    first_loaded_at: datetime
    last_loaded_at: datetime
    loads: int = Field(description="start-ups that loaded it")
    current: bool = Field(description="true for the rule set this process runs")


def status_from_job(job: RescreenJob) -> RescreenStatus:
    """The API view of a re-screen job."""
    return RescreenStatus(
        id=job.id,
        status=job.status,
        since=job.since,
        as_of=job.as_of,
        ruleset=RulesetRef(version=job.ruleset_version, digest=job.ruleset_digest),
        total=job.total,
        done=job.done,
        changed=job.changed,
        counts=job.counts,
        created_at=as_utc(job.created_at),
        finished_at=as_utc(job.finished_at) if job.finished_at else None,
        **lease_view(job),
    )
