"""Turns a category's rule-file examples into requests and judges the engine's answers to them."""

from dataclasses import dataclass

from service.engine import timeline
from service.engine.evaluate import CONTROL_DECISION
from service.engine.models import Decision, Engineer, ScreeningRequest, ScreeningResult
from service.engine.schema import Category, Control, ExampleCase, Instrument, TransactionType


@dataclass(frozen=True, slots=True)
class RuleExample:
    """One example of one category, ready to screen."""

    instrument: Instrument
    category: Category
    controlled: bool
    position: int
    request: ScreeningRequest

    @property
    def name(self) -> str:
        """A readable test id: instrument::category::side-n."""
        side = "controlled" if self.controlled else "not_controlled"
        return f"{self.instrument.id}::{self.category.id}::{side}-{self.position}"


def build_request(
    instrument: Instrument, category: Category, example: str | ExampleCase
) -> ScreeningRequest:
    """Fill an example's missing context with defaults that put the category in force."""
    case = ExampleCase(description=example) if isinstance(example, str) else example
    tx = case.transaction_type or category.applies_to[0]
    destination = case.destination_country or (
        category.destinations[0] if category.destinations else "DE"
    )
    engineer = None
    if tx is TransactionType.engineer_hire:
        fields = {"expertise": case.description, "work_country": destination} | (
            case.engineer or {}
        )
        engineer = Engineer(**fields)
    return ScreeningRequest(
        transaction_type=tx,
        description=case.description,
        parameters=case.parameters,
        hs_code=case.hs_code,
        origin_country=case.origin_country or "CN",
        destination_country=destination,
        military_end_use=(
            case.military_end_use
            if case.military_end_use is not None
            else category.military_end_use
        ),
        engineer=engineer,
        as_of=case.as_of or timeline.first_day_in_force(instrument, category),
    )


def verdict(example: RuleExample, result: ScreeningResult) -> str | None:
    """None when the engine's answer fits the example; otherwise what is wrong."""
    category = example.category
    own = [m for m in result.matches if m.category_id == category.id]
    if category.control is Control.not_controlled:
        if example.controlled and result.decision is Decision.allowed:
            return "a controlled near neighbour of this reference came out allowed"
        if not example.controlled and (result.decision is not Decision.allowed or not own):
            return "expected allowed with this reference matched"
        return None
    level = CONTROL_DECISION[category.control]
    # A category whose criteria were not retrieved answers unknown rather than guess its level.
    expected = Decision.unknown if category.unresolved else level
    if example.controlled and not any(m.decision is expected for m in own):
        return f"expected the category to contribute {expected.value}"
    if not example.controlled and any(m.decision is not Decision.allowed for m in own):
        return "the category contributed although the example is not controlled by it"
    return None
