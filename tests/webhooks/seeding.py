"""Stored screenings made fast: decided once, recorded many times through the audit chain."""

from sqlmodel import Session

from service.engine import Engine, ScreeningRequest
from service.store import batches, chain
from service.store.screenings import screening_record
from tests.api.workflow import LFP_BEFORE_AMENDMENT, LFP_UNKNOWN

# Re-screened at this date, LFP_BEFORE_AMENDMENT turns from allowed to approval-required (the
# July 2025 amendment) and LFP_UNKNOWN stays unknown (its own as_of already is that day).
LATER = "2025-08-01"


def seed(session: Session, engine: Engine, *, total: int, changing_every: int) -> set[str]:
    """Store `total` screenings, every `changing_every`-th one a deal whose decision a re-screen
    at LATER changes; the ids of those."""
    deals = {}
    for name, body in (("stays", LFP_UNKNOWN), ("changes", LFP_BEFORE_AMENDMENT)):
        request = ScreeningRequest.model_validate(body)
        deals[name] = (request, engine.screen(request))
    key_id = batches.local_key_id(session=session)
    changing: set[str] = set()
    records = []
    for number in range(total):
        kind = "changes" if number % changing_every == changing_every - 1 else "stays"
        record = screening_record(*deals[kind], key_id)
        record["reference"] = f"ERP-{number}"
        if kind == "changes":
            changing.add(record["id"])
        records.append(record)
    for start in range(0, total, 2000):
        chain.append(session=session, records=records[start : start + 2000])
    session.commit()
    return changing
