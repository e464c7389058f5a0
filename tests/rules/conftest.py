"""Fixture strategy: the real rules/ folder, loaded and built into an Engine once per session.

The same session cache serves the YAML collector (tests/rules/collector.py, which runs the rule
files' examples and rules/scenarios/ by path), so nothing here loads the rules at import time: a
broken rule file fails the tests that need the rule set instead of stopping collection.
"""

import pytest

from service.config import PROJECT_DIR
from service.engine import Engine, RuleSet
from tests.rules.collector import LoadedRules, loaded_rules

RULES = PROJECT_DIR / "rules"


@pytest.fixture(scope="session")
def rules(pytestconfig: pytest.Config) -> LoadedRules:
    """The real rule set and engine, or the loader's error."""
    return loaded_rules(pytestconfig, RULES)


@pytest.fixture(scope="session")
def ruleset(rules: LoadedRules) -> RuleSet:
    """The real rule set; a test using it fails with the loader's message if it does not load."""
    if rules.ruleset is None:
        pytest.fail(f"the rule set does not load:\n{rules.error}", pytrace=False)
    return rules.ruleset


@pytest.fixture(scope="session")
def rules_engine(rules: LoadedRules, ruleset: RuleSet) -> Engine:
    """The engine over the real rule set, built once."""
    assert rules.engine is not None
    return rules.engine
