"""The rule base as a whole: stamped digest, changelog, citations and examples on both sides."""

from pathlib import Path

import pytest

from service.engine import load_ruleset
from service.engine.schema import Control

RULES = Path(__file__).resolve().parents[2] / "rules"
RULESET = load_ruleset(RULES)
CATEGORIES = sorted(RULESET.categories.values(), key=lambda pair: pair[1].id)


def test_rule_changes_come_with_a_version_bump():
    assert RULESET.recorded_digest == RULESET.digest, (
        "rule files changed: bump the version in rules/ruleset.yaml, add a rules/CHANGELOG.md "
        "entry, then run `screening rules stamp`"
    )


def test_changelog_records_the_current_version():
    changelog = (RULES / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {RULESET.version}" in changelog


@pytest.mark.parametrize("pair", CATEGORIES, ids=[c.id for _, c in CATEGORIES])
def test_category_is_citable(pair):
    instrument, category = pair
    assert instrument.number and instrument.title
    assert category.title and category.summary
    assert category.effective_from or instrument.effective or instrument.verified_on
    if category.control is not Control.not_controlled:
        assert category.item_number, "a controlled category names its item"


@pytest.mark.parametrize("pair", CATEGORIES, ids=[c.id for _, c in CATEGORIES])
def test_category_has_examples_on_both_sides(pair):
    _, category = pair
    assert len(category.examples.controlled) >= 2
    assert len(category.examples.not_controlled) >= 2
