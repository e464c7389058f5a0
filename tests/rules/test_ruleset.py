"""The rule base as a whole: it loads, its digest is stamped, its version is in the changelog.

Each category's citation and examples are checked by the YAML collector (`::citable` items).
"""

from service.engine import RuleSet
from tests.rules.collector import LoadedRules
from tests.rules.conftest import RULES


def test_the_rule_set_loads(rules: LoadedRules) -> None:
    assert rules.error is None, rules.error


def test_rule_changes_come_with_a_version_bump(ruleset: RuleSet) -> None:
    assert ruleset.recorded_digest == ruleset.digest, (
        "rule files changed: bump the version in rules/ruleset.yaml, add a rules/CHANGELOG.md "
        "entry, then run `screening rules stamp`"
    )


def test_changelog_records_the_current_version(ruleset: RuleSet) -> None:
    changelog = (RULES / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {ruleset.version}" in changelog
