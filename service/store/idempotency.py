"""Idempotency-Keys of screenings: the first request with a key is stored, retries find it."""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

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


def item_key(key: str, index: int) -> str:
    """The stored key of item `index` of a bulk call sent with Idempotency-Key `key`.

    A space never occurs in a header key, so these never collide with a single screening's
    key; the caller's key is hashed so that any key of up to 150 characters fits the column.
    """
    return f"bulk {index} {hashlib.sha256(key.encode('utf-8')).hexdigest()}"


def items_digest(items: Sequence[ScreeningRequest | object]) -> str:
    """sha256 of a bulk call's items in canonical JSON: valid ones as validated, others as sent."""
    canonical = [
        item.model_dump(mode="json") if isinstance(item, ScreeningRequest) else item
        for item in items
    ]
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find_items(
    *, session: Session, api_key_id: str, keys: list[str]
) -> dict[str, ScreeningIdempotency]:
    """The stored records of these item keys of the API key, by key (absent ones left out)."""
    query = select(ScreeningIdempotency).where(
        col(ScreeningIdempotency.api_key_id) == api_key_id,
        col(ScreeningIdempotency.key).in_(keys),
    )
    return {row.key: row for row in session.exec(query)}


def add_screenings_once(
    *,
    session: Session,
    records: list[tuple[str, dict[str, Any]]],
    api_key_id: str,
    request_hash: str,
) -> bool:
    """Store screening records, each under its item key, in one transaction.

    False (and nothing stored) when a concurrent call with the same keys committed first: the
    primary key decides, as for a single screening.
    """
    chain.append(session=session, records=[record for _key, record in records])
    now = utcnow()
    keyed = [
        {
            "api_key_id": api_key_id,
            "key": key,
            "request_hash": request_hash,
            "screening_id": record["id"],
            "created_at": now,
        }
        for key, record in records
    ]
    try:
        session.execute(insert(ScreeningIdempotency.__table__), keyed)
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True
