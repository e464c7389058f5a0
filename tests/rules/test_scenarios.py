"""Labelled scenarios (ours in rules/scenarios/ and the shared development cases), screened."""

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from service.engine import Engine, ScreeningRequest, load_ruleset

ROOT = Path(__file__).resolve().parents[2]
ENGINE = Engine(load_ruleset(ROOT / "rules"))
# A fixed "today" keeps scenarios without as_of reproducible.
TODAY = date(2026, 11, 28)
SOURCES = sorted((ROOT / "rules" / "scenarios").glob("*.yaml")) + [
    p for p in [ROOT.parent / "shared" / "eval" / "dev-cases.yaml"] if p.is_file()
]


def _cases() -> list[tuple[str, dict]]:
    found = []
    for path in SOURCES:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            found.append((f"{path.stem}::{case['id']}", case))
    return found


CASES = _cases()


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[name for name, _ in CASES])
def test_scenario(case: dict) -> None:
    result = ENGINE.screen(ScreeningRequest.model_validate(case["request"]), today=TODAY)
    accepted = {case["expect"], *case.get("accept", [])}
    shown = [(m.category_id, m.decision.value, m.score, m.matched_terms) for m in result.matches]
    context = (
        f"{case.get('note', '')}\n  matches: {shown}\n  near misses: "
        f"{[(m.category_id, m.score) for m in result.near_misses]}\n"
        f"  missing: {result.missing_information}\n  explanation: {result.explanation}"
    )
    assert result.decision.value in accepted, f"got {result.decision.value}; {context}"
    wanted = case.get("instruments")
    if wanted and result.decision.value in ("prohibited", "approval-required"):
        cited = json.dumps([m.model_dump(mode="json") for m in result.matches])
        assert any(i in cited for i in wanted), f"none of {wanted} cited; {context}"
    if result.decision.value == "unknown":
        assert result.missing_information, "an unknown answer must say what is missing"
