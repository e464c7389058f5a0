"""The webhook outbox: events written in the transaction of the change they report.

An event is fanned out when it is written: one delivery row per subscription that wants its
type at that moment, in the same transaction. A crash therefore loses nothing (the change and
its deliveries commit together or not at all), a subscription created later is not sent older
events, and each delivery keeps its own retry state. An event nobody subscribes to is not kept.
The repositories that record a change (store/batches, rescreens, reviews) call `add_events`
before they commit; the payload builders below are the events' published shapes.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from service.store.tables import (
    BatchJob,
    DeliveryStatus,
    Disposition,
    EventType,
    RescreenChange,
    RescreenJob,
    Screening,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    as_utc,
    utcnow,
)


@dataclass(frozen=True)
class Event:
    """An event to record: its type and its `data` (JSON-ready)."""

    type: EventType
    data: dict[str, Any]


def add_events(*, session: Session, events: Sequence[Event]) -> int:
    """Put events in the outbox with one delivery per subscription that wants each one, in the
    session's transaction (the caller commits); how many deliveries were queued."""
    if not events:
        return 0
    wanted = _subscribers(session)
    now = utcnow()
    event_rows: list[dict[str, Any]] = []
    delivery_rows: list[dict[str, Any]] = []
    for event in events:
        if not (subscribers := wanted.get(event.type)):
            continue
        event_id = str(uuid.uuid4())
        event_rows.append(
            {"id": event_id, "type": event.type.value, "payload": event.data, "created_at": now}
        )
        delivery_rows.extend(
            {
                "id": str(uuid.uuid4()),
                "subscription_id": subscription_id,
                "event_id": event_id,
                "status": DeliveryStatus.pending.value,
                "attempts": 0,
                "next_attempt_at": now,
                "first_due_at": now,
                "created_at": now,
            }
            for subscription_id in subscribers
        )
    if event_rows:
        session.execute(insert(WebhookEvent.__table__), event_rows)
        session.execute(insert(WebhookDelivery.__table__), delivery_rows)
    return len(delivery_rows)


def _subscribers(session: Session) -> dict[str, list[str]]:
    """The live subscriptions' ids by the event type they want."""
    query = select(WebhookSubscription.id, WebhookSubscription.events).where(
        col(WebhookSubscription.deleted_at).is_(None)
    )
    wanted: dict[str, list[str]] = {}
    for subscription_id, types in session.exec(query):
        for event_type in types:
            wanted.setdefault(event_type, []).append(subscription_id)
    return wanted


def _time(moment: datetime | None) -> str | None:
    """A stored time as ISO 8601 in UTC with a Z."""
    return as_utc(moment).isoformat().replace("+00:00", "Z") if moment is not None else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def batch_completed(job: BatchJob) -> Event:
    """A batch job has ended, done or failed."""
    return Event(
        EventType.batch_completed,
        {
            "batch_id": job.id,
            "status": job.status,
            "filename": job.filename,
            "total_rows": job.total_rows,
            "rows_done": job.rows_done,
            "error_rows": job.error_rows,
            "counts": dict(job.counts),
            "api_key_id": job.api_key_id,
            "created_at": _time(job.created_at),
            "finished_at": _time(job.finished_at),
        },
    )


def rescreen_completed(job: RescreenJob) -> Event:
    """A re-screen job has ended, done or failed."""
    return Event(
        EventType.rescreen_completed,
        {
            "rescreen_id": job.id,
            "status": job.status,
            "as_of": _day(job.as_of),
            "since": _day(job.since),
            "ruleset": {"version": job.ruleset_version, "digest": job.ruleset_digest},
            "screened": job.done,
            "changed": job.changed,
            "counts": dict(job.counts),
            "finished_at": _time(job.finished_at),
        },
    )


def decision_changed(change: RescreenChange, ruleset_digest: str) -> Event:
    """A re-screen changed a stored screening's decision."""
    return Event(
        EventType.decision_changed,
        {
            "screening_id": change.screening_id,
            "reference": change.reference,
            "old_decision": change.old_decision,
            "new_decision": change.new_decision,
            "categories": list(change.categories),
            "as_of": _day(change.as_of),
            "rescreen_id": change.job_id,
            "old_ruleset_version": change.old_ruleset_version,
            "ruleset": {"version": change.new_ruleset_version, "digest": ruleset_digest},
        },
    )


def review_disposed(disposition: Disposition, screening: Screening) -> Event:
    """An officer recorded a disposition on a screening."""
    return Event(
        EventType.review_disposed,
        {
            "disposition_id": disposition.id,
            "screening_id": screening.id,
            "reference": screening.reference,
            "engine_decision": screening.decision,
            "outcome": disposition.outcome,
            "reason": disposition.reason,
            "licence": disposition.licence,
            "disposed_by": disposition.api_key_name,
            "created_at": _time(disposition.created_at),
        },
    )


def completed(job: object) -> Event | None:
    """The event that says this job has ended, for the kinds that have one."""
    if isinstance(job, BatchJob):
        return batch_completed(job)
    if isinstance(job, RescreenJob):
        return rescreen_completed(job)
    return None
