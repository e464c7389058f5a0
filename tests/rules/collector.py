"""A pytest collector for rules/: every YAML file's examples and scenarios become test items.

`rules/conftest.py` imports the hook, so `pytest rules/CN-TECH-CATALOGUE`, `pytest
rules/MOFCOM-GAC-2023-23.yaml` or `pytest rules/scenarios/boundaries.yaml` run just those.
The tree of nodes, openfisca-style (YamlFile, YamlItem), is

    <file>::<instrument>::loads                      the file loads into the rule set
    <file>::<instrument>::<category>::citable        cited, with two examples on each side
    <file>::<instrument>::<category>::<side>-<n> <example text>
    rules/scenarios/<topic>.yaml::<id> <note or description>

Collection only reads each file's YAML, so a broken rule file is one failing `loads` item, never
a collection error. The rule set is loaded and the Engine built once per session, on first use.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from service.engine import Engine, RuleSet, RuleSetError, ScreeningRequest, load_ruleset
from service.engine.evaluate import CONTROL_DECISION
from service.engine.examples import RuleExample, build_request, verdict
from service.engine.loader import MANIFEST_NAME, read_yaml
from service.engine.models import Decision, Match, ScreeningResult
from service.engine.schema import ID_PATTERN, Control

SCENARIOS = "scenarios"
# A fixed "today" keeps scenarios without as_of reproducible.
SCENARIO_TODAY = date(2026, 11, 28)
NAME_CHARS = 60


@dataclass(frozen=True)
class LoadedRules:
    """One rules folder, loaded once per session: the rule set and its engine, or the error."""

    ruleset: RuleSet | None
    engine: Engine | None
    error: str | None


_LOADED = pytest.StashKey[dict[Path, LoadedRules]]()


def loaded_rules(config: pytest.Config, root: Path) -> LoadedRules:
    """The rules folder at `root`, loaded and built into an Engine at most once per session."""
    cache = config.stash.setdefault(_LOADED, {})
    root = root.resolve()
    if root not in cache:
        try:
            ruleset = load_ruleset(root)
            cache[root] = LoadedRules(ruleset, Engine(ruleset), None)
        except RuleSetError as exc:
            cache[root] = LoadedRules(None, None, exc.message)
    return cache[root]


def rules_root(path: Path) -> Path | None:
    """The nearest folder at or above `path` that holds ruleset.yaml."""
    for folder in path.parents:
        if (folder / MANIFEST_NAME).is_file():
            return folder
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect every YAML file under a rules folder except the manifest."""
    if file_path.suffix != ".yaml" or file_path.name == MANIFEST_NAME:
        return None
    root = rules_root(file_path)
    if root is None:
        return None
    top = file_path.relative_to(root).parts
    if len(top) > 1 and top[0] != SCENARIOS and not re.match(ID_PATTERN, top[0]):
        return None  # not an instrument folder: the loader does not read it either
    return RulesFile.from_parent(parent, path=file_path, root=root)


def short(text: str) -> str:
    """A one-line, bounded piece of text that is safe inside a pytest node id."""
    flat = " ".join(str(text).split()).replace("::", ":").replace("[", "(").replace("]", ")")
    return flat if len(flat) <= NAME_CHARS else flat[: NAME_CHARS - 3] + "..."


