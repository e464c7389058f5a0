"""Webhook subscriptions and what was delivered to them: create, list, delete, re-queue."""

import uuid
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from service.store.tables import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    utcnow,
)


def add_subscription(
    *,
    session: Session,
    url: str,
    events: list[str],
    sealed_secret: str,
    description: str | None,
    api_key_id: str,
) -> WebhookSubscription:
    """Store a subscription; events from now on that it wants are queued for it."""
    row = WebhookSubscription(
        id=str(uuid.uuid4()),
        url=url,
        events=events,
        secret=sealed_secret,
        description=description,
        api_key_id=api_key_id,
        created_at=utcnow(),
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def get_subscription(*, session: Session, subscription_id: str) -> WebhookSubscription | None:
    """The subscription with this id, deleted or not, or None."""
    return session.get(WebhookSubscription, subscription_id)


def list_subscriptions(*, session: Session) -> list[WebhookSubscription]:
    """The subscriptions not deleted, oldest first."""
    query = select(WebhookSubscription).where(col(WebhookSubscription.deleted_at).is_(None))
    return list(
        session.exec(query.order_by(col(WebhookSubscription.created_at), WebhookSubscription.id))
    )


def delete_subscription(*, session: Session, subscription_id: str) -> WebhookSubscription | None:
    """Stop a subscription and cancel what it still had pending; its history is kept."""
    row = session.get(WebhookSubscription, subscription_id)
    if row is None or row.deleted_at is not None:
        return row
    row.deleted_at = utcnow()
    session.add(row)
    session.execute(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.subscription_id) == subscription_id,
            col(WebhookDelivery.status) == DeliveryStatus.pending,
        )
        .values(status=DeliveryStatus.cancelled)
    )
    session.commit()
    session.refresh(row)
    return row


def list_deliveries(
    *,
    session: Session,
    subscription_id: str,
    status: DeliveryStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[tuple[WebhookDelivery, str]], int]:
    """A page of a subscription's deliveries with their event types, newest first; the total."""
    conditions = [col(WebhookDelivery.subscription_id) == subscription_id]
    if status is not None:
        conditions.append(col(WebhookDelivery.status) == status)
    total = session.exec(select(func.count()).select_from(WebhookDelivery).where(*conditions)).one()
    query = (
        select(WebhookDelivery, WebhookEvent.type)
        .join(WebhookEvent, col(WebhookEvent.id) == col(WebhookDelivery.event_id))
        .where(*conditions)
        .order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id))
        .limit(limit)
        .offset(offset)
    )
    return [(delivery, event_type) for delivery, event_type in session.exec(query)], total


def attempts_of(*, session: Session, delivery_ids: list[str]) -> dict[str, list[WebhookAttempt]]:
    """The attempts of these deliveries, in order, by delivery id."""
    found: dict[str, list[WebhookAttempt]] = {delivery_id: [] for delivery_id in delivery_ids}
    if delivery_ids:
        query = (
            select(WebhookAttempt)
            .where(col(WebhookAttempt.delivery_id).in_(delivery_ids))
            .order_by(col(WebhookAttempt.delivery_id), col(WebhookAttempt.number))
        )
        for attempt in session.exec(query):
            found[attempt.delivery_id].append(attempt)
    return found


def get_delivery(
    *, session: Session, subscription_id: str, delivery_id: str
) -> tuple[WebhookDelivery, str] | None:
    """One of a subscription's deliveries with its event type, or None."""
    query = (
        select(WebhookDelivery, WebhookEvent.type)
        .join(WebhookEvent, col(WebhookEvent.id) == col(WebhookDelivery.event_id))
        .where(
            col(WebhookDelivery.id) == delivery_id,
            col(WebhookDelivery.subscription_id) == subscription_id,
        )
    )
    found = session.exec(query).first()
    return (found[0], found[1]) if found is not None else None


def requeue_delivery(*, session: Session, delivery: WebhookDelivery, now: datetime) -> None:
    """Send a delivery again, whatever its state: due now, with a fresh retry window."""
    session.execute(
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id) == delivery.id)
        .values(status=DeliveryStatus.pending, next_attempt_at=now, first_due_at=now)
    )
    session.commit()
    session.refresh(delivery)
