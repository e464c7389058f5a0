"""The rule-file schema: what one YAML file per legal instrument may contain, strictly."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from service.engine.parameters import PARAMETERS

ID_PATTERN = r"^[A-Z0-9][A-Z0-9-]*[A-Z0-9]$"
CATEGORY_ID_PATTERN = r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"


class Strict(BaseModel):
    """Base for every rule-file model: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TransactionType(StrEnum):
    """The four kinds of deal the service screens."""

    technology_transfer = "technology_transfer"
    equipment_sale = "equipment_sale"
    material_export = "material_export"
    engineer_hire = "engineer_hire"


class Control(StrEnum):
    """What a category says about the items it describes."""

    prohibited = "prohibited"
    restricted = "restricted"
    not_controlled = "not_controlled"


class Regime(StrEnum):
    """Which body of law an instrument belongs to; overlays act on other regimes' matches."""

    technology_catalogue = "technology_catalogue"
    dual_use = "dual_use"
    legal_basis = "legal_basis"
    overlay = "overlay"
    reference = "reference"
    informal = "informal"


class Confidence(StrEnum):
    """How sure the research is of an encoded fact."""

    high = "high"
    low = "low"


class Operator(StrEnum):
    """Comparison between a given value and a threshold."""

    ge = ">="
    gt = ">"
    le = "<="
    lt = "<"


class StatusWindow(Strict):
    """A period in which an instrument or category stays on the books but is not applied."""

    kind: Literal["suspended"] = "suspended"
    start: date = Field(description="first day not applied")
    end: date = Field(description="last day not applied, as the suspending text words it")
    end_day_unclear: bool = Field(
        default=False,
        description="the text says 'until <end>' without saying whether the end day is included",
    )
    by: str = Field(description="the instrument that ordered the suspension")
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "StatusWindow":
        if self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")
        return self


class Ceiling(Strict):
    """A value a parameter cannot exceed when the description names what bounds it.

    E.g. a cell whose chemistry is named as LFP cannot reach 300 Wh/kg, so a screening need not
    ask for its energy density. Applies only when no value was given or read from the text, and
    not when the description also names one of `unless_terms` (another chemistry, say).
    """

    terms: list[str] = Field(default_factory=list)
    terms_zh: list[str] = Field(default_factory=list)
    unless_terms: list[str] = Field(default_factory=list)
    at_most: float
    reason: str = Field(description="why the value cannot be higher, shown in the answer")

    @model_validator(mode="after")
    def _has_terms(self) -> "Ceiling":
        if not (self.terms or self.terms_zh):
            raise ValueError("a ceiling needs terms or terms_zh naming what bounds the value")
        return self


class ParameterCondition(Strict):
    """One threshold on a canonical parameter, e.g. cell energy density >= 300 Wh/kg."""

    name: str
    operator: Operator
    threshold: float
    unit: str
    note: str | None = Field(default=None, description="test conditions, e.g. 'at 220 MPa'")
    confidence: Confidence = Confidence.high
    ceilings: list[Ceiling] = Field(default_factory=list)

    @model_validator(mode="after")
    def _canonical(self) -> "ParameterCondition":
        spec = PARAMETERS.get(self.name)
        if spec is None:
            raise ValueError(
                f"unknown parameter {self.name!r}; canonical names: {', '.join(sorted(PARAMETERS))}"
            )
        if spec.unit != self.unit:
            raise ValueError(f"parameter {self.name!r} is in {spec.unit!r}, not {self.unit!r}")
        return self

    @model_validator(mode="after")
    def _ceilings_decide(self) -> "ParameterCondition":
        """A ceiling must settle the threshold, or it would only hide a missing value."""
        for ceiling in self.ceilings:
            if self.operator not in (Operator.ge, Operator.gt):
                raise ValueError("ceilings only make sense on '>=' or '>' thresholds")
            if ceiling.at_most >= self.threshold:
                raise ValueError(f"ceiling {ceiling.at_most:g} does not fall below the threshold")
        return self


class Trigger(Strict):
    """Makes a category an overlay: it applies when another category in these groups applies."""

    regimes: list[Regime] = Field(default_factory=list)
    instruments: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> "Trigger":
        if not (self.regimes or self.instruments or self.categories):
            raise ValueError("triggered_by needs at least one of regimes, instruments, categories")
        return self


class ExampleCase(Strict):
    """A rule example with the context it needs; a bare string is the description alone."""

    description: str
    transaction_type: TransactionType | None = None
    as_of: date | None = None
    destination_country: Annotated[str, Field(pattern=COUNTRY_PATTERN)] | None = None
    origin_country: Annotated[str, Field(pattern=COUNTRY_PATTERN)] | None = None
    military_end_use: bool | None = None
    hs_code: str | None = None
    parameters: dict[str, float] = Field(default_factory=dict)
    engineer: dict[str, str] | None = None


Example = str | ExampleCase


class Examples(Strict):
    """A category's own unit tests: descriptions that must and must not be caught by it."""

    controlled: list[Example] = Field(default_factory=list)
    not_controlled: list[Example] = Field(default_factory=list)