class RulesFile(pytest.File):
    """One YAML file under rules/: an instrument, one file of an instrument folder, or scenarios."""

    def __init__(self, *, root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.root = root
        self.label = self.path.relative_to(root).as_posix()

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        """Scenarios become items; an instrument file becomes its instrument's node."""
        try:
            data = read_yaml(self.path, self.label)
        except RuleSetError as exc:
            data, error = None, exc.message
        else:
            error = None
        if self.label.startswith(f"{SCENARIOS}/"):
            if error is not None or not isinstance(data, list):
                problem = error or f"{self.label}: expected a list of scenarios"
                yield Broken.from_parent(self, name="loads", problem=problem)
                return
            for position, case in enumerate(data, start=1):
                if not isinstance(case, dict) or "id" not in case:
                    problem = f"{self.label}: scenario {position} is not a mapping with an id"
                    yield Broken.from_parent(self, name=f"scenario-{position}", problem=problem)
                    continue
                name = f"{case['id']} {short(case.get('note') or _description(case))}"
                yield ScenarioItem.from_parent(self, name=name, case=case)
            return
        instrument = self.label.split("/")[0].removesuffix(".yaml")
        yield InstrumentNode.from_parent(self, name=instrument, data=data)


def _description(case: dict[str, Any]) -> str:
    request = case.get("request")
    return str(request.get("description", "")) if isinstance(request, dict) else ""


def _raw_categories(data: Any) -> list[dict[str, Any]]:
    """The category mappings in a file's raw YAML, whatever shape it has."""
    found = data.get("categories") if isinstance(data, dict) else data
    if not isinstance(found, list):
        return []
    return [c for c in found if isinstance(c, dict) and isinstance(c.get("id"), str)]


class InstrumentNode(pytest.Collector):
    """What one file holds of one instrument: a `loads` check and its categories."""

    def __init__(self, *, data: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data = data

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        """The `loads` item first, then one node per category."""
        yield LoadsItem.from_parent(self, name="loads")
        for category in _raw_categories(self.data):
            yield CategoryNode.from_parent(self, name=category["id"], raw=category)


class CategoryNode(pytest.Collector):
    """One category: a citation check and one item per example."""

    def __init__(self, *, raw: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.raw = raw

    def collect(self) -> Iterator[pytest.Item]:
        """`citable`, then the controlled and not-controlled examples in file order."""
        yield CitableItem.from_parent(self, name="citable")
        examples = self.raw.get("examples")
        if not isinstance(examples, dict):
            return
        for controlled, side in ((True, "controlled"), (False, "not_controlled")):
            cases = examples.get(side)
            for position, case in enumerate(cases if isinstance(cases, list) else [], start=1):
                text = case.get("description", "") if isinstance(case, dict) else case
                yield ExampleItem.from_parent(
                    self,
                    name=f"{side}-{position} {short(text)}",
                    controlled=controlled,
                    position=position,
                )


class RulesItem(pytest.Item):
    """Base of the items: finds the session's rule set for the file's rules folder."""

    def headline(self) -> str:
        """The failure heading; never a suffix of the node id (pytest would turn '.' into '::')."""
        return f"{self.rules_file.label}: {self.name}"

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The YAML file and the failure heading."""
        return self.path, None, self.headline()

    @property
    def rules_file(self) -> RulesFile:
        """The file this item came from."""
        node = self.getparent(RulesFile)
        assert node is not None
        return node

    def loaded(self) -> LoadedRules:
        """The session's rule set; skip when it does not load (a `loads` item says why)."""
        loaded = loaded_rules(self.config, self.rules_file.root)
        if loaded.error is not None:
            first = loaded.error.splitlines()[0]
            pytest.skip(f"the rule set does not load (see the failing loads items): {first}")
        return loaded


class Broken(RulesItem):
    """A file that cannot be read: one failing item instead of a collection error."""

    def __init__(self, *, problem: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = problem

    def runtest(self) -> None:
        """Fail with the reader's message."""
        pytest.fail(self.problem, pytrace=False)


class LoadsItem(RulesItem):
    """The file loads into the rule set: fails when the loader's error names this file."""

    def runtest(self) -> None:
        """Pass when the rule set loads; fail with the errors naming this file."""
        loaded = loaded_rules(self.config, self.rules_file.root)
        if loaded.error is None:
            return
        label = self.rules_file.label
        names = [f"{label}: "]
        if label.endswith("/instrument.yaml"):
            names.append(f"{label.split('/')[0]}/: ")
        lines = loaded.error.splitlines()
        if any(line.startswith(name) for line in lines for name in names):
            pytest.fail(loaded.error, pytrace=False)
        first = loaded.error.splitlines()[0]
        pytest.skip(f"another file stops the rule set from loading: {first}")


class CitableItem(RulesItem):
    """A category names its instrument, item and dates, and has two examples on each side."""

    def headline(self) -> str:
        """instrument::category: citable."""
        return f"{self.parent.nodeid.split('::', 1)[-1]}: citable"

    def runtest(self) -> None:
        """Fail listing every citation or example gap of the category."""
        ruleset = self.loaded().ruleset
        assert ruleset is not None
        instrument, category = ruleset.categories[self.parent.name]
        problems = []
        if not (instrument.number and instrument.title):
            problems.append("the instrument needs a number and a title")
        if not (category.title and category.summary):
            problems.append("the category needs a title and a summary")
        if not (category.effective_from or instrument.effective or instrument.verified_on):
            problems.append("no date: give effective_from or the instrument's effective")
        if category.control is not Control.not_controlled and not category.item_number:
            problems.append("a controlled category names its item (item_number)")
        for side in ("controlled", "not_controlled"):
            count = len(getattr(category.examples, side))
            if count < 2:
                problems.append(f"{count} {side} example(s); at least two are needed")
        if problems:
            pytest.fail(f"{self.parent.name}: " + "; ".join(problems), pytrace=False)


def _shown(matches: list[Match]) -> str:
    if not matches:
        return "none"
    return "; ".join(
        f"{m.category_id} {m.decision.value} score {m.score} terms {m.matched_terms}"
        for m in matches
    )


def _own(result: ScreeningResult, category_id: str) -> str:
    """How one category fared: its contribution, score and matched terms, or not matched."""
    for kind, matches in (("matched", result.matches), ("near miss", result.near_misses)):
        for m in matches:
            if m.category_id == category_id:
                return f"{kind}: {m.decision.value} score {m.score} terms {m.matched_terms}"
    return "not matched (no term or HS code reached the review threshold)"


def _context(result: ScreeningResult) -> list[str]:
    return [
        f"  matches:     {_shown(result.matches)}",
        f"  near misses: {_shown(result.near_misses)}",
        f"  missing:     {result.missing_information}",
        f"  explanation: {result.explanation}",
    ]


def _expected(example: RuleExample) -> str:
    """What the example asks of the engine, in words."""
    category = example.category
    if category.control is Control.not_controlled:
        if example.controlled:
            return "anything but allowed (a controlled near neighbour of this reference)"
        return f"allowed, with {category.id} matched"
    level = Decision.unknown if category.unresolved else CONTROL_DECISION[category.control]
    if example.controlled:
        return f"{category.id} contributes {level.value}"
    return f"{category.id} contributes nothing (allowed or no match)"


class ExampleItem(RulesItem):
    """One example of one category, screened against the whole rule set."""

    def __init__(self, *, controlled: bool, position: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.controlled = controlled
        self.position = position

    def headline(self) -> str:
        """instrument::category::side-n, without the example text."""
        return f"{self.parent.nodeid.split('::', 1)[-1]}::{self.name.split(' ', 1)[0]}"

    def runtest(self) -> None:
        """Screen the example; fail showing expected and got, with scores and matched terms."""
        loaded = self.loaded()
        assert loaded.ruleset is not None and loaded.engine is not None
        instrument, category = loaded.ruleset.categories[self.parent.name]
        side = category.examples.controlled if self.controlled else category.examples.not_controlled
        request = build_request(instrument, category, side[self.position - 1])
        example = RuleExample(instrument, category, self.controlled, self.position, request)
        result = loaded.engine.screen(request)
        problem = verdict(example, result)
        if problem is None:
            return
        lines = [
            f"  problem:     {problem}",
            f"  request:     {request.model_dump(mode='json', exclude_none=True)}",
            f"  expected:    {_expected(example)}",
            f"  got:         {result.decision.value}; {category.id} {_own(result, category.id)}",
            *_context(result),
        ]
        pytest.fail("\n".join(lines), pytrace=False)


def check_scenario(engine: Engine, case: dict[str, Any]) -> None:
    """Screen one labelled scenario; fail showing expected and got, with scores and terms."""
    result = engine.screen(ScreeningRequest.model_validate(case["request"]), today=SCENARIO_TODAY)
    accepted = [case["expect"], *case.get("accept", [])]
    got = result.decision.value
    header = [
        f"  note:        {case.get('note', '')}",
        f"  request:     {case['request']}",
        f"  expected:    {' or '.join(accepted)}",
        f"  got:         {got}",
        *_context(result),
    ]
    if got not in accepted:
        pytest.fail("\n".join(header), pytrace=False)
    wanted = case.get("instruments")
    if wanted and got in (Decision.prohibited.value, Decision.approval_required.value):
        cited = json.dumps([m.model_dump(mode="json") for m in result.matches])
        if not any(i in cited for i in wanted):
            pytest.fail("\n".join([*header, f"  none of {wanted} cited"]), pytrace=False)
    if got == Decision.unknown.value and not result.missing_information:
        pytest.fail(
            "\n".join([*header, "  an unknown answer must say what is missing"]), pytrace=False
        )


class ScenarioItem(RulesItem):
    """One labelled deal from rules/scenarios/, screened with a fixed today."""

    def __init__(self, *, case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def headline(self) -> str:
        """topic::id, without the note."""
        return f"{self.path.stem}::{self.case['id']}"

    def runtest(self) -> None:
        """Screen the scenario against the session's engine."""
        engine = self.loaded().engine
        assert engine is not None
        check_scenario(engine, self.case)
