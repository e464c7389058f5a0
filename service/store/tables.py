"""Table models: how screenings, keys, jobs, reviews and webhooks are stored (not the domain's)."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC, so say so."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class JobStatus(StrEnum):
    """Where a batch or re-screen job is; stored as its value."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


# Jobs some process must still run: never started, or cut off mid-run.
UNFINISHED_JOBS = (JobStatus.queued, JobStatus.running)


class Leased(SQLModel):
    """The lease columns of a job table: which process runs the job, until when, and its epoch.

    `lease_epoch` goes up by one at every claim; a write made under an older epoch is refused
    (see store/jobs.py), so an owner whose lease was taken over cannot write any more.
    """

    lease_owner: str | None = Field(default=None, max_length=120)
    lease_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    heartbeat_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    lease_expires_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Role(StrEnum):
    """What a key may do: screeners screen, auditors read, officers review, admins do all."""

    screener = "screener"
    auditor = "auditor"
    admin = "admin"
    officer = "officer"


class ApiKey(SQLModel, table=True):
    """A client credential; only the sha256 of the secret is kept."""

    __tablename__ = "api_key"

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=200)
    role: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    expires_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    last_used_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class Screening(SQLModel, table=True):
    """One screening as decided: the request, the result and the rule set that produced it."""

    __tablename__ = "screening"

    id: str = Field(primary_key=True, max_length=36)
    reference: str | None = Field(default=None, max_length=200, index=True)
    transaction_type: str = Field(max_length=32)
    decision: str = Field(max_length=32, index=True)
    as_of: date
    request: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    ruleset_version: str = Field(max_length=100)
    ruleset_digest: str = Field(max_length=71)
    api_key_id: str = Field(foreign_key="api_key.id", max_length=36, index=True)
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )
    # The audit chain: position, the previous row's hash and this row's hash (see store/chain).
    seq: int = Field(unique=True, index=True)
    prev_hash: str = Field(max_length=64)
    row_hash: str = Field(max_length=64)


class AuditEvent(SQLModel, table=True):
    """A fact recorded in the audit chain beside the screenings, e.g. a Spark run's manifest.

    It shares the screenings' chain (one `seq` series, one head), so `screening audit verify`
    covers it; `reference` is the fact's own id (a Spark run id), recorded once.
    """

    __tablename__ = "audit_event"

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=32, index=True)
    reference: str = Field(max_length=200, unique=True)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    ruleset_version: str = Field(max_length=100)
    ruleset_digest: str = Field(max_length=71)
    api_key_id: str = Field(foreign_key="api_key.id", max_length=36)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    seq: int = Field(unique=True, index=True)
    prev_hash: str = Field(max_length=64)
    row_hash: str = Field(max_length=64)


class AuditChainHead(SQLModel, table=True):
    """The one row naming the chain's last position and hash; writers lock it to append."""

    __tablename__ = "audit_chain_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    last_hash: str = Field(max_length=64)


