"""`screening rules validate` counts the party entries, per list and per file."""

import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from service.cli import app
from tests.conftest import RULES
from tests.engine.parties.test_lists import INTERNAL


def test_validate_prints_the_party_entries_per_list_and_per_file(tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("scenarios"))
    (rules / "parties" / "internal").mkdir()
    internal = rules / "parties" / "internal" / "ACME-BLOCKED.yaml"
    internal.write_text(yaml.safe_dump(INTERNAL), encoding="utf-8")
    result = CliRunner().invoke(app, ["rules", "validate", str(rules)])
    assert result.exit_code == 2, result.output  # valid, but the new file is not stamped
    lines = result.stdout.splitlines()
    assert lines[1] == (
        "party lists: 271 entries in 28 files (control_list 153, countermeasure_list 14, "
        "internal 1, unreliable_entity_list 63, watch_list 40)"
    )
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert rows["parties/UEL-2025-01-02.yaml"] == ["unreliable_entity_list", "5"]
    assert rows["parties/internal/ACME-BLOCKED.yaml"] == ["internal", "1"]
    assert len(rows) == 28
