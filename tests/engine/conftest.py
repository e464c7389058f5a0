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
from service.engine.evaluate import Context
from service.engine.loader import MANIFEST_NAME, RuleSet, read_yaml
from service.engine.schema import Category, Instrument

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


def context(day: date, **fields: Any) -> Context:
    """The facts a category is judged against, for a request given as keyword arguments.

    Defaults: a material export of 'test goods' from China; pass `destination_country`,
    `military_end_use`, `transaction_type` and the rest as a request would carry them.
    """
    fields.setdefault("transaction_type", "material_export")
    fields.setdefault("description", "test goods")
    request = ScreeningRequest(**fields)
    return Context(
        request=request,
        day=day,
        destination=request.destination_country,
        origin=request.origin_country,
        work_in_china=False,
        values=dict(request.parameters),
        read_from_text=frozenset(),
    )


@pytest.fixture(scope="session")
def toy_ruleset() -> RuleSet:
    """The toy rule set, loaded once."""
    return load_ruleset(TOY_RULES)


@pytest.fixture(scope="session")
def toy_category(toy_ruleset: RuleSet) -> Callable[[str], tuple[Instrument, Category]]:
    """Look up a toy category and its instrument by category id."""
    return toy_ruleset.categories.__getitem__


@pytest.fixture(scope="session")
def toy_engine(toy_ruleset: RuleSet) -> Engine:
    """An engine over the toy rule set."""
    return Engine(toy_ruleset)


@pytest.fixture
def screen(toy_engine: Engine) -> Callable[..., ScreeningResult]:
    """Screen a request given as keyword arguments against the toy rule set."""

    def run(**fields: Any) -> ScreeningResult:
        fields.setdefault("as_of", date(2026, 1, 15))
        return toy_engine.screen(ScreeningRequest(**fields))

    return run
