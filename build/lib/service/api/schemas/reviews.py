"""API-only shapes for the officer workflow: dispositions, licences, status and the queue."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.api.schemas.screenings import Page, PageQuery, ScreeningAudit, ScreeningSummary
from service.engine.models import CountryCode, Decision, RulesetRef
from service.engine.schema import TransactionType


class Outcome(StrEnum):
    """What an officer rules."""

    cleared = "cleared"
    approval_required = "approval-required"
    prohibited = "prohibited"


class Licence(BaseModel):
    """An export licence that covers the deal."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    licence_number: str = Field(min_length=1, max_length=100, examples=["LIC-2026-000123"])
    issuing_authority: str = Field(
        min_length=1, max_length=200, examples=["MOFCOM Bureau of Industry Security"]
    )
    scope: str = Field(default="", max_length=2000, description="what the licence covers")
    valid_from: date = Field(examples=["2026-12-01"])
    valid_to: date | None = Field(default=None, description="last valid day; null: open-ended")

    @model_validator(mode="after")
    def _ordered(self) -> "Licence":
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self

    def valid_on(self, day: date) -> bool:
        """True when the licence is in force on `day`."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class DispositionCreate(BaseModel):
    """An officer's ruling on a screening."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: Outcome = Field(examples=["approval-required"])
    reason: str = Field(
        min_length=1, max_length=4000, description="why; mandatory", examples=["End use checked"]
    )
    attachments: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="references to supporting documents (document-system ids or URLs)",
        examples=[["DMS-2026-0042"]],
    )
    licence: Licence | None = Field(
        default=None, description="only with outcome approval-required: the licence obtained"
    )

    @model_validator(mode="after")
    def _licence_needs_approval(self) -> "DispositionCreate":
        if self.licence is not None and self.outcome is not Outcome.approval_required:
            raise ValueError("a licence can only be recorded with outcome approval-required")
        if any(not a.strip() or len(a) > 500 for a in self.attachments):
            raise ValueError("attachment references must be 1 to 500 characters")
        return self


class Officer(BaseModel):
    """Who recorded a disposition: the API key."""

    key_id: str
    name: str


class DispositionRecord(DispositionCreate):
    """A stored disposition."""

    model_config = ConfigDict(extra="forbid")

    id: str
    screening_id: str
    ruleset: RulesetRef = Field(description="the rule set of the screening disposed of")
    officer: Officer
    created_at: datetime


class ReviewFlagRecord(BaseModel):
    """A re-screen that changed a disposed screening's decision and sent it back for review."""

    rescreen_id: str
    old_decision: Decision
    new_decision: Decision
    ruleset_version: str = Field(description="the rule set the re-screen ran under")
    created_at: datetime


class ScreeningStatus(BaseModel):
    """Where a screening stands now: what an ERP polls to know whether it may proceed."""

    state: str = Field(
        description="pending-review while in the review queue; else the latest disposition's "
        "outcome; else the engine's decision",
        examples=["approval-required"],
    )
    engine_decision: Decision = Field(description="the engine's answer, never rewritten")
    disposition: DispositionRecord | None = Field(description="the latest disposition")
    in_review: bool = Field(description="true while the screening waits in the review queue")
    licence_valid: bool | None = Field(
        description="whether the latest disposition's licence is valid on `checked_on`; "
        "null without a licence"
    )
    checked_on: date = Field(description="the day licence validity was checked for")
    may_proceed: bool = Field(
        description="true when allowed or cleared, or approval-required with a valid licence"
    )


class ScreeningHistory(ScreeningAudit):
    """A stored screening with its current status, every disposition and every review flag."""

    status: ScreeningStatus
    dispositions: list[DispositionRecord] = Field(description="oldest first")
    review_flags: list[ReviewFlagRecord] = Field(description="oldest first")


class ReviewItem(ScreeningSummary):
    """A screening waiting for an officer."""

    destination_country: str | None = Field(description="from the request")
    description: str = Field(description="from the request")
    instruments: list[str] = Field(description="instruments of the candidate categories")
    missing_information: list[str]
    flagged: bool = Field(description="true when a re-screen sent a disposed screening back")


class ReviewPage(Page[ReviewItem]):
    """A page of the review queue, oldest first."""


class ReviewFilter(PageQuery):
    """Which waiting screenings to list."""

    min_age_days: int | None = Field(
        default=None, ge=0, description="only screenings waiting at least this many days"
    )
    instrument: str | None = Field(
        default=None, max_length=100, description="only with a candidate in this instrument"
    )
    destination_country: CountryCode | None = Field(default=None, description="only this one")
    transaction_type: TransactionType | None = Field(default=None)
