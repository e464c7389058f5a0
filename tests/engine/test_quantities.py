"""Parameter values written into descriptions are read only when unambiguous."""

import pytest

from service.engine.quantities import read_for, read_quantities


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Li-ion cells 310Wh/kg", {"cell_energy_density_wh_kg": 310}),
        ("cells 310 wh per kg and 280 Wh/kg", {}),
        (
            "LFP compaction density 2.6 g/cc at 220 MPa, 162 mAh/g, ICE 97.5%",
            {
                "compaction_density_g_cm3": 2.6,
                "specific_capacity_mah_g": 162,
                "first_cycle_efficiency_pct": 97.5,
            },
        ),
        ("Terbium oxide 99.99%", {"purity_pct": 99.99}),
        ("Gallium 6N ingots", {"purity_pct": 99.9999}),
        ("ICE 97%", {"first_cycle_efficiency_pct": 97}),
        ("压实密度2.6g/cm3", {"compaction_density_g_cm3": 2.6}),
        ("LFP tap density 1.3 g/cm3", {"tap_density_g_cm3": 1.3}),
        ("leaching line, 6,000 m3/day", {"leachate_throughput_m3_day": 6000}),
        ("LFP powder 2.4 g/cm3", {}),
    ],
)
def test_read_quantities(text, expected):
    assert read_quantities(text) == expected


def test_a_category_reads_its_parameters_by_keyword_or_by_a_unit_only_it_uses() -> None:
    names = ["press_cylinder_bore_mm", "press_design_pressure_gpa"]
    assert read_for(names, "Cubic press, bore 560 mm, rated 6.5 GPa") == {
        "press_cylinder_bore_mm": 560.0,
        "press_design_pressure_gpa": 6.5,
    }


def test_a_unit_shared_by_two_parameters_needs_the_keyword() -> None:
    assert read_for(["density_g_cm3", "tap_density_g_cm3"], "powder 2.1 g/cm3") == {}
    assert read_for(["density_g_cm3"], "powder 2.1 g/cm3") == {"density_g_cm3": 2.1}


def test_two_values_for_one_parameter_are_not_read() -> None:
    assert read_for(["press_design_pressure_gpa"], "5.5 GPa or 6.5 GPa") == {}


def test_thousands_separators_are_not_decimal_commas() -> None:
    assert read_for(["press_cylinder_bore_mm"], "bore 1,200 mm") == {"press_cylinder_bore_mm": 1200}


def test_drone_and_dredger_figures_are_read_by_their_keywords() -> None:
    drone = ["endurance_h", "range_km", "engine_power_kw"]
    assert read_for(drone, "Fixed-wing UAV, 2 h endurance, range 150 km, engine 20 kW") == {
        "endurance_h": 2.0,
        "range_km": 150.0,
        "engine_power_kw": 20.0,
    }
    dredger = ["cutter_power_kw", "dredging_depth_m", "installed_power_kw"]
    text = "cutter suction dredger, total installed power 400 kW, max dredging depth 8m"
    assert read_for(dredger, text) == {"dredging_depth_m": 8.0, "installed_power_kw": 400.0}
