"""Browsing the loaded rule set: API shapes for instruments, categories and parameters."""

from datetime import date

from pydantic import BaseModel, Field

from service.api.schemas.screenings import Page, PageQuery
from service.engine import timeline
from service.engine.coverage import items_encoded
from service.engine.evaluate import citation
from service.engine.loader import RuleSet
from service.engine.models import Citation
from service.engine.parameters import PARAMETERS
from service.engine.schema import (
    Category,
    Control,
    Encoded,
    ExampleCase,
    Instrument,
    ParameterCondition,
    Regime,
    StatusWindow,
    TransactionType,
    Trigger,
)

INSTRUMENT_ID = Field(description="instrument id", examples=["MOFCOM-GAC-2023-23"])


class CoverageOut(BaseModel):
    """How much of an instrument the rule set encodes, and what an officer should check."""

    encoded: Encoded = Field(description="complete or partial", examples=["partial"])
    items_encoded: int = Field(
        description="distinct list items encoded that restrict or prohibit", examples=[31]
    )
    items_in_force: int | None = Field(
        description="items the instrument lists today, where known", examples=[132]
    )
    applies_to: list[TransactionType] = Field(
        description="deals the whole instrument concerns (empty: those its categories apply to)"
    )
    missing: str | None = Field(description="what the rule set does not encode", examples=[None])
    check: str | None = Field(description="what to check instead", examples=[None])


class InstrumentOut(BaseModel):
    """A legal instrument encoded in the rule set."""

    id: str = INSTRUMENT_ID
    regime: Regime = Field(description="body of law it belongs to", examples=["dual_use"])
    issuer: str = Field(description="issuing authority", examples=["MOFCOM, GAC"])
    issuer_zh: str | None = Field(description="issuer in Chinese", examples=["商务部 海关总署"])
    number: str = Field(description="official number", examples=["MOFCOM/GAC 2023 No. 23"])
    title: str = Field(description="English title", examples=["Gallium and germanium items"])
    title_zh: str | None = Field(
        description="Chinese title", examples=["关于对镓、锗相关物项实施出口管制的公告"]
    )
    published: date | None = Field(description="publication day", examples=["2023-07-03"])
    effective: date | None = Field(description="first day in force", examples=["2023-08-01"])
    repealed: date | None = Field(description="first day no longer in force", examples=[None])
    verified_on: date = Field(
        description="day the research last checked it", examples=["2026-02-15"]
    )
    url: str | None = Field(description="official text", examples=["https://www.mofcom.gov.cn/"])
    extraterritorial: bool = Field(description="applies to exports from outside China too")
    windows: list[StatusWindow] = Field(description="suspensions of the whole instrument")
    also_cited: list[str] = Field(description="related instruments cited with it")
    confidence: str = Field(description="high or low: how sure the research is", examples=["high"])
    summary: str = Field(description="what it does, in one sentence")
    category_count: int = Field(description="how many categories it encodes", examples=[12])
    coverage: CoverageOut = Field(description="what of the instrument is encoded")


class CategorySummary(BaseModel):
    """A category in a list."""

    id: str = Field(description="category id", examples=["ga-gallium-arsenide"])
    instrument_id: str = INSTRUMENT_ID
    item_number: str | None = Field(description="catalogue or list number", examples=["3C001"])
    title: str = Field(description="English item title", examples=["Gallium arsenide"])
    title_zh: str | None = Field(description="Chinese item title", examples=["砷化镓"])
    control: Control = Field(description="prohibited, restricted or not_controlled")
    applies_to: list[TransactionType] = Field(description="transaction types it covers")
    effective_from: date | None = Field(description="first day it applies", examples=["2023-08-01"])
    effective_to: date | None = Field(description="last day in force, inclusive", examples=[None])
    summary: str = Field(description="what it controls, in one sentence")


class CategoryExamples(BaseModel):
    """The category's own test cases."""

    controlled: list[ExampleCase] = Field(description="deals the category must catch")
    not_controlled: list[ExampleCase] = Field(description="near neighbours it must let through")


class CategoryDetail(CategorySummary):
    """Everything the engine knows about one category."""

    terms: list[str] = Field(description="English names, synonyms, trade names")
    terms_zh: list[str] = Field(description="Chinese names")
    not_terms: list[str] = Field(description="exclusion terms that lower or veto a match")
    hs_codes: list[str] = Field(description="customs codes", examples=[["2853909026"]])
    parameters: list[ParameterCondition] = Field(description="control thresholds")
    parameters_match: str = Field(description="all or any of the thresholds", examples=["all"])
    destinations: list[str] | None = Field(description="destinations covered; null means all")
    military_end_use: bool | None = Field(description="true: only military users or uses")
    triggered_by: Trigger | None = Field(description="set for overlays on other categories")
    windows: list[StatusWindow] = Field(description="suspensions, instrument's and its own")
    first_day_in_force: date | None = Field(description="earliest day it is in force")
    unresolved: str | None = Field(description="what research could not retrieve")
    advisory: str | None = Field(description="said whenever it applies")
    confidence: str = Field(description="high or low", examples=["high"])
    confidence_note: str | None = Field(description="why confidence is low")
    citation: Citation = Field(description="where the category rests in the legal text")
    examples: CategoryExamples = Field(description="controlled and not-controlled examples")


