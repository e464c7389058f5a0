"""The party files load, are strict, are digested and let an organisation add its own list."""

from pathlib import Path

import pytest
import yaml

from service.engine import load_ruleset
from service.engine.errors import RuleSetError
from service.engine.loader import RuleSet
from service.engine.parties.schema import PartyList

INTERNAL = {
    "announcement": {
        "id": "ACME-BLOCKED",
        "list": "internal",
        "issuer": "ACME compliance",
        "title": "ACME blocked parties",
        "published": "2026-01-01",
        "verified_on": "2026-11-01",
        "measures": ["all_trade_ban"],
        "summary": "Parties ACME does not trade with.",
    },
    "entries": [{"id": "acme.widget-brokers", "name": "Widget Brokers Ltd", "country": "GB"}],
}


def _by_list(ruleset: RuleSet) -> dict[PartyList, int]:
    counts: dict[PartyList, int] = {}
    for party_file in ruleset.parties.values():
        kind = party_file.announcement.list
        counts[kind] = counts.get(kind, 0) + len(party_file.entries)
    return counts


def test_every_designation_the_research_confirms_is_loaded(engine):
    assert _by_list(engine.ruleset) == {
        PartyList.control_list: 153,
        PartyList.watch_list: 40,
        PartyList.unreliable_entity_list: 63,
        PartyList.countermeasure_list: 14,
    }


def test_an_internal_list_loads_without_code_changes_and_changes_the_digest(rules_copy: Path):
    before = load_ruleset(rules_copy).digest
    (rules_copy / "parties" / "internal").mkdir()
    path = rules_copy / "parties" / "internal" / "ACME-BLOCKED.yaml"
    path.write_text(yaml.safe_dump(INTERNAL), encoding="utf-8")
    ruleset = load_ruleset(rules_copy)
    assert _by_list(ruleset)[PartyList.internal] == 1
    assert ruleset.digest != before


def test_an_unknown_field_names_the_file_and_field(rules_copy: Path):
    bad = {**INTERNAL, "entries": [{**INTERNAL["entries"][0], "nmae": "typo"}]}
    (rules_copy / "parties" / "ACME-BLOCKED.yaml").write_text(yaml.safe_dump(bad))
    with pytest.raises(RuleSetError, match=r"parties/ACME-BLOCKED.yaml: entries\[0\].*nmae"):
        load_ruleset(rules_copy)


def test_an_entry_id_used_twice_is_an_error(rules_copy: Path):
    twice = {**INTERNAL, "entries": INTERNAL["entries"] * 2}
    (rules_copy / "parties" / "ACME-BLOCKED.yaml").write_text(yaml.safe_dump(twice))
    with pytest.raises(RuleSetError, match="acme.widget-brokers"):
        load_ruleset(rules_copy)


def test_a_measure_outside_the_vocabulary_is_an_error(rules_copy: Path):
    bad = {**INTERNAL, "announcement": {**INTERNAL["announcement"], "measures": ["banned"]}}
    (rules_copy / "parties" / "ACME-BLOCKED.yaml").write_text(yaml.safe_dump(bad))
    with pytest.raises(RuleSetError, match="measures"):
        load_ruleset(rules_copy)
