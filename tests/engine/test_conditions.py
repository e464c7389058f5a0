"""A category's parameters decide whether it applies: below, at and above each threshold."""

import pytest

from service.engine import conditions
from service.engine.conditions import ParameterVerdict
from service.engine.schema import Category

DENSITY = "compaction_density_g_cm3"
CAPACITY = "specific_capacity_mah_g"
BORE = "press_cylinder_bore_mm"
PRESSURE = "press_design_pressure_gpa"


def verdict(toy_category, cid: str, **values: float) -> ParameterVerdict:
    return conditions.check(toy_category(cid)[1], values)[0]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({DENSITY: 2.6, CAPACITY: 165}, ParameterVerdict.met),
        ({DENSITY: 2.58, CAPACITY: 160}, ParameterVerdict.met),
        ({DENSITY: 2.57, CAPACITY: 165}, ParameterVerdict.not_met),
        ({DENSITY: 2.5}, ParameterVerdict.not_met),
        ({DENSITY: 2.6}, ParameterVerdict.missing),
        ({}, ParameterVerdict.missing),
    ],
)
def test_all_thresholds_must_be_met_and_one_failure_takes_it_out(toy_category, values, expected):
    assert verdict(toy_category, "cat-lfp", **values) is expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({BORE: 600}, ParameterVerdict.met),
        ({BORE: 400, PRESSURE: 5}, ParameterVerdict.met),
        ({BORE: 400, PRESSURE: 4.9}, ParameterVerdict.not_met),
        ({BORE: 400}, ParameterVerdict.missing),
    ],
)
def test_with_any_one_met_threshold_brings_it_in(toy_category, values, expected):
    assert verdict(toy_category, "goods-press", **values) is expected


def test_a_category_without_parameters_is_met(toy_category):
    assert conditions.check(toy_category("cat-magnet")[1], {}) == (ParameterVerdict.met, [])


def test_each_check_records_the_value_and_whether_it_met_the_threshold(toy_category):
    _, checks = conditions.check(toy_category("cat-lfp")[1], {DENSITY: 2.5})
    assert [(c.name, c.value, c.met) for c in checks] == [
        (DENSITY, 2.5, False),
        (CAPACITY, None, None),
    ]


def test_describe_says_what_was_compared_and_what_is_missing(toy_category):
    _, checks = conditions.check(toy_category("cat-lfp")[1], {DENSITY: 2.5})
    assert conditions.describe(checks) == (
        "compaction_density_g_cm3 2.5 not >= 2.58 g/cm3; "
        "specific_capacity_mah_g not given (threshold >= 160 mAh/g)"
    )


def test_describe_gives_the_reason_for_an_implied_ceiling(toy_category):
    name = "cell_energy_density_wh_kg"
    _, checks = conditions.check(toy_category("goods-cells")[1], {name: 250})
    assert conditions.describe(checks, {name: "LFP cells stay far below 300 Wh/kg"}) == (
        "cell_energy_density_wh_kg at most 250 Wh/kg, below 300 Wh/kg: "
        "LFP cells stay far below 300 Wh/kg"
    )


def test_falling_just_short_of_an_uncertain_threshold_is_not_a_reason_to_allow() -> None:
    threshold = {"name": "purity_pct", "operator": ">=", "threshold": 99.0, "unit": "%"}
    category = Category(
        id="doubtful-purity",
        title="An item with a purity threshold the research is unsure of",
        control="restricted",
        applies_to=["material_export"],
        terms=["doubtful item"],
        summary="Test category.",
        parameters=[threshold | {"confidence": "low"}],
    )
    assert conditions.check(category, {"purity_pct": 98.0})[0] is ParameterVerdict.uncertain
    assert conditions.check(category, {"purity_pct": 50.0})[0] is ParameterVerdict.not_met
    assert conditions.check(category, {"purity_pct": 99.5})[0] is ParameterVerdict.met
