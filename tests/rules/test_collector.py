"""The YAML collector: a broken rule file is one failing test, and a failing example says why.

The tests read one pytest run, in a subprocess, over copies of rules/, run by path as an author
would run them.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.config import PROJECT_DIR
from tests.rules.conftest import RULES

PART = "CN-TECH-CATALOGUE/3-rare-earths/restricted-1-mining.yaml"
WRONG = "Rare earth mining technology for ionic clay deposits"  # matches tc-re-mining fully


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _edit(path: Path, change: Callable[[Any], object]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One pytest run over two copies of rules/: one with a broken file, one with a bad example."""
    base = tmp_path_factory.mktemp("collector")
    broken = _copy_rules(base / "broken")
    _edit(broken / PART, lambda data: data[0].update(colour="red"))
    failing = _copy_rules(base / "failing")
    _edit(failing / PART, lambda data: data[0]["examples"]["not_controlled"].append(WRONG))
    env = os.environ | {"PYTHONPATH": str(PROJECT_DIR)}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfs"]
    folder = "rules/CN-TECH-CATALOGUE/3-rare-earths"
    command += [f"broken/{folder}", f"failing/{folder}"]
    done = subprocess.run(command, cwd=base, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    return done.stdout


def test_collection_never_errors(run: str) -> None:
    summary = run.strip().splitlines()[-1]
    assert "2 failed" in summary and "error" not in summary, summary


def test_a_broken_rule_file_is_one_failing_test(run: str) -> None:
    assert f"FAILED broken/rules/{PART}::CN-TECH-CATALOGUE::loads" in run
    assert "categories[0] (id=tc-re-mining).colour: Extra inputs are not permitted" in run
    assert "SKIPPED" in run and "the rule set does not load" in run


def test_a_failing_example_shows_expected_got_score_and_terms(run: str) -> None:
    name = f"failing/rules/{PART}::CN-TECH-CATALOGUE::tc-re-mining::not_controlled-3 {WRONG}"
    assert f"FAILED {name}" in run
    assert "_ CN-TECH-CATALOGUE::tc-re-mining::not_controlled-3 _" in run
    assert "expected:    tc-re-mining contributes nothing (allowed or no match)" in run
    got = "got:         approval-required; tc-re-mining matched: approval-required score 100.0"
    assert got in run
    assert "terms ['" in run
