"""The explanation names the decision, the matched item, its terms and citation, what is missing."""

from datetime import date

from service.engine.coverage import checked_against, coverage_index
from service.engine.evaluate import ScreeningState, evaluate
from service.engine.explain import explain
from service.engine.loader import RuleSet
from service.engine.models import Decision
from tests.engine.conftest import context

DAY = date(2026, 1, 15)


def explained(
    ruleset: RuleSet, decision: Decision, matched: dict[str, list[str]], day: date = DAY, **request
) -> str:
    """Explain a screening whose categories (id -> matched terms) all matched in full."""
    state = ScreeningState(context(day, **request))
    for cid, terms in matched.items():
        state.add(evaluate(state.ctx, *ruleset.categories[cid], 100.0, terms), full=True)
    ctx = state.ctx
    checked = checked_against(
        coverage_index(ruleset), ctx.request.transaction_type, day, ctx.origin
    )
    return explain(decision, state, ruleset.categories, checked)


def test_a_deciding_match_is_named_with_its_terms_score_and_citation(toy_ruleset):
    text = explained(
        toy_ruleset, Decision.approval_required, {"ga-gaas": ["GaAs", "gallium arsenide"]}
    )
    assert text.startswith("This material export was screened as of 2026-01-15: approval-required.")
    assert (
        "It matches Gallium arsenide (GaAs, Announcement 2023 No. 23) "
        "on 'GaAs', 'gallium arsenide' (score 100). Gallium arsenide needs a licence."
    ) in text


def test_a_match_that_does_not_restrict_is_said_to_be_harmless(toy_ruleset):
    text = explained(
        toy_ruleset,
        Decision.allowed,
        {"ref-miners": ["Antminer"]},
        transaction_type="equipment_sale",
    )
    assert "It also matches Crypto miners (References), which does not restrict it" in text


def test_an_unknown_answer_lists_what_the_engine_needs_and_flags_weak_research(toy_ruleset):
    text = explained(
        toy_ruleset,
        Decision.unknown,
        {"goods-graphitiser": ["graphitization furnace"]},
        day=date(2026, 12, 1),
        transaction_type="equipment_sale",
    )
    assert "To decide, the engine needs: the furnace parameters of 3B901.c.2." in text
    assert "Uncertain research behind goods-graphitiser: parameters not retrieved" in text


def test_a_hire_matching_the_catalogue_notes_the_art_2_interpretation(toy_ruleset):
    text = explained(
        toy_ruleset,
        Decision.prohibited,
        {"cat-magnet": ["NdFeB magnet"]},
        transaction_type="engineer_hire",
    )
    assert "prohibited" in text
    assert "interpretation of Art. 2 of the Regulations" in text


def test_no_match_names_the_instruments_it_was_checked_against(toy_ruleset):
    text = explained(toy_ruleset, Decision.allowed, {})
    assert text.endswith(
        "No encoded category in force applies to it. "
        "Checked against: TEST-GALLIUM, TEST-GOODS, TEST-US."
    )


def test_an_export_from_outside_china_says_it_is_out_of_jurisdiction(toy_ruleset):
    text = explained(toy_ruleset, Decision.allowed, {}, origin_country="DE")
    assert "The export starts in DE, outside the jurisdiction of the encoded instruments" in text
