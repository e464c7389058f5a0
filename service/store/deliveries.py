"""Claiming due webhook deliveries one row at a time under a lease, and recording attempts.

A claim is its own short transaction that picks the next due row as a job claim does
(store/claims.py: `FOR UPDATE SKIP LOCKED` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so
two senders never pick the same row. The claim sets the lease (owner, expiry) and bumps
`attempts`, the fencing epoch: the result of an attempt updates the row only if that epoch and
owner still hold it, so a sender whose lease expired and was taken over cannot overwrite the
newer claim (its attempt is still logged).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy
from sqlalchemy import insert, or_, select, update
from sqlmodel import Session

from service.store import claims
from service.store.tables import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    as_utc,
    utcnow,
)

_DELIVERY = WebhookDelivery.__table__
_EVENT = WebhookEvent.__table__
_SUBSCRIPTION = WebhookSubscription.__table__
_ATTEMPT = WebhookAttempt.__table__


@dataclass(frozen=True)
class Claimed:
    """A delivery this process holds the lease of, with what it needs to send it."""

    delivery_id: str
    epoch: int
    first_due_at: datetime
    event_id: str
    event_type: str
    event_created_at: datetime
    payload: dict[str, Any]
    url: str
    sealed_secret: str


@dataclass(frozen=True)
class Attempted:
    """What one attempt did, and what becomes of the delivery."""

    started_at: datetime
    duration_ms: int
    status_code: int | None
    error: str | None
    status: DeliveryStatus
    next_attempt_at: datetime | None = None


def claim_next(
    db: sqlalchemy.Engine, *, owner: str, now: datetime, lease: timedelta
) -> Claimed | None:
    """Lease the delivery due longest (as of `now`) that nobody holds, or None when none is due."""
    due_rows = (
        select(_DELIVERY.c.id)
        .where(
            _DELIVERY.c.status == DeliveryStatus.pending.value,
            _DELIVERY.c.next_attempt_at <= now,
            or_(_DELIVERY.c.lease_expires_at.is_(None), _DELIVERY.c.lease_expires_at <= now),
        )
        .order_by(_DELIVERY.c.next_attempt_at, _DELIVERY.c.id)
        .limit(1)
    )
    with Session(db) as session:
        due = claims.lock_first(session, due_rows)
        if due is None:
            return None
        epoch = (
            session.connection()
            .execute(
                update(_DELIVERY)
                .where(_DELIVERY.c.id == due)
                .values(
                    lease_owner=owner,
                    lease_expires_at=utcnow() + lease,
                    attempts=_DELIVERY.c.attempts + 1,
                )
                .returning(_DELIVERY.c.attempts)
            )
            .scalar_one()
        )
        session.commit()
        return _load(session, due, epoch)


def _load(session: Session, delivery_id: str, epoch: int) -> Claimed:
    """The event and subscription of a claimed delivery (both immutable once written)."""
    row = (
        session.connection()
        .execute(
            select(
                _DELIVERY.c.first_due_at,
                _EVENT.c.id,
                _EVENT.c.type,
                _EVENT.c.created_at,
                _EVENT.c.payload,
                _SUBSCRIPTION.c.url,
                _SUBSCRIPTION.c.secret,
            )
            .join(_EVENT, _EVENT.c.id == _DELIVERY.c.event_id)
            .join(_SUBSCRIPTION, _SUBSCRIPTION.c.id == _DELIVERY.c.subscription_id)
            .where(_DELIVERY.c.id == delivery_id)
        )
        .one()
    )
    session.rollback()
    return Claimed(
        delivery_id=delivery_id,
        epoch=epoch,
        first_due_at=as_utc(row.first_due_at),
        event_id=row.id,
        event_type=row.type,
        event_created_at=as_utc(row.created_at),
        payload=row.payload,
        url=row.url,
        sealed_secret=row.secret,
    )


def record_attempt(
    db: sqlalchemy.Engine, *, claimed: Claimed, owner: str, attempted: Attempted
) -> bool:
    """Log the attempt and, if this claim still holds the lease, settle the delivery; True then."""
    with db.begin() as connection:
        connection.execute(
            insert(_ATTEMPT),
            {
                "delivery_id": claimed.delivery_id,
                "number": claimed.epoch,
                "owner": owner,
                "started_at": attempted.started_at,
                "duration_ms": attempted.duration_ms,
                "status_code": attempted.status_code,
                "error": attempted.error,
            },
        )
        settled = connection.execute(
            update(_DELIVERY)
            .where(
                _DELIVERY.c.id == claimed.delivery_id,
                _DELIVERY.c.attempts == claimed.epoch,
                _DELIVERY.c.lease_owner == owner,
                # A delivery cancelled meanwhile (its subscription deleted) stays cancelled.
                _DELIVERY.c.status == DeliveryStatus.pending.value,
            )
            .values(
                status=attempted.status.value,
                next_attempt_at=attempted.next_attempt_at or _DELIVERY.c.next_attempt_at,
                lease_owner=None,
                lease_expires_at=None,
                last_status_code=attempted.status_code,
                last_error=attempted.error,
                delivered_at=utcnow() if attempted.status is DeliveryStatus.delivered else None,
            )
        )
        return settled.rowcount == 1
