"""The rules a Spark executor screens with: built once a process, refused when they differ."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.adapters.spark.rules import RulesMismatch, checked_ruleset, engine_for
from service.cli import app
from tests.conftest import RULES
from tests.runtime.rules_edit import ban_gallium_arsenide, copy_rules


def test_an_executor_builds_its_engine_once_per_rules_folder_and_digest():
    digest = checked_ruleset(RULES).digest
    assert engine_for(str(RULES), digest) is engine_for(str(RULES), digest)


def test_an_executor_whose_rules_differ_from_the_driver_s_refuses(tmp_path: Path):
    stamped = copy_rules(tmp_path / "rules")
    ban_gallium_arsenide(stamped)  # a different rule set, properly stamped
    assert CliRunner().invoke(app, ["rules", "stamp", str(stamped)]).exit_code == 0
    with pytest.raises(RulesMismatch, match="ship the same rules folder to every node"):
        engine_for(str(stamped), checked_ruleset(RULES).digest)
