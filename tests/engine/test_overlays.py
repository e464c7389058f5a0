"""Destination overlays raise a decision that a controlled match triggers, or say what they need."""

from datetime import date

import pytest

from service.engine import overlays
from service.engine.evaluate import ScreeningState, evaluate
from service.engine.loader import RuleSet
from service.engine.models import Decision, MatchStatus
from tests.engine.conftest import context

IN_FORCE = date(2026, 1, 15)


@pytest.fixture(scope="module")
def apply(toy_ruleset: RuleSet):
    """Screen a GaAs export matched in full, then apply the toy overlays to it."""
    gaas = toy_ruleset.categories["ga-gaas"]
    triggered = [(i, c) for i, c in toy_ruleset.categories.values() if c.triggered_by]

    def run(day: date = IN_FORCE, **request: object) -> ScreeningState:
        state = ScreeningState(context(day, **request))
        state.add(evaluate(state.ctx, *gaas, 100.0, ["GaAs"]), full=True)
        overlays.apply(state, triggered, toy_ruleset.instruments)
        return state

    return run


def decisions(state: ScreeningState) -> dict[str, tuple[Decision, str]]:
    return {m.category_id: (m.decision, m.status) for m in state.matches}


def test_a_dual_use_item_to_a_us_military_user_becomes_prohibited(apply):
    state = apply(destination_country="US", military_end_use=True)
    assert decisions(state)["us-military"] == (Decision.prohibited, MatchStatus.in_force)
    military = next(m for m in state.matches if m.category_id == "us-military")
    assert military.matched_terms == ["triggered by ga-gaas"]
    assert military.score == 100.0


def test_a_suspended_overlay_adds_an_allowed_match_and_says_so(apply):
    state = apply(destination_country="US", military_end_use=False)
    assert decisions(state) == {
        "ga-gaas": (Decision.approval_required, MatchStatus.in_force),
        "us-gallium": (Decision.allowed, MatchStatus.suspended),
    }
    assert [a.code for a in state.advisories] == ["suspended"]


def test_on_the_unclear_last_day_of_a_suspension_the_overlay_is_unknown(apply):
    state = apply(date(2026, 11, 27), destination_country="US", military_end_use=False)
    assert decisions(state)["us-gallium"] == (Decision.unknown, MatchStatus.end_day_unclear)
    assert state.missing == ["whether Announcement 2024 No. 46 (Clause 2) applies on 2026-11-27"]


def test_another_destination_triggers_nothing(apply):
    state = apply(destination_country="DE", military_end_use=True)
    assert list(decisions(state)) == ["ga-gaas"]
    assert state.advisories == []


def test_without_a_destination_the_overlays_become_advisories(apply):
    state = apply(military_end_use=True)
    assert list(decisions(state)) == ["ga-gaas"]
    assert [a.code for a in state.advisories] == ["destination_not_given"] * 2
    assert "this deal would be prohibited under Announcement 2024 No. 46" in (
        state.advisories[0].message
    )


def test_an_unstated_military_end_use_becomes_an_advisory(apply):
    state = apply(destination_country="US")
    assert "us-military" not in decisions(state)
    assert "military_end_use_not_stated" in [a.code for a in state.advisories]


def test_a_match_that_allows_the_deal_triggers_nothing(apply):
    # Before gallium was controlled, GaAs contributes 'allowed', so no overlay fires.
    state = apply(date(2023, 7, 1), destination_country="US", military_end_use=True)
    assert decisions(state) == {"ga-gaas": (Decision.allowed, MatchStatus.not_yet_effective)}
