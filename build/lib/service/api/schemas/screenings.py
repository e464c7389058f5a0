"""API-only shapes for screenings: the stored record, list filters and pages."""

from datetime import date, datetime
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from service.engine.models import Decision, RulesetRef, ScreeningResult
from service.engine.schema import TransactionType
from service.store.tables import Screening, as_utc

T = TypeVar("T")

SCREENING_ID = Field(
    description="the screening's id in the audit log",
    examples=["0b6f7c1e-3c0a-4d38-9d55-2f7b1f0a9c11"],
)
REFERENCE = Field(description="the caller's own id, as sent", examples=["PO-4711"])
CREATED_AT = Field(
    description="when the screening was decided and stored (UTC)",
    examples=["2026-11-28T09:14:03.512Z"],
)


class RecordHead(BaseModel):
    """The audit-log identity that leads every stored screening."""

    id: str = SCREENING_ID
    reference: str | None = REFERENCE


# Base order puts RecordHead's fields first and created_at last, as in the contract (design 4).
class ScreeningRecord(ScreeningResult, RecordHead):
    """The engine's answer as stored in the audit log: returned by POST /v1/screenings."""

    created_at: datetime = CREATED_AT


class ScreeningAudit(ScreeningRecord):
    """A stored screening with the request as received and the key that sent it."""

    api_key_id: str = Field(
        description="id of the API key that made the request",
        examples=["5e0f9a55-51a4-4b0c-8e2b-1d1e1f0c2a77"],
    )
    request: dict[str, Any] = Field(
        description="the request body as received, after validation",
        examples=[{"transaction_type": "material_export", "description": "Gallium arsenide"}],
    )


class ScreeningSummary(BaseModel):
    """One line of the audit log, for lists."""

    id: str = SCREENING_ID
    reference: str | None = REFERENCE
    transaction_type: TransactionType = Field(
        description="the kind of deal", examples=["material_export"]
    )
    decision: Decision = Field(description="the overall decision", examples=["approval-required"])
    as_of: date = Field(description="the date screened at", examples=["2026-11-28"])
    ruleset: RulesetRef = Field(description="the rule set that decided")
    created_at: datetime = CREATED_AT
    disposition: str | None = Field(
        default=None,
        description="the latest officer disposition's outcome, if any",
        examples=["cleared"],
    )


class Page(BaseModel, Generic[T]):
    """One page of a longer list."""

    items: list[T] = Field(description="this page, in the list's order")
    total: int = Field(description="how many items match the filters in all", examples=[137])
    limit: int = Field(description="the page size applied", examples=[50])
    offset: int = Field(description="how many matching items were skipped", examples=[0])


class ScreeningPage(Page[ScreeningSummary]):
    """A page of the screening audit log, newest first."""


MAX_OFFSET = 1_000_000_000


class PageQuery(BaseModel):
    """Paging through a list: unknown query parameters are rejected."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL; such a filter would fail in the database.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        return value

    limit: int = Field(
        default=50, ge=1, description="page size; larger values are cut to the server maximum"
    )
    # Bounded so no database is handed an integer wider than it stores (found by fuzzing).
    offset: int = Field(
        default=0, ge=0, le=MAX_OFFSET, description="number of matching items to skip"
    )


class ScreeningFilter(PageQuery):
    """Which screenings to list."""

    decision: Decision | None = Field(default=None, description="only this decision")
    reference: str | None = Field(
        default=None, max_length=200, description="only this caller reference (exact)"
    )
    transaction_type: TransactionType | None = Field(
        default=None, description="only this kind of deal"
    )
    created_from: date | None = Field(
        default=None, description="created on or after this day (UTC)", examples=["2026-11-01"]
    )
    created_to: date | None = Field(
        default=None, description="created on or before this day (UTC)", examples=["2026-11-30"]
    )

    @model_validator(mode="after")
    def _ordered(self) -> "ScreeningFilter":
        if self.created_from and self.created_to and self.created_to < self.created_from:
            raise ValueError("created_to is before created_from")
        return self


def record_from_row(row: Screening) -> ScreeningRecord:
    """The API record of a stored screening."""
    return ScreeningRecord.model_validate(
        {
            **row.result,
            "id": row.id,
            "reference": row.reference,
            "created_at": as_utc(row.created_at),
        }
    )


RECORD_FIELDS = tuple(ScreeningRecord.model_fields)


def record_json(stored: dict[str, Any]) -> bytes:
    """The JSON of `record_from_row` for a record just stored, without validating it again.

    `stored` is what screening_record() built: the result is already the engine's validated
    answer in JSON form, so the API record is that plus the head fields, in the model's order.
    """
    merged = {
        **stored["result"],
        "id": stored["id"],
        "reference": stored["reference"],
        "created_at": as_utc(stored["created_at"]),
    }
    return orjson.dumps({name: merged[name] for name in RECORD_FIELDS}, option=orjson.OPT_UTC_Z)


def audit_from_row(row: Screening) -> ScreeningAudit:
    """The full audit view of a stored screening."""
    record = record_from_row(row)
    return ScreeningAudit(**dict(record), api_key_id=row.api_key_id, request=row.request)


def summary_from_row(row: Screening, disposition: str | None = None) -> ScreeningSummary:
    """The list line of a stored screening, with its latest disposition's outcome."""
    return ScreeningSummary(
        id=row.id,
        reference=row.reference,
        transaction_type=TransactionType(row.transaction_type),
        decision=Decision(row.decision),
        as_of=row.as_of,
        ruleset=RulesetRef(version=row.ruleset_version, digest=row.ruleset_digest),
        created_at=as_utc(row.created_at),
        disposition=disposition,
    )
