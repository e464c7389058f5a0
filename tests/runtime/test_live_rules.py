"""The engine in service is swapped whole: whoever took the old engine keeps screening on it."""

from pathlib import Path

import pytest

from service.engine import Engine, RuleSetError, ScreeningRequest, load_ruleset
from service.live_rules import LiveRules
from tests.runtime.rules_edit import GAAS, ban_gallium_arsenide, break_gallium_arsenide, copy_rules


def test_a_request_holding_the_old_engine_finishes_on_it_after_a_reload(tmp_path: Path):
    rules = copy_rules(tmp_path / "rules")
    live = LiveRules(Engine(load_ruleset(rules)), rules)
    in_flight = live.engine
    ban_gallium_arsenide(rules, version="2099.01.01-1")

    previous, current = live.reload()

    request = ScreeningRequest.model_validate(GAAS)
    old, new = in_flight.screen(request), live.engine.screen(request)
    assert (old.decision, old.ruleset) == ("approval-required", previous)
    assert (new.decision, new.ruleset) == ("prohibited", current)
    assert live.engine is not in_flight and live.problem is None


def test_a_failed_reload_keeps_the_engine_and_records_the_problem(tmp_path: Path):
    rules = copy_rules(tmp_path / "rules")
    live = LiveRules(Engine(load_ruleset(rules)), rules)
    serving = live.engine
    break_gallium_arsenide(rules)
    with pytest.raises(RuleSetError):
        live.reload()
    assert live.engine is serving
    assert "colour: Extra inputs are not permitted" in (live.problem or "")
    live.reload_quietly()  # SIGHUP's path: logs, never raises
    assert live.engine is serving
