"""API-only shapes for bulk screening: one entry per item, in order, a record or an error."""

from collections.abc import Iterable

import orjson
from pydantic import BaseModel, Field

from service.api.errors import ErrorBody
from service.api.schemas.screenings import ScreeningRecord, record_from_row, record_json
from service.workflows.bulk import ItemOutcome


class BulkItem(BaseModel):
    """One item's answer: its screening record, or the error that stopped it."""

    index: int = Field(description="the item's position in the request, from 0", examples=[0])
    status: int = Field(
        description="201 when the item was screened and stored (as POST /v1/screenings "
        "answers), else the status the error would have had on its own (422, 500)",
        examples=[201],
    )
    screening: ScreeningRecord | None = Field(
        default=None, description="the stored record, exactly as POST /v1/screenings returns it"
    )
    error: ErrorBody | None = Field(
        default=None, description="why the item was not screened, in the common error shape"
    )


class BulkScreenings(BaseModel):
    """The answer to POST /v1/screenings/bulk: every item, in the order sent."""

    items: list[BulkItem] = Field(description="one entry per item of the request, in order")
    screened: int = Field(description="items screened and stored (or replayed)", examples=[999])
    failed: int = Field(description="items answered with an error", examples=[1])


def error_entry(index: int, status: int, error: ErrorBody) -> bytes:
    """The JSON of an item answered with an error."""
    return orjson.dumps(
        {"index": index, "status": status, "screening": None, "error": error.model_dump()}
    )


def outcome_entry(index: int, outcome: ItemOutcome) -> bytes:
    """The JSON of an item the workflow answered: its record, replayed row, or error."""
    if outcome.error is not None:
        error = outcome.error
        body = ErrorBody(code=error.code, message=error.message, details=error.details)
        return error_entry(index, error.status, body)
    if outcome.row is not None:
        record = record_from_row(outcome.row).model_dump_json().encode()
    else:
        assert outcome.record is not None
        record = record_json(outcome.record)
    return b'{"index":%d,"status":201,"screening":%b,"error":null}' % (index, record)


def bulk_json(entries: Iterable[bytes], *, failed: int) -> bytes:
    """The whole answer from its entries (already JSON, in item order)."""
    items = list(entries)
    counts = b'"screened":%d,"failed":%d' % (len(items) - failed, failed)
    return b'{"items":[' + b",".join(items) + b"]," + counts + b"}"
