"""The shared development cases (../shared/eval/dev-cases.yaml), screened when that file exists.

Our own scenarios in rules/scenarios/ are collected from the YAML by tests/rules/collector.py.
"""

from typing import Any

import pytest
import yaml

from service.config import PROJECT_DIR
from service.engine import Engine
from tests.rules.collector import check_scenario, short

DEV_CASES = PROJECT_DIR.parent / "shared" / "eval" / "dev-cases.yaml"


def _dev_cases() -> list[Any]:
    """One param per case; a skipped or failing placeholder when the file is absent or broken."""
    if not DEV_CASES.is_file():
        reason = f"{DEV_CASES} is absent (it lives outside the repository)"
        return [pytest.param(None, id="dev-cases", marks=pytest.mark.skip(reason=reason))]
    try:
        cases = yaml.safe_load(DEV_CASES.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return [pytest.param({"error": f"{DEV_CASES}: {exc}"}, id="dev-cases")]
    if not isinstance(cases, list) or not all(isinstance(c, dict) and "id" in c for c in cases):
        problem = f"{DEV_CASES}: not a list of cases with ids"
        return [pytest.param({"error": problem}, id="dev-cases")]
    return [
        pytest.param(case, id=f"dev-cases::{case['id']} {short(case.get('note') or '')}".strip())
        for case in cases
    ]


@pytest.mark.parametrize("case", _dev_cases())
def test_dev_case(case: dict[str, Any], rules_engine: Engine) -> None:
    if "error" in case:
        pytest.fail(case["error"], pytrace=False)
    check_scenario(rules_engine, case)
