"""Decides a screening and records it in the audit log: the one path for the API, UI and batch.

Every caller goes through here, so each stored decision is counted by the `decisions` metric and
logged as `screening.decided`:

* `decide_and_record()`: one screening, from POST /v1/screenings (with or without an
  Idempotency-Key) and from the /ui form. Without a key it runs on the event loop and stores
  through the audit writer's group commit; with one it runs in a thread, in one transaction
  with the key.
* `decide()` and `record_rows()`: batch rows, decided one by one and stored a chunk per
  transaction with the job's progress.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy
from anyio import to_thread
from sqlmodel import Session

from service import tracing
from service.engine import Engine, ScreeningError
from service.engine.calendar import beijing_today
from service.engine.models import ScreeningRequest, ScreeningResult
from service.store import batches, idempotency, screenings
from service.store.audit_writer import AuditWriter
from service.store.jobs import Lease
from service.store.tables import Screening, ScreeningIdempotency

log = logging.getLogger("service.screenings")

# Free text up to this length is screened on the event loop (well under a millisecond); the
# longest allowed texts can take ~15 ms and go to a thread, so they do not stall other requests.
INLINE_TEXT_CHARS = 500

CountDecision = Callable[[str], object]


class IdempotencyConflict(ScreeningError):
    """An Idempotency-Key sent again with a different request body."""

    code = "conflict"
    status = 409


@dataclass(frozen=True)
class Recorder:
    """Where decided screenings are stored, and what counts them (built once at start-up)."""

    db: sqlalchemy.Engine
    audit: AuditWriter
    count: CountDecision | None = None


@dataclass(frozen=True)
class Recorded:
    """A stored screening: its fields, its row when one was read back, and if it is a replay."""

    record: Mapping[str, Any]
    row: Screening | None = None
    replayed: bool = False


def decide(engine: Engine, request: ScreeningRequest, today: date | None = None) -> ScreeningResult:
    """The engine's answer on `today`, by default the Beijing day (the request's `as_of` wins)."""
    return engine.screen(request, today=today or beijing_today())


async def decide_and_record(
    request: ScreeningRequest,
    *,
    engine: Engine,
    recorder: Recorder,
    api_key_id: str,
    idempotency_key: str | None = None,
) -> Recorded:
    """Screen a request and store it in the audit log, or replay the one stored under the key."""
    if idempotency_key:
        return await to_thread.run_sync(
            _decide_and_record_once, request, engine, recorder, api_key_id, idempotency_key
        )
    # On the event loop: an ERP calls this on every order, and each thread hand-off cost more
    # than screening a short text. Storage goes through the audit writer's group commit.
    if text_chars(request) <= INLINE_TEXT_CHARS:
        result = decide_traced(engine, request)
    else:
        result = await to_thread.run_sync(decide_traced, engine, request)
    record = screenings.screening_record(request, result, api_key_id)
    await recorder.audit.append(record)
    announce(record, recorder.count)
    return Recorded(record)


def decide_traced(engine: Engine, request: ScreeningRequest) -> ScreeningResult:
    """`decide()` in a span that names the decision and the rule set that made it."""
    with tracing.span("screening.decide", transaction_type=request.transaction_type.value) as step:
        result = decide(engine, request)
        step.set(
            decision=result.decision.value,
            ruleset_version=result.ruleset.version,
            ruleset_digest=result.ruleset.digest,
            matches=len(result.matches),
            party_matches=len(result.party_matches),
        )
    return result


def text_chars(request: ScreeningRequest) -> int:
    """How much free text the engine will read in this request."""
    size = len(request.description)
    if request.engineer is not None:
        size += len(request.engineer.expertise) + len(request.engineer.role)
    return size


def _decide_and_record_once(
    request: ScreeningRequest,
    engine: Engine,
    recorder: Recorder,
    api_key_id: str,
    key: str,
) -> Recorded:
    """Screen and store under an Idempotency-Key, or replay the screening first stored under it."""
    with Session(recorder.db, expire_on_commit=False) as session:
        earlier = idempotency.find_idempotent(session=session, api_key_id=api_key_id, key=key)
        if earlier is None:
            result = decide_traced(engine, request)
            with tracing.span("audit.write", idempotency_key=True):
                new, earlier = idempotency.add_screening_once(
                    session=session, request=request, result=result, api_key_id=api_key_id, key=key
                )
            if new is not None:
                record = new.model_dump()
                announce(record, recorder.count)
                return Recorded(record, row=new)
        return _replay(session, earlier, request)


def _replay(session: Session, earlier: ScreeningIdempotency, request: ScreeningRequest) -> Recorded:
    """The screening first stored under this Idempotency-Key; a conflict when the body differs."""
    if earlier.request_hash != idempotency.request_digest(request):
        raise IdempotencyConflict(
            f"Idempotency-Key {earlier.key} was first used with a different request body",
            details={"screening_id": earlier.screening_id},
        )
    row = screenings.get_screening(session=session, screening_id=earlier.screening_id)
    assert row is not None
    return Recorded(row.model_dump(), row=row, replayed=True)


def record_rows(
    db: sqlalchemy.Engine,
    *,
    job_id: str,
    rows: list[batches.ScreenedRow],
    api_key_id: str,
    lease: Lease,
    count: CountDecision | None = None,
) -> None:
    """Store a chunk of decided batch rows, their audit records and the job's progress at once,
    if `lease` is still the job's (LeaseLost otherwise, and nothing is stored)."""
    with Session(db) as session:
        records = batches.add_chunk(
            session=session, job_id=job_id, rows=rows, api_key_id=api_key_id, lease=lease
        )
    for record in records:
        # Per row at debug level: a million-row batch must not write a million log lines.
        announce(record, count, level=logging.DEBUG)


def announce(
    record: Mapping[str, Any], count: CountDecision | None, level: int = logging.INFO
) -> None:
    """Count and log a newly stored decision."""
    if count is not None:
        count(record["decision"])
    log.log(
        level,
        "screening.decided",
        extra={
            "screening_id": record["id"],
            "decision": record["decision"],
            "transaction_type": record["transaction_type"],
            "ruleset": record["ruleset_version"],
            "api_key_id": record["api_key_id"],
        },
    )
