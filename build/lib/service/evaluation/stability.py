"""Screens every controlled rule example in perturbed forms and counts what changed."""

from collections import Counter
from dataclasses import dataclass, field

from service.engine import Engine
from service.engine.examples import build_request
from service.engine.models import Decision, ScreeningRequest
from service.evaluation.perturb import variants


@dataclass(frozen=True, slots=True)
class Slip:
    """A perturbed controlled example that came out `allowed`."""

    category_id: str
    kind: str
    original: str
    perturbed: str


@dataclass(slots=True)
class StabilityReport:
    """How often a perturbed controlled example kept its decision, per kind of perturbation."""

    screened: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    slips: list[Slip] = field(default_factory=list)

    def rate(self, kind: str) -> float:
        """Share of the kind's perturbed examples whose decision stayed the same."""
        return self.unchanged[kind] / self.screened[kind] if self.screened[kind] else 1.0


def controlled_examples(engine: Engine) -> list[tuple[str, ScreeningRequest]]:
    """Every `controlled` example, as requests: a reference's are its controlled neighbours."""
    found = []
    for instrument, category in engine.ruleset.categories.values():
        for case in category.examples.controlled:
            found.append((category.id, build_request(instrument, category, case)))
    return found


def perturbation_stability(engine: Engine) -> StabilityReport:
    """Screen each controlled example's variants; a variant answered `allowed` is a slip."""
    report = StabilityReport()
    for category_id, request in controlled_examples(engine):
        original = engine.screen(request).decision
        if original is Decision.allowed:
            continue
        for variant in variants(request.description):
            perturbed = _with_description(request, variant.description)
            decision = engine.screen(perturbed).decision
            report.screened[variant.kind] += 1
            report.unchanged[variant.kind] += decision is original
            if decision is Decision.allowed:
                report.slips.append(
                    Slip(category_id, variant.kind, request.description, variant.description)
                )
    return report


def _with_description(request: ScreeningRequest, description: str) -> ScreeningRequest:
    engineer = request.engineer
    if engineer is not None and engineer.expertise == request.description:
        engineer = engineer.model_copy(update={"expertise": description})
    return request.model_copy(update={"description": description, "engineer": engineer})
