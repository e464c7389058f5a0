"""Engine tests build small rule sets of their own, apart from the real rules.

The toy rule set is a folder of YAML files, `fixtures/toy/`, loaded through the real loader;
`toy_engine` screens against it and `screen` runs one request. Tests that need a variant take
`toy_files()` (the same files as plain data), change a field, and `write_ruleset` it to a
temporary folder.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.engine import Engine, ScreeningRequest, ScreeningResult, load_ruleset
from service.engine.loader import MANIFEST_NAME, RuleSet, read_yaml

TOY_RULES = Path(__file__).parent / "fixtures" / "toy"


def toy_files() -> dict[str, dict[str, Any]]:
    """The toy rule files as plain data, keyed by instrument id; a fresh copy on every call."""
    paths = sorted(p for p in TOY_RULES.glob("*.yaml") if p.name != MANIFEST_NAME)
    return {path.stem: read_yaml(path) for path in paths}


def write_ruleset(directory: Path, files: dict[str, dict[str, Any]]) -> RuleSet:
    """Write rule files and a manifest into `directory` and load them with the real loader."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = (TOY_RULES / MANIFEST_NAME).read_text(encoding="utf-8")
    (directory / MANIFEST_NAME).write_text(manifest, encoding="utf-8")
    for name, content in files.items():
        (directory / f"{name}.yaml").write_text(
            yaml.safe_dump(content, allow_unicode=True), encoding="utf-8"
        )
    return load_ruleset(directory)


@pytest.fixture(scope="session")
def toy_engine() -> Engine:
    """An engine over the toy rule set."""
    return Engine(load_ruleset(TOY_RULES))


@pytest.fixture
def screen(toy_engine: Engine) -> Callable[..., ScreeningResult]:
    """Screen a request given as keyword arguments against the toy rule set."""

    def run(**fields: Any) -> ScreeningResult:
        fields.setdefault("as_of", date(2026, 1, 15))
        return toy_engine.screen(ScreeningRequest(**fields))

    return run
