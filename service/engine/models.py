"""What goes into a screening and what comes out: the engine's request and result models."""

import builtins
import math
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.engine.parameters import CANONICAL_NAMES, PARAMETERS
from service.engine.schema import Control, TransactionType

CountryCode = Annotated[
    str,
    Field(
        pattern=r"^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2 country code, upper case",
        examples=["DE"],
    ),
]


class Decision(StrEnum):
    """The four answers, most severe first."""

    prohibited = "prohibited"
    approval_required = "approval-required"
    unknown = "unknown"
    allowed = "allowed"

    @property
    def severity(self) -> int:
        """Higher is more severe: prohibited 3, approval-required 2, unknown 1, allowed 0."""
        return _SEVERITY[self]


_SEVERITY = {
    Decision.prohibited: 3,
    Decision.approval_required: 2,
    Decision.unknown: 1,
    Decision.allowed: 0,
}


class MatchStatus(StrEnum):
    """Where a matched category stands for a request: its standing on the day, or out of scope."""

    in_force = "in_force"
    not_yet_effective = "not_yet_effective"
    ended = "ended"
    suspended = "suspended"
    end_day_unclear = "end_day_unclear"
    out_of_scope = "out_of_scope"


class RequestModel(BaseModel):
    """Request-side base: unknown fields are rejected so a misspelling never passes silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL text cannot hold NUL, and no description needs one (found by fuzzing).
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        return value


class Engineer(RequestModel):
    """The person an engineer hire is about."""

    expertise: str = Field(
        default="", max_length=2000, description="what the person knows and will do"
    )
    role: str = Field(default="", max_length=500, description="job title or role")
    former_employer: str = Field(default="", max_length=500)
    work_country: CountryCode | None = Field(
        default=None, description="where the person will work; decides jurisdiction"
    )


class Counterparty(RequestModel):
    """The foreign party to the deal."""

    name: str = Field(default="", max_length=500)
    country: CountryCode | None = None


class PartyRole(StrEnum):
    """The part a foreign party plays in the deal."""

    importer = "importer"
    end_user = "end_user"
    consignee = "consignee"
    intermediary = "intermediary"
    employer = "employer"


class Party(RequestModel):
    """A foreign party to the deal, screened against the party lists."""

    role: PartyRole = Field(description="importer, end_user, consignee, intermediary or employer")
    name: str = Field(
        min_length=1,
        max_length=500,
        description="the party's name, in English or Chinese",
        examples=["Lockheed Martin Missiles & Fire Control"],
    )
    country: CountryCode | None = Field(default=None, description="raises the score, never vetoes")


class ScreeningRequest(RequestModel):
    """A proposed deal to screen. Only transaction_type and description are required."""

    transaction_type: TransactionType
    description: str = Field(min_length=1, max_length=4000)
    parameters: dict[str, float] = Field(
        default_factory=dict,
        description="control parameters by canonical name; see GET /v1/parameters",
    )
    hs_code: str | None = Field(
        default=None, pattern=r"^[0-9]{4,10}$", description="customs code, 4 to 10 digits"
    )
    origin_country: CountryCode = "CN"
    destination_country: CountryCode | None = None
    military_end_use: bool | None = Field(
        default=None, description="true, false, or null when not known"
    )
    counterparty: Counterparty | None = Field(
        default=None, description="the importer; screened against the party lists like `parties`"
    )
    parties: list[Party] = Field(
        default_factory=list,
        max_length=20,
        description="the deal's foreign parties (importer, end user, consignee, intermediary, "
        "employer), screened against MOFCOM's party lists",
    )
    engineer: Engineer | None = None
    as_of: date | None = Field(default=None, description="the date to screen at; default today")
    reference: str | None = Field(default=None, max_length=200, description="the caller's own id")

    @field_validator("parameters")
    @classmethod
    def _canonical_parameters(cls, values: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(values) - set(PARAMETERS))
        if unknown:
            raise ValueError(
                f"unknown parameter name(s) {', '.join(unknown)}; "
                f"canonical names are: {', '.join(CANONICAL_NAMES)}"
            )
        for name, value in values.items():
            spec = PARAMETERS[name]
            # Not finite: JSON has no Infinity, so PostgreSQL would refuse the audit record.
            if (
                not math.isfinite(value)
                or value < spec.minimum
                or (spec.maximum is not None and value > spec.maximum)
            ):
                upper = f" and {spec.maximum:g}" if spec.maximum is not None else ""
                raise ValueError(
                    f"parameter {name} must be a number between {spec.minimum:g}{upper} "
                    f"{spec.unit}, got {value}"
                )
        return values


class ParameterCheck(BaseModel):
    """One threshold compared with the value given (or missing)."""

    name: str
    operator: str
    threshold: float
    unit: str
    value: float | None = None
    met: bool | None = Field(default=None, description="null when the value was not given")
    note: str | None = None


class Citation(BaseModel):
    """Where a match rests in the legal text."""

    instrument: str = Field(description="instrument id")
    instrument_title: str
    instrument_zh: str | None = None
    number: str
    issuer: str
    item_number: str | None = None
    item_title: str
    item_title_zh: str | None = None
    published: date | None = None
    effective: date | None = None
    url: str | None = None
    also_cited: list[str] = Field(default_factory=list)


class Match(BaseModel):
    """A category the deal matched (or nearly matched), and what it contributes."""

    category_id: str
    instrument_id: str
    control: Control
    decision: Decision = Field(description="what this match contributes to the overall decision")
    score: float
    matched_terms: list[str]
    parameters: list[ParameterCheck] = Field(default_factory=list)
    # A MatchStatus value, typed `str` so the published OpenAPI contract keeps a plain string.
    status: str = Field(description="in_force, suspended, not_yet_effective, ended, out_of_scope")
    reason: str
    confidence: str = "high"
    citation: Citation


class Advisory(BaseModel):
    """Something an officer should know that does not change the decision."""

    code: str
    message: str
    instrument_id: str | None = None
    category_id: str | None = None
    source: str | None = None


class RulesetRef(BaseModel):
    """Which rule set decided: version and content digest."""

    version: str
    digest: str


class PartyCitation(BaseModel):
    """The notice that put a party on its list."""

    announcement: str = Field(description="announcement id, the party file's name")
    number: str | None = Field(default=None, description="official number, where known")
    issuer: str
    title: str
    published: date
    effective: date | None = None
    url: str | None = None


class PartyMatch(BaseModel):
    """A listed entry a party's name matched, where it stands on `as_of` and what it does."""

    party: Party = Field(description="the party as given")
    entry_id: str
    list: str = Field(
        description="control_list, watch_list, unreliable_entity_list, countermeasure_list or "
        "internal"
    )
    name_matched: str = Field(description="the listed name (or alias, branch) that matched")
    score: float
    status: str = Field(
        description="in_force, suspended, stopped, not_yet_effective, end_day_unclear or "
        "status_unclear (a suspension with no stated end)"
    )
    measures: builtins.list[str]
    citation: PartyCitation
    strength: str = Field(description="hit (a strong match) or possible_hit (to confirm)")
    decision: Decision = Field(description="what this match contributes to the overall decision")
    reason: str


class ScreeningResult(BaseModel):
    """The engine's answer: one decision, with everything needed to explain and reproduce it."""

    decision: Decision
    as_of: date
    ruleset: RulesetRef
    matches: list[Match] = Field(default_factory=list)
    near_misses: list[Match] = Field(default_factory=list)
    missing_information: list[str] = Field(default_factory=list)
    advisories: list[Advisory] = Field(default_factory=list)
    explanation: str
    checked_against: list[str] = Field(
        default_factory=list,
        description="ids of the instruments in force that concern this kind of deal",
    )
    party_matches: list[PartyMatch] = Field(
        default_factory=list, description="the party-list entries the deal's parties matched"
    )
