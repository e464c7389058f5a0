"""The review queue: which stored screenings wait for an officer, and by what they are filtered."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from service.store import reviews
from service.store.tables import Screening


def instruments_of(result: dict[str, Any]) -> list[str]:
    """The instruments a stored result matched or nearly matched, sorted."""
    candidates = result.get("matches", []) + result.get("near_misses", [])
    return sorted({m["instrument_id"] for m in candidates})


def waiting(
    session: Session,
    *,
    transaction_type: str | None = None,
    min_age_days: int | None = None,
    instrument: str | None = None,
    destination_country: str | None = None,
) -> list[tuple[Screening, bool]]:
    """Every waiting screening passing the filters, oldest first, and whether it was re-flagged."""
    before = None
    if min_age_days is not None:
        before = datetime.now(UTC) - timedelta(days=min_age_days)
    rows = reviews.review_queue(
        session=session, transaction_type=transaction_type, created_before=before
    )
    disposed = reviews.latest_outcomes(session=session, screening_ids=[r.id for r in rows])
    return [
        (row, row.id in disposed)
        for row in rows
        if (instrument is None or instrument in instruments_of(row.result))
        and (
            destination_country is None
            or row.request.get("destination_country") == destination_country
        )
    ]
