"""Parameter values written into descriptions are read only when unambiguous."""

import pytest

from service.engine.quantities import read_quantities


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
