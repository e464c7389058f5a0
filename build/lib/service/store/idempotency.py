"""Idempotency-Keys of screenings: the first request with a key is stored, retries find it."""

import hashlib
import json

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from service.engine.models import ScreeningRequest, ScreeningResult
from service.store import chain
from service.store.screenings import screening_record
from service.store.tables import Screening, ScreeningIdempotency, utcnow


def request_digest(request: ScreeningRequest) -> str:
    """sha256 of the validated request in canonical JSON: equal bodies give equal digests."""
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def find_idempotent(*, session: Session, api_key_id: str, key: str) -> ScreeningIdempotency | None:
    """The record of the first request the API key sent with this Idempotency-Key, or None."""
    return session.get(ScreeningIdempotency, (api_key_id, key))


def add_screening_once(
    *,
    session: Session,
    request: ScreeningRequest,
    result: ScreeningResult,
    api_key_id: str,
    key: str,
) -> tuple[Screening | None, ScreeningIdempotency]:
    """Store the screening and its Idempotency-Key in one transaction.

    Returns (the new screening, its key record), or (None, the earlier key record) when a
    concurrent request with the same key committed first: the primary key decides, so two
    racing requests never both store a screening.
    """
    stored = screening_record(request, result, api_key_id)
    record = ScreeningIdempotency(
        api_key_id=api_key_id,
        key=key,
        request_hash=request_digest(request),
        screening_id=stored["id"],
        created_at=utcnow(),
    )
    chain.append(session=session, records=[stored])
    session.add(record)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        earlier = find_idempotent(session=session, api_key_id=api_key_id, key=key)
        if earlier is None:
            raise
        return None, earlier
    # Built from what was written, not read back (see screenings.add_screening).
    return Screening(**stored), record
