"""API-only shapes for batch jobs: status, row errors and the job list."""

from datetime import datetime

from pydantic import BaseModel, Field

from service.api.schemas.jobs import heartbeat_field, lease_view, owner_field
from service.store.tables import BatchJob, BatchRow, as_utc


class RowError(BaseModel):
    """A row that could not be screened, and why."""

    row: int = Field(description="data row number, 1 for the first row under the header")
    error: str = Field(examples=["destination_country: String should match pattern"])


class BatchStatus(BaseModel):
    """A batch job: where it is, what it has decided so far, what went wrong."""

    id: str = Field(description="the job's id", examples=["5d0c3c4e-8f0b-4e0e-9a57-0c0f7e9b1d2a"])
    status: str = Field(description="queued, running, done or failed", examples=["running"])
    filename: str = Field(description="the uploaded file's name", examples=["orders.csv"])
    encoding: str = Field(description="detected: utf-8, utf-8-sig or gb18030")
    total_rows: int = Field(description="data rows in the file", examples=[1200])
    rows_done: int = Field(description="rows screened and stored so far", examples=[500])
    error_rows: int = Field(description="rows that could not be screened", examples=[2])
    counts: dict[str, int] = Field(
        description="screened rows per decision", examples=[{"allowed": 480, "unknown": 18}]
    )
    unknown_columns: list[str] = Field(
        description="columns the service does not read; echoed in the results", examples=[["note"]]
    )
    errors: list[RowError] = Field(
        default_factory=list, description="the first 100 rows with errors (status only)"
    )
    created_at: datetime
    finished_at: datetime | None = None
    owner: str | None = owner_field()
    heartbeat_at: datetime | None = heartbeat_field()


def status_from_job(job: BatchJob, errors: list[BatchRow] | None = None) -> BatchStatus:
    """The API view of a stored job."""
    return BatchStatus(
        id=job.id,
        status=job.status,
        filename=job.filename,
        encoding=job.encoding,
        total_rows=job.total_rows,
        rows_done=job.rows_done,
        error_rows=job.error_rows,
        counts=job.counts,
        unknown_columns=job.unknown_columns,
        errors=[
            RowError(row=r.row_number, error=r.outcome.get("error") or "") for r in errors or []
        ],
        created_at=as_utc(job.created_at),
        finished_at=as_utc(job.finished_at) if job.finished_at else None,
        **lease_view(job),
    )


class BatchList(BaseModel):
    """Batch jobs, newest first."""

    items: list[BatchStatus]