class ScreeningIdempotency(SQLModel, table=True):
    """An Idempotency-Key a key sent with a screening: one row per (key, Idempotency-Key)."""

    __tablename__ = "screening_idempotency"

    api_key_id: str = Field(foreign_key="api_key.id", primary_key=True, max_length=36)
    key: str = Field(primary_key=True, max_length=150)
    request_hash: str = Field(max_length=64)
    screening_id: str = Field(foreign_key="screening.id", max_length=36)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class BatchJob(Leased, table=True):
    """A batch of screenings from one CSV file: where it is, how far it got, what it found."""

    __tablename__ = "batch_job"

    id: str = Field(primary_key=True, max_length=36)
    status: str = Field(max_length=16, index=True)
    filename: str = Field(max_length=500)
    input_path: str = Field(max_length=1000)
    encoding: str = Field(max_length=32)
    columns: list[str] = Field(sa_column=Column(JSON, nullable=False))
    unknown_columns: list[str] = Field(sa_column=Column(JSON, nullable=False))
    total_rows: int
    rows_done: int = 0
    error_rows: int = 0
    counts: dict[str, int] = Field(sa_column=Column(JSON, nullable=False))
    idempotency_key: str | None = Field(default=None, max_length=200, unique=True)
    api_key_id: str = Field(foreign_key="api_key.id", max_length=36, index=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class BatchRow(SQLModel, table=True):
    """One screened row of a job, stored once: (job, row number) is the primary key."""

    __tablename__ = "batch_row"

    job_id: str = Field(foreign_key="batch_job.id", primary_key=True, max_length=36)
    row_number: int = Field(primary_key=True)
    screening_id: str | None = Field(default=None, foreign_key="screening.id", max_length=36)
    cells: list[str] = Field(sa_column=Column(JSON, nullable=False))
    outcome: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Disposition(SQLModel, table=True):
    """An officer's ruling on a screening; append-only, it never rewrites the engine's answer."""

    __tablename__ = "disposition"

    id: str = Field(primary_key=True, max_length=36)
    screening_id: str = Field(foreign_key="screening.id", max_length=36, index=True)
    outcome: str = Field(max_length=32)
    reason: str = Field(max_length=4000)
    attachments: list[str] = Field(sa_column=Column(JSON, nullable=False))
    licence: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # The rule set that decided the screening disposed of: a re-screen under another one may
    # change the engine's answer and so put the screening back into the review queue.
    ruleset_version: str = Field(max_length=100)
    ruleset_digest: str = Field(max_length=71)
    api_key_id: str = Field(foreign_key="api_key.id", max_length=36)
    api_key_name: str = Field(max_length=200)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class ReviewFlag(SQLModel, table=True):
    """A disposed screening sent back for review because a re-screen changed its decision."""

    __tablename__ = "review_flag"

    id: str = Field(primary_key=True, max_length=36)
    screening_id: str = Field(foreign_key="screening.id", max_length=36, index=True)
    rescreen_id: str = Field(foreign_key="rescreen_job.id", max_length=36)
    old_decision: str = Field(max_length=32)
    new_decision: str = Field(max_length=32)
    ruleset_version: str = Field(max_length=100)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class RescreenJob(Leased, table=True):
    """A re-run of stored screenings against the current rule set: progress and counts."""

    __tablename__ = "rescreen_job"

    id: str = Field(primary_key=True, max_length=36)
    status: str = Field(max_length=16, index=True)
    since: date | None = None
    as_of: date | None = None
    ruleset_version: str = Field(max_length=100)
    ruleset_digest: str = Field(max_length=71)
    total: int = 0
    done: int = 0
    changed: int = 0
    counts: dict[str, int] = Field(sa_column=Column(JSON, nullable=False))
    api_key_id: str = Field(foreign_key="api_key.id", max_length=36)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class RescreenChange(SQLModel, table=True):
    """One screening whose decision a re-screen would change."""

    __tablename__ = "rescreen_change"

    job_id: str = Field(foreign_key="rescreen_job.id", primary_key=True, max_length=36)
    screening_id: str = Field(foreign_key="screening.id", primary_key=True, max_length=36)
    reference: str | None = Field(default=None, max_length=200)
    as_of: date
    old_decision: str = Field(max_length=32)
    new_decision: str = Field(max_length=32)
    old_ruleset_version: str = Field(max_length=100)
    new_ruleset_version: str = Field(max_length=100)
    # Category ids, and listed entries as `party:<list>:<entry id>` (rescreen/report.py).
    categories: list[str] = Field(sa_column=Column(JSON, nullable=False))


class RulesetLoad(SQLModel, table=True):
    """One start-up's rule set: which version and digest the service loaded, and when."""

    __tablename__ = "ruleset_load"

    id: str = Field(primary_key=True, max_length=36)
    version: str = Field(max_length=100)
    digest: str = Field(max_length=71, index=True)
    loaded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class EventType(StrEnum):
    """What a webhook event reports; a subscription names the types it wants."""

    batch_completed = "batch.completed"
    rescreen_completed = "rescreen.completed"
    decision_changed = "screening.decision_changed"
    review_disposed = "review.disposed"


class DeliveryStatus(StrEnum):
    """Where one event's delivery to one subscription is."""

    pending = "pending"  # due at next_attempt_at; a process may hold its lease right now
    delivered = "delivered"  # the receiver answered 2xx
    failed = "failed"  # no 2xx within the retry window
    cancelled = "cancelled"  # its subscription was deleted first


class WebhookSubscription(SQLModel, table=True):
    """A receiver of webhook events: its URL, the event types it wants and its sealed secret."""

    __tablename__ = "webhook_subscription"

    id: str = Field(primary_key=True, max_length=36)
    url: str = Field(max_length=2000)
    events: list[str] = Field(sa_column=Column(JSON, nullable=False))
    # The signing secret, sealed with SCREENING_WEBHOOK_SECRET_KEY (service/webhooks/sealing).
    secret: str = Field(max_length=500)
    description: str | None = Field(default=None, max_length=200)
    api_key_id: str = Field(foreign_key="api_key.id", max_length=36)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    deleted_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class WebhookEvent(SQLModel, table=True):
    """An event in the outbox, written in the same transaction as the change it reports."""

    __tablename__ = "webhook_event"

    id: str = Field(primary_key=True, max_length=36)
    type: str = Field(max_length=64, index=True)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class WebhookDelivery(SQLModel, table=True):
    """One event owed to one subscription: its retry state and the lease of whoever sends it."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)

    id: str = Field(primary_key=True, max_length=36)
    subscription_id: str = Field(foreign_key="webhook_subscription.id", max_length=36, index=True)
    event_id: str = Field(foreign_key="webhook_event.id", max_length=36, index=True)
    status: str = Field(max_length=16)
    # Claims so far; also the fencing epoch: only the holder of the latest claim updates the row.
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # Retries go on for the retry window from here: the fan-out, or the last manual retry.
    first_due_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    lease_owner: str | None = Field(default=None, max_length=200)
    lease_expires_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    delivered_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class WebhookAttempt(SQLModel, table=True):
    """One try at a delivery: who sent it, when, and what the receiver answered."""

    __tablename__ = "webhook_attempt"

    delivery_id: str = Field(foreign_key="webhook_delivery.id", primary_key=True, max_length=36)
    number: int = Field(primary_key=True)
    owner: str = Field(max_length=200)
    started_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    duration_ms: int
    status_code: int | None = None
    error: str | None = Field(default=None, max_length=500)