class Category(Strict):
    """One catalogue point, list item or reference entry, with everything needed to match it."""

    id: Annotated[str, Field(pattern=CATEGORY_ID_PATTERN)]
    item_number: str | None = None
    title: str
    title_zh: str | None = None
    control: Control
    applies_to: list[TransactionType] = Field(min_length=1)
    terms: list[str] = Field(default_factory=list)
    terms_zh: list[str] = Field(default_factory=list)
    not_terms: list[str] = Field(default_factory=list)
    hs_codes: list[Annotated[str, Field(pattern=r"^[0-9]{4,10}$")]] = Field(default_factory=list)
    parameters: list[ParameterCondition] = Field(default_factory=list)
    parameters_match: Literal["all", "any"] = "all"
    unresolved: str | None = Field(
        default=None,
        description="what the research could not retrieve; a match then yields unknown",
    )
    destinations: list[Annotated[str, Field(pattern=COUNTRY_PATTERN)]] | None = None
    military_end_use: bool | None = Field(
        default=None, description="true: applies only to military users or uses"
    )
    triggered_by: Trigger | None = None
    effective_from: date | None = None
    effective_to: date | None = Field(default=None, description="last day in force, inclusive")
    windows: list[StatusWindow] = Field(default_factory=list)
    also_cited: list[str] = Field(default_factory=list)
    confidence: Confidence = Confidence.high
    confidence_note: str | None = None
    advisory: str | None = Field(default=None, description="said whenever the category applies")
    match_threshold: float | None = None
    review_threshold: float | None = None
    summary: str
    examples: Examples = Field(default_factory=Examples)

    @field_validator("terms", "terms_zh", "not_terms")
    @classmethod
    def _no_blank_terms(cls, terms: list[str]) -> list[str]:
        for term in terms:
            if not term.strip():
                raise ValueError("blank term")
        return terms

    @model_validator(mode="after")
    def _consistent(self) -> "Category":
        if not (self.terms or self.terms_zh or self.hs_codes or self.triggered_by):
            raise ValueError("a category needs terms, terms_zh, hs_codes or triggered_by")
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        if self.low_confidence_without_note():
            raise ValueError("confidence: low needs a confidence_note saying what is uncertain")
        return self

    def low_confidence_without_note(self) -> bool:
        """True when the category is marked uncertain but does not say why."""
        return self.confidence is Confidence.low and not self.confidence_note


class Encoded(StrEnum):
    """How much of an instrument's item list the rule files hold."""

    complete = "complete"
    partial = "partial"


class Coverage(Strict):
    """What an instrument's rule files encode of it, and what is known to be missing."""

    encoded: Encoded
    items_in_force: int | None = Field(
        default=None, ge=0, description="items the instrument lists today, where known"
    )
    applies_to: list[TransactionType] = Field(
        default_factory=list,
        description="deals the whole instrument concerns; empty: those its categories apply to",
    )
    missing: str | None = Field(default=None, description="what the research could not encode")
    check: str | None = Field(default=None, description="what an officer should check instead")

    @model_validator(mode="after")
    def _gap_is_named(self) -> "Coverage":
        if self.encoded is Encoded.partial and not (self.missing and self.check):
            raise ValueError("partial coverage needs `missing` and `check`")
        return self


class DomainNet(Strict):
    """Words that place a description in a controlled domain when no category matched."""

    name: str
    coverage_gap: bool = Field(
        default=False,
        description="true: the domain holds items the research could not identify",
    )
    terms: list[str] = Field(default_factory=list)
    terms_zh: list[str] = Field(default_factory=list)
    applies_to: list[TransactionType] = Field(default_factory=lambda: list(TransactionType))
    ask: str = Field(description="what the caller should add so the engine can decide")


class InformalMeasure(Strict):
    """A reported practice that is not law: surfaced as an advisory, never a decision."""

    id: Annotated[str, Field(pattern=CATEGORY_ID_PATTERN)]
    title: str
    message: str
    source: str
    reported: date
    confidence: Confidence = Confidence.low
    applies_to: list[TransactionType] = Field(min_length=1)
    destinations: list[Annotated[str, Field(pattern=COUNTRY_PATTERN)]] | None = None
    terms: list[str] = Field(default_factory=list)
    terms_zh: list[str] = Field(default_factory=list)


class Instrument(Strict):
    """A legal instrument (or reference list) and the facts needed to cite it."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    regime: Regime
    issuer: str
    issuer_zh: str | None = None
    number: str
    title: str
    title_zh: str | None = None
    published: date | None = None
    effective: date | None = None
    repealed: date | None = Field(default=None, description="first day no longer in force")
    verified_on: date
    url: str | None = None
    sources: list[str] = Field(default_factory=list)
    extraterritorial: bool = False
    windows: list[StatusWindow] = Field(default_factory=list)
    also_cited: list[str] = Field(default_factory=list)
    confidence: Confidence = Confidence.high
    confidence_note: str | None = None
    summary: str
    coverage: Coverage


class RuleFile(Strict):
    """The whole content of one file under rules/: an instrument and what it encodes."""

    instrument: Instrument
    categories: list[Category] = Field(default_factory=list)
    domains: list[DomainNet] = Field(default_factory=list)
    informal_measures: list[InformalMeasure] = Field(default_factory=list)


class PartyThresholds(Strict):
    """Name-matching thresholds for party screening (rules/ruleset.yaml, `parties:`)."""

    match_threshold: float = Field(default=90.0, ge=0, le=100, description="a hit")
    review_threshold: float = Field(default=80.0, ge=0, le=100, description="a possible hit")
    country_bonus: float = Field(default=5.0, ge=0, le=20, description="same country as listed")
    exact_below: int = Field(
        default=4, ge=1, description="names shorter than this (normalised) must match exactly"
    )
    lookup_threshold: float = Field(
        default=70.0, ge=0, le=100, description="the least score GET /v1/parties?q= lists"
    )


class Manifest(Strict):
    """rules/ruleset.yaml: the rule-set version, its recorded digest and matching thresholds."""

    version: str
    digest: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    match_threshold: float = Field(default=85.0, ge=0, le=100)
    review_threshold: float = Field(default=60.0, ge=0, le=100)
    parties: PartyThresholds = Field(default_factory=PartyThresholds)
