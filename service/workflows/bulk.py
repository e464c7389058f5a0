"""Decides and records many screenings at once: the path of POST /v1/screenings/bulk.

Each item becomes its own audit record, exactly as one POST /v1/screenings would store it. The
items are decided together and stored together: without an Idempotency-Key they go to the audit
writer in one hand-over (one group commit, one wait); with a key they are stored in one
transaction with a key per item derived from the call's key, so a retried call replays them.
An item the engine cannot decide fails alone; an outage of the database fails the whole call.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from anyio import to_thread
from sqlmodel import Session

from service.engine import Engine, ScreeningError
from service.engine.calendar import beijing_today
from service.engine.models import ScreeningRequest
from service.store import idempotency, screenings
from service.store.audit_writer import OUTAGES
from service.store.tables import Screening
from service.workflows.screening import (
    INLINE_TEXT_CHARS,
    IdempotencyConflict,
    Recorder,
    announce,
    decide,
    text_chars,
)

log = logging.getLogger("service.screenings")

Item = tuple[int, ScreeningRequest]
"""An item of a bulk call that validated: its index in the call and its request."""


class ItemNotScreened(ScreeningError):
    """The engine or the audit log failed on this item; the failure is logged."""

    code = "internal_error"
    status = 500


@dataclass(frozen=True)
class ItemOutcome:
    """One item's answer: the record just stored, the row stored earlier, or an error."""

    record: Mapping[str, Any] | None = None
    row: Screening | None = None
    error: ScreeningError | None = None


@dataclass(frozen=True)
class BulkRecorded:
    """The outcome of every item, in the order given, and whether the call was a replay."""

    outcomes: list[ItemOutcome]
    replayed: bool = False


async def decide_and_record_all(
    items: Sequence[Item],
    *,
    engine: Engine,
    recorder: Recorder,
    api_key_id: str,
    idempotency_key: str | None = None,
    body_digest: str = "",
) -> BulkRecorded:
    """Screen the items and store each in the audit log, or replay those stored under the key.

    `body_digest` identifies the whole call (see idempotency.items_digest): a key sent again
    with another body is a conflict.
    """
    today = beijing_today()
    if idempotency_key:
        return await to_thread.run_sync(
            _decide_and_record_once,
            items,
            _Call(engine, recorder, api_key_id, idempotency_key, body_digest, today),
        )
    if sum(text_chars(request) for _, request in items) <= INLINE_TEXT_CHARS:
        decided = _decide_all(engine, items, api_key_id, today)
    else:
        decided = await to_thread.run_sync(_decide_all, engine, items, api_key_id, today)
    records = [one for one in decided if not isinstance(one, ScreeningError)]
    errors = iter(await recorder.audit.append_all(records))
    outcomes = []
    for one in decided:
        if isinstance(one, ScreeningError):
            outcomes.append(ItemOutcome(error=one))
            continue
        error = next(errors)
        if isinstance(error, OUTAGES):
            raise error
        if error is None:
            announce(one, recorder.count, level=logging.DEBUG)
            outcomes.append(ItemOutcome(record=one))
        else:
            log.error("screening.bulk_item_not_stored", exc_info=error)
            outcomes.append(ItemOutcome(error=ItemNotScreened("the screening could not be stored")))
    _summarise(outcomes)
    return BulkRecorded(outcomes)


def _decide_all(
    engine: Engine, items: Sequence[Item], api_key_id: str, today: date
) -> list[dict[str, Any] | ScreeningError]:
    """Each item's audit record as decided, or the error that stopped it."""
    return [_decide_one(engine, index, request, api_key_id, today) for index, request in items]


def _decide_one(
    engine: Engine, index: int, request: ScreeningRequest, api_key_id: str, today: date
) -> dict[str, Any] | ScreeningError:
    try:
        result = decide(engine, request, today)
    except ScreeningError as exc:
        return exc
    except Exception:  # noqa: BLE001 - one item must not fail the others
        log.exception("screening.bulk_item_failed", extra={"index": index})
        return ItemNotScreened("the engine failed on this item; the failure has been logged")
    return screenings.screening_record(request, result, api_key_id)


@dataclass(frozen=True)
class _Call:
    """What the keyed path needs besides the items."""

    engine: Engine
    recorder: Recorder
    api_key_id: str
    key: str
    digest: str
    today: date


def _decide_and_record_once(items: Sequence[Item], call: _Call) -> BulkRecorded:
    """Replay the items stored under the call's key; decide and store the others, in one go.

    Run twice at most: when a concurrent call with the same key commits first, this one's
    transaction is rolled back and the second pass replays what that call stored.
    """
    keys = [idempotency.item_key(call.key, index) for index, _ in items]
    with Session(call.recorder.db, expire_on_commit=False) as session:
        for _attempt in range(2):
            earlier = idempotency.find_items(session=session, api_key_id=call.api_key_id, keys=keys)
            if any(stored.request_hash != call.digest for stored in earlier.values()):
                raise IdempotencyConflict(
                    f"Idempotency-Key {call.key} was first used with a different request body"
                )
            rows = screenings.get_screenings(
                session=session, screening_ids=[stored.screening_id for stored in earlier.values()]
            )
            outcomes: list[ItemOutcome] = []
            new: list[tuple[str, dict[str, Any]]] = []
            for (index, request), key in zip(items, keys, strict=True):
                if key in earlier:
                    outcomes.append(ItemOutcome(row=rows[earlier[key].screening_id]))
                    continue
                one = _decide_one(call.engine, index, request, call.api_key_id, call.today)
                if isinstance(one, ScreeningError):
                    outcomes.append(ItemOutcome(error=one))
                else:
                    new.append((key, one))
                    outcomes.append(ItemOutcome(record=one))
            if not new or idempotency.add_screenings_once(
                session=session, records=new, api_key_id=call.api_key_id, request_hash=call.digest
            ):
                for _key, record in new:
                    announce(record, call.recorder.count, level=logging.DEBUG)
                _summarise(outcomes)
                return BulkRecorded(outcomes, replayed=bool(earlier) and not new)
    raise RuntimeError(f"Idempotency-Key {call.key}: lost the race to store the items twice")


def _summarise(outcomes: list[ItemOutcome]) -> None:
    """One log line per bulk call; the items' own lines are at debug level."""
    log.info(
        "screening.bulk_decided",
        extra={
            "items": len(outcomes),
            "stored": sum(1 for one in outcomes if one.record is not None),
            "replayed": sum(1 for one in outcomes if one.row is not None),
            "failed": sum(1 for one in outcomes if one.error is not None),
        },
    )
