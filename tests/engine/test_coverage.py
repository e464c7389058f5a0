"""An answer names the instruments it was checked against and the gaps in their encoding."""

import pytest
from pydantic import ValidationError

from service.config import PROJECT_DIR
from service.engine import Engine, load_ruleset
from service.engine.coverage import item_of
from service.engine.models import Decision, ScreeningRequest
from service.engine.schema import Coverage


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_ruleset(PROJECT_DIR / "rules"))


def _screen(engine: Engine, tx: str, description: str, **extra: object) -> object:
    request = ScreeningRequest(transaction_type=tx, description=description, **extra)
    return engine.screen(request)


def test_an_allowed_technology_deal_names_the_partly_encoded_catalogue(engine: Engine) -> None:
    result = _screen(engine, "technology_transfer", "Hotel booking software licence")
    assert result.decision is Decision.allowed
    assert "CN-TECH-CATALOGUE" in result.checked_against
    gaps = {a.instrument_id: a.message for a in result.advisories if a.code == "coverage_gap"}
    assert "of 132 in force" in gaps["CN-TECH-CATALOGUE"]
    assert "CN-TECH-CATALOGUE (partly encoded" in result.explanation


def test_an_allowed_goods_deal_is_checked_against_the_dual_use_list(engine: Engine) -> None:
    result = _screen(engine, "equipment_sale", "Office chairs and desks")
    assert result.decision is Decision.allowed
    assert "CN-DUAL-USE-LIST" in result.checked_against
    assert "CN-TECH-CATALOGUE" not in result.checked_against
    assert any(
        a.code == "coverage_gap" and a.instrument_id == "CN-DUAL-USE-LIST"
        for a in result.advisories
    )


def test_a_controlled_answer_carries_no_coverage_gap(engine: Engine) -> None:
    result = _screen(engine, "material_export", "Gallium metal ingots 6N", as_of="2026-12-01")
    assert result.decision is not Decision.allowed
    assert not [a for a in result.advisories if a.code == "coverage_gap"]


def test_an_export_from_outside_china_is_checked_only_against_extraterritorial_rules(
    engine: Engine,
) -> None:
    result = _screen(engine, "material_export", "Office chairs", origin_country="DE")
    instruments = engine.ruleset.instruments
    assert result.checked_against
    assert all(instruments[i].extraterritorial for i in result.checked_against)


def test_a_repealed_or_future_instrument_is_not_checked(engine: Engine) -> None:
    result = _screen(engine, "technology_transfer", "Hotel booking software", as_of="2020-01-01")
    assert "CN-TECH-CATALOGUE" not in result.checked_against


def test_partial_coverage_must_say_what_is_missing() -> None:
    with pytest.raises(ValidationError, match="partial coverage needs"):
        Coverage(encoded="partial", items_in_force=10)


def test_control_points_count_as_one_item(engine: Engine) -> None:
    categories = engine.ruleset.categories
    lfp, lmfp = categories["tc-252604x-lfp"][1], categories["tc-252604x-lmfp"][1]
    assert item_of(lfp) == item_of(lmfp) == "252604X"
    prohibited = [
        c for _, c in categories.values() if c.id.startswith("tc-re-") and "J" not in c.id
    ]
    assert len({item_of(c) for c in prohibited}) < len(prohibited)
