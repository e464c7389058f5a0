"""API-only shapes for webhooks: subscriptions (the secret shown once) and their deliveries."""

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from service.api.schemas.screenings import Page, PageQuery
from service.store.tables import (
    DeliveryStatus,
    EventType,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
    as_utc,
)

WEBHOOK_ID = Field(
    description="the subscription's id", examples=["8c1d6a2e-0f4b-4a8e-9d3c-5b7e2a1f0c93"]
)


class WebhookCreate(BaseModel):
    """A subscription to create."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(
        min_length=1,
        max_length=2000,
        description="http(s) URL that receives a POST per event; private, loopback and "
        "link-local addresses are refused unless SCREENING_WEBHOOK_ALLOWED_NETWORKS names them",
        examples=["https://erp.example.com/hooks/screening"],
    )
    events: list[EventType] = Field(
        min_length=1,
        description="the event types to receive",
        examples=[["screening.decision_changed", "review.disposed"]],
    )
    description: str | None = Field(
        default=None, max_length=200, description="what the receiver is", examples=["SAP ECC"]
    )


class Webhook(BaseModel):
    """A subscription as listed: never its secret."""

    id: str = WEBHOOK_ID
    url: str = Field(description="where events are sent")
    events: list[EventType] = Field(description="the event types it receives")
    description: str | None = None
    created_at: datetime
    deleted_at: datetime | None = Field(description="when it was deleted; null: active")


class WebhookCreated(Webhook):
    """A new subscription with its signing secret: in this answer only, never again."""

    secret: str = Field(
        description="verifies the Screening-Signature header; store it now, it is not shown again",
        examples=["whsec_3q2-7wAbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbC"],
    )


class Attempt(BaseModel):
    """One try at sending a delivery."""

    number: int = Field(description="1 for the first try", examples=[1])
    started_at: datetime
    duration_ms: int = Field(examples=[42])
    status_code: int | None = Field(
        description="the receiver's HTTP status; null when none came back", examples=[503]
    )
    error: str | None = Field(
        description="why it failed; null for a 2xx", examples=["ConnectError: connection refused"]
    )


class Delivery(BaseModel):
    """One event sent (or to be sent) to one subscription, with every attempt."""

    id: str = Field(description="the delivery's id (use it to retry)")
    event_id: str = Field(description="the event's id, also in the body and Screening-Event-Id")
    event_type: EventType
    status: DeliveryStatus = Field(
        description="pending (retries to come), delivered (2xx), failed (no 2xx within the "
        "retry window) or cancelled (subscription deleted first)"
    )
    next_attempt_at: datetime | None = Field(description="when it is tried next, if pending")
    retry_until: datetime = Field(description="retries stop after this time")
    delivered_at: datetime | None
    last_status_code: int | None
    created_at: datetime
    attempts: list[Attempt] = Field(description="every attempt so far, first first")


class DeliveryPage(Page[Delivery]):
    """A page of a subscription's deliveries, newest first."""


class DeliveryFilter(PageQuery):
    """Which deliveries to list."""

    status: DeliveryStatus | None = Field(default=None, description="only this status")


def webhook_out(row: WebhookSubscription) -> Webhook:
    """The listed view of a subscription."""
    return Webhook(
        id=row.id,
        url=row.url,
        events=[EventType(event) for event in row.events],
        description=row.description,
        created_at=as_utc(row.created_at),
        deleted_at=as_utc(row.deleted_at) if row.deleted_at else None,
    )


def delivery_out(
    row: WebhookDelivery, event_type: str, attempts: list[WebhookAttempt], window_seconds: float
) -> Delivery:
    """The API view of a delivery and its attempts."""
    pending = row.status == DeliveryStatus.pending
    return Delivery(
        id=row.id,
        event_id=row.event_id,
        event_type=EventType(event_type),
        status=DeliveryStatus(row.status),
        next_attempt_at=as_utc(row.next_attempt_at) if pending else None,
        retry_until=as_utc(row.first_due_at) + timedelta(seconds=window_seconds),
        delivered_at=as_utc(row.delivered_at) if row.delivered_at else None,
        last_status_code=row.last_status_code,
        created_at=as_utc(row.created_at),
        attempts=[
            Attempt(
                number=attempt.number,
                started_at=as_utc(attempt.started_at),
                duration_ms=attempt.duration_ms,
                status_code=attempt.status_code,
                error=attempt.error,
            )
            for attempt in attempts
        ],
    )