class CategoryPage(Page[CategorySummary]):
    """A page of categories, ordered by instrument and id."""


class CategoryFilter(PageQuery):
    """Which categories to list."""

    q: str | None = Field(
        default=None,
        max_length=200,
        description="words that must all appear in the id, number, titles, terms or summary",
        examples=["gallium"],
    )
    instrument: str | None = Field(default=None, description="only this instrument id")
    control: Control | None = Field(default=None, description="only this control level")
    transaction_type: TransactionType | None = Field(
        default=None, description="only categories applying to this kind of deal"
    )


class ParameterOut(BaseModel):
    """A canonical control parameter callers may send."""

    name: str = Field(description="canonical name", examples=["cell_energy_density_wh_kg"])
    unit: str = Field(description="unit the value is in", examples=["Wh/kg"])
    description: str = Field(description="what it measures")
    minimum: float = Field(description="smallest accepted value", examples=[0])
    maximum: float | None = Field(description="largest accepted value", examples=[None])
    used_by: list[str] = Field(description="ids of the categories that test it")


def instruments(ruleset: RuleSet) -> list[InstrumentOut]:
    """Every instrument, ordered by id."""
    counts: dict[str, int] = {}
    for instrument, _ in ruleset.categories.values():
        counts[instrument.id] = counts.get(instrument.id, 0) + 1
    fields = set(InstrumentOut.model_fields) - {"category_count", "coverage"}
    return [
        InstrumentOut(
            **instrument.model_dump(include=fields),
            category_count=counts.get(iid, 0),
            coverage=CoverageOut(
                **instrument.coverage.model_dump(), items_encoded=items_encoded(ruleset, iid)
            ),
        )
        for iid, instrument in sorted(ruleset.instruments.items())
    ]


def summarise(instrument: Instrument, category: Category) -> CategorySummary:
    """The list view of a category."""
    return CategorySummary(**_summary_fields(instrument, category))


def _summary_fields(instrument: Instrument, category: Category) -> dict:
    return {
        "id": category.id,
        "instrument_id": instrument.id,
        "item_number": category.item_number,
        "title": category.title,
        "title_zh": category.title_zh,
        "control": category.control,
        "applies_to": category.applies_to,
        "effective_from": timeline.start_of(instrument, category),
        "effective_to": category.effective_to,
        "summary": category.summary,
    }


def detail(instrument: Instrument, category: Category) -> CategoryDetail:
    """The full view of a category, with citation, windows and examples."""
    return CategoryDetail(
        **_summary_fields(instrument, category),
        terms=category.terms,
        terms_zh=category.terms_zh,
        not_terms=category.not_terms,
        hs_codes=category.hs_codes,
        parameters=category.parameters,
        parameters_match=category.parameters_match,
        destinations=category.destinations,
        military_end_use=category.military_end_use,
        triggered_by=category.triggered_by,
        windows=timeline.windows_of(instrument, category),
        first_day_in_force=timeline.first_day_in_force(instrument, category),
        unresolved=category.unresolved,
        advisory=category.advisory,
        confidence=category.confidence.value,
        confidence_note=category.confidence_note,
        citation=citation(instrument, category),
        examples=CategoryExamples(
            controlled=[_case(e) for e in category.examples.controlled],
            not_controlled=[_case(e) for e in category.examples.not_controlled],
        ),
    )


def _case(example: str | ExampleCase) -> ExampleCase:
    return ExampleCase(description=example) if isinstance(example, str) else example


def parameters(ruleset: RuleSet) -> list[ParameterOut]:
    """The canonical parameters in name order, with the categories that use each."""
    users: dict[str, list[str]] = {name: [] for name in PARAMETERS}
    for cid, (_, category) in sorted(ruleset.categories.items()):
        for condition in category.parameters:
            users[condition.name].append(cid)
    return [
        ParameterOut(
            name=spec.name,
            unit=spec.unit,
            description=spec.description,
            minimum=spec.minimum,
            maximum=spec.maximum,
            used_by=sorted(set(users[name])),
        )
        for name, spec in sorted(PARAMETERS.items())
    ]
