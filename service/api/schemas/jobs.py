"""What every background job's status shows of its lease: the owning process, its heartbeat."""

from datetime import datetime
from typing import Any

from pydantic import Field

from service.store.tables import Leased, as_utc


def owner_field() -> Any:  # noqa: ANN401 - a pydantic FieldInfo
    """The `owner` field of a job status."""
    return Field(
        default=None,
        description="the process running the job (host:pid:tag), or that ran it last; null "
        "while queued or released",
        examples=["screening-7c9f:4121:9f2ab3c1"],
    )


def heartbeat_field() -> Any:  # noqa: ANN401 - a pydantic FieldInfo
    """The `heartbeat_at` field of a job status."""
    return Field(default=None, description="when the owner last renewed its lease on the job")


def lease_view(job: Leased) -> dict[str, str | datetime | None]:
    """The owner and last heartbeat of a stored job, for its status."""
    return {
        "owner": job.lease_owner,
        "heartbeat_at": as_utc(job.heartbeat_at) if job.heartbeat_at else None,
    }
