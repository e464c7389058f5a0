"""Every example in every rule file is screened as its own test: the rules' own unit tests."""

from pathlib import Path

import pytest

from service.engine import Engine, load_ruleset
from service.engine.examples import RuleExample, build_request, verdict

RULES = Path(__file__).resolve().parents[2] / "rules"
RULESET = load_ruleset(RULES)
ENGINE = Engine(RULESET)


def _examples() -> list[RuleExample]:
    found = []
    for instrument, category in RULESET.categories.values():
        for controlled, cases in (
            (True, category.examples.controlled),
            (False, category.examples.not_controlled),
        ):
            for position, case in enumerate(cases, start=1):
                request = build_request(instrument, category, case)
                found.append(RuleExample(instrument, category, controlled, position, request))
    return found


EXAMPLES = _examples()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_rule_example(example: RuleExample) -> None:
    result = ENGINE.screen(example.request)
    problem = verdict(example, result)
    shown = [(m.category_id, m.decision.value, m.score, m.matched_terms) for m in result.matches]
    near = [(m.category_id, m.score, m.matched_terms) for m in result.near_misses]
    assert problem is None, (
        f"{problem}\n  request: {example.request.model_dump(exclude_none=True)}\n"
        f"  decision: {result.decision}\n  matches: {shown}\n  near misses: {near}\n"
        f"  explanation: {result.explanation}"
    )
