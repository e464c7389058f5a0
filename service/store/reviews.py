"""Officer dispositions and review flags: append and read, never update or delete."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from service.store import outbox
from service.store.tables import Disposition, ReviewFlag, Screening, utcnow


def add_disposition(
    *,
    session: Session,
    screening: Screening,
    outcome: str,
    reason: str,
    attachments: list[str],
    licence: dict[str, Any] | None,
    api_key_id: str,
    api_key_name: str,
) -> Disposition:
    """Record an officer's ruling on a screening, tied to the rule set that decided it, with its
    `review.disposed` event in the same transaction."""
    row = Disposition(
        id=str(uuid.uuid4()),
        screening_id=screening.id,
        outcome=outcome,
        reason=reason,
        attachments=attachments,
        licence=licence,
        ruleset_version=screening.ruleset_version,
        ruleset_digest=screening.ruleset_digest,
        api_key_id=api_key_id,
        api_key_name=api_key_name,
        created_at=utcnow(),
    )
    session.add(row)
    outbox.add_events(session=session, events=[outbox.review_disposed(row, screening)])
    session.commit()
    session.refresh(row)
    return row


def list_dispositions(*, session: Session, screening_id: str) -> list[Disposition]:
    """A screening's dispositions, oldest first."""
    query = select(Disposition).where(col(Disposition.screening_id) == screening_id)
    return list(session.exec(query.order_by(col(Disposition.created_at), col(Disposition.id))))


def latest_outcomes(*, session: Session, screening_ids: list[str]) -> dict[str, str]:
    """The latest disposition outcome of each of these screenings that has one."""
    if not screening_ids:
        return {}
    rows = session.exec(
        select(Disposition)
        .where(col(Disposition.screening_id).in_(screening_ids))
        .order_by(col(Disposition.created_at), col(Disposition.id))
    )
    return {row.screening_id: row.outcome for row in rows}


def new_flag(
    *,
    screening_id: str,
    rescreen_id: str,
    old_decision: str,
    new_decision: str,
    ruleset_version: str,
) -> ReviewFlag:
    """A flag sending a disposed screening back into the review queue (the caller stores it)."""
    return ReviewFlag(
        id=str(uuid.uuid4()),
        screening_id=screening_id,
        rescreen_id=rescreen_id,
        old_decision=old_decision,
        new_decision=new_decision,
        ruleset_version=ruleset_version,
        created_at=utcnow(),
    )


def list_flags(*, session: Session, screening_id: str) -> list[ReviewFlag]:
    """A screening's review flags, oldest first."""
    query = select(ReviewFlag).where(col(ReviewFlag.screening_id) == screening_id)
    return list(session.exec(query.order_by(col(ReviewFlag.created_at), col(ReviewFlag.id))))


def _queue_condition() -> Any:
    """SQL: an undisposed `unknown`, or a screening flagged after its latest disposition."""
    last_disposition = (
        select(func.max(Disposition.created_at))
        .where(col(Disposition.screening_id) == col(Screening.id))
        .scalar_subquery()
    )
    last_flag = (
        select(func.max(ReviewFlag.created_at))
        .where(col(ReviewFlag.screening_id) == col(Screening.id))
        .scalar_subquery()
    )
    return or_(
        and_(col(Screening.decision) == "unknown", last_disposition.is_(None)),
        and_(
            last_flag.is_not(None),
            or_(last_disposition.is_(None), last_flag > last_disposition),
        ),
    )


def review_queue(
    *,
    session: Session,
    transaction_type: str | None = None,
    created_before: datetime | None = None,
) -> list[Screening]:
    """Every screening waiting for an officer, oldest first."""
    conditions = [_queue_condition()]
    if transaction_type is not None:
        conditions.append(col(Screening.transaction_type) == transaction_type)
    if created_before is not None:
        conditions.append(col(Screening.created_at) < created_before)
    query = select(Screening).where(*conditions)
    return list(session.exec(query.order_by(col(Screening.created_at), col(Screening.id))))


def in_queue(*, session: Session, screening_id: str) -> bool:
    """True when this screening waits for an officer."""
    query = select(Screening.id).where(col(Screening.id) == screening_id, _queue_condition())
    return session.exec(query).first() is not None
