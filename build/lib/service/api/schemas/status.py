"""Builds a screening's history and current status from the stored rows."""

from datetime import date

from sqlmodel import Session

from service.api.schemas.reviews import (
    DispositionRecord,
    Licence,
    Officer,
    Outcome,
    ReviewFilter,
    ReviewFlagRecord,
    ReviewItem,
    ScreeningHistory,
    ScreeningStatus,
)
from service.api.schemas.screenings import audit_from_row, summary_from_row
from service.engine.models import Decision, RulesetRef
from service.store import reviews
from service.store.tables import Disposition, ReviewFlag, Screening, as_utc
from service.workflows import reviews as review_queue
from service.workflows.reviews import instruments_of
from service.workflows.status import may_proceed, screening_state


def disposition_record(row: Disposition) -> DispositionRecord:
    """The API record of a stored disposition."""
    return DispositionRecord(
        id=row.id,
        screening_id=row.screening_id,
        outcome=Outcome(row.outcome),
        reason=row.reason,
        attachments=list(row.attachments),
        licence=Licence.model_validate(row.licence) if row.licence else None,
        ruleset=RulesetRef(version=row.ruleset_version, digest=row.ruleset_digest),
        officer=Officer(key_id=row.api_key_id, name=row.api_key_name),
        created_at=as_utc(row.created_at),
    )


def flag_record(row: ReviewFlag) -> ReviewFlagRecord:
    """The API record of a stored review flag."""
    return ReviewFlagRecord(
        rescreen_id=row.rescreen_id,
        old_decision=Decision(row.old_decision),
        new_decision=Decision(row.new_decision),
        ruleset_version=row.ruleset_version,
        created_at=as_utc(row.created_at),
    )


def current_status(
    row: Screening, dispositions: list[DispositionRecord], in_review: bool, on: date
) -> ScreeningStatus:
    """Where the screening stands on `on`: the queue, the latest ruling, the licence."""
    latest = dispositions[-1] if dispositions else None
    licence_valid = latest.licence.valid_on(on) if latest and latest.licence else None
    state = screening_state(row.decision, latest.outcome.value if latest else None, in_review)
    return ScreeningStatus(
        state=state,
        engine_decision=Decision(row.decision),
        disposition=latest,
        in_review=in_review,
        licence_valid=licence_valid,
        checked_on=on,
        may_proceed=may_proceed(state, licence_valid),
    )


def history(session: Session, row: Screening, on: date) -> ScreeningHistory:
    """The full history of a stored screening, its status checked for `on`."""
    dispositions = [
        disposition_record(d)
        for d in reviews.list_dispositions(session=session, screening_id=row.id)
    ]
    flags = [flag_record(f) for f in reviews.list_flags(session=session, screening_id=row.id)]
    in_review = reviews.in_queue(session=session, screening_id=row.id)
    return ScreeningHistory(
        **dict(audit_from_row(row)),
        status=current_status(row, dispositions, in_review, on),
        dispositions=dispositions,
        review_flags=flags,
    )


def review_item(row: Screening, flagged: bool) -> ReviewItem:
    """The queue line of a waiting screening."""
    result = row.result
    return ReviewItem(
        **dict(summary_from_row(row)),
        destination_country=row.request.get("destination_country"),
        description=row.request.get("description", ""),
        instruments=instruments_of(result),
        missing_information=result.get("missing_information", []),
        flagged=flagged,
    )


def queue_items(session: Session, query: ReviewFilter) -> list[ReviewItem]:
    """The queue lines of every waiting screening that passes the filter, oldest first."""
    waiting = review_queue.waiting(
        session,
        transaction_type=query.transaction_type.value if query.transaction_type else None,
        min_age_days=query.min_age_days,
        instrument=query.instrument,
        destination_country=query.destination_country,
    )
    return [review_item(row, flagged) for row, flagged in waiting]
