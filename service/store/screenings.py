"""The screening audit log: append and read, never update or delete."""

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from service.engine.models import Decision, ScreeningRequest, ScreeningResult
from service.engine.schema import TransactionType
from service.store import chain
from service.store.json_codec import EncodedJson
from service.store.tables import Screening, utcnow


def screening_record(
    request: ScreeningRequest, result: ScreeningResult, api_key_id: str
) -> dict[str, Any]:
    """The stored fields of one decided screening, before it is chained."""
    return stamped(decided_fields(request, result), api_key_id)


def decided_fields(
    request: ScreeningRequest, result: ScreeningResult, *, encoded: bool = False
) -> dict[str, Any]:
    """The fields of a screening record that the request and result make (not id, key, time).

    `encoded` gives the request and result as EncodedJson, ready to store from another process.
    """
    encode = EncodedJson.of if encoded else _as_is
    return {
        "reference": request.reference,
        "transaction_type": request.transaction_type.value,
        "decision": result.decision.value,
        "as_of": result.as_of,
        "request": encode(request.model_dump(mode="json")),
        "result": encode(result.model_dump(mode="json")),
        "ruleset_version": result.ruleset.version,
        "ruleset_digest": result.ruleset.digest,
    }


def _as_is(value: dict[str, Any]) -> dict[str, Any]:
    return value


def stamped(fields: dict[str, Any], api_key_id: str) -> dict[str, Any]:
    """A screening record from its decided fields: a new id, the key that asked, the time now."""
    return {"id": str(uuid.uuid4()), **fields, "api_key_id": api_key_id, "created_at": utcnow()}


def add_screening(
    *,
    session: Session,
    request: ScreeningRequest,
    result: ScreeningResult,
    api_key_id: str,
) -> Screening:
    """Record one decided screening, chained to the audit log, with request and full result."""
    record = screening_record(request, result, api_key_id)
    chain.append(session=session, records=[record])
    session.commit()
    # Built from what was written, not read back: after the commit nothing can fail and turn a
    # stored screening into an error answer (bench/fault_pg.py caught that once).
    return Screening(**record)


def get_screening(*, session: Session, screening_id: str) -> Screening | None:
    """The screening with this id, or None."""
    return session.get(Screening, screening_id)


def list_screenings(
    *,
    session: Session,
    decision: Decision | None = None,
    reference: str | None = None,
    transaction_type: TransactionType | None = None,
    created_from: datetime | None = None,
    created_before: datetime | None = None,
    api_key_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Screening], int]:
    """One page of screenings, newest first, and how many match the filters in total.

    `api_key_id` keeps only the screenings made with that key.
    """
    conditions = []
    if api_key_id is not None:
        conditions.append(col(Screening.api_key_id) == api_key_id)
    if decision is not None:
        conditions.append(col(Screening.decision) == decision.value)
    if reference is not None:
        conditions.append(col(Screening.reference) == reference)
    if transaction_type is not None:
        conditions.append(col(Screening.transaction_type) == transaction_type.value)
    if created_from is not None:
        conditions.append(col(Screening.created_at) >= created_from)
    if created_before is not None:
        conditions.append(col(Screening.created_at) < created_before)
    total = session.exec(select(func.count()).select_from(Screening).where(*conditions)).one()
    page = session.exec(
        select(Screening)
        .where(*conditions)
        .order_by(col(Screening.created_at).desc(), col(Screening.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(page), total


def get_screenings(*, session: Session, screening_ids: list[str]) -> dict[str, Screening]:
    """The screenings with these ids, by id (absent ones left out)."""
    if not screening_ids:
        return {}
    query = select(Screening).where(col(Screening.id).in_(screening_ids))
    return {row.id: row for row in session.exec(query)}
