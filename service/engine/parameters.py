"""The canonical control parameters: the only names callers and rule files may use."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """One canonical parameter: its unit and what it measures."""

    name: str
    unit: str
    description: str
    minimum: float = 0.0
    maximum: float | None = None
    keywords: tuple[str, ...] = ()
    """Words that name the parameter in a description ("chamber", "endurance"), folded."""


_SPECS = (
    ParameterSpec("cell_energy_density_wh_kg", "Wh/kg", "gravimetric energy density of the cell"),
    ParameterSpec(
        "compaction_density_g_cm3", "g/cm3", "powder compaction density of a cathode material"
    ),
    ParameterSpec(
        "specific_capacity_mah_g", "mAh/g", "specific discharge capacity of a cathode material"
    ),
    ParameterSpec(
        "first_cycle_efficiency_pct", "%", "first-cycle coulombic efficiency", maximum=100.0
    ),
    ParameterSpec("tap_density_g_cm3", "g/cm3", "tap density of a cathode precursor powder"),
    ParameterSpec("purity_pct", "%", "purity by mass", maximum=100.0),
    ParameterSpec("flexural_strength_mpa", "MPa", "flexural strength of a graphite material"),
    ParameterSpec("density_g_cm3", "g/cm3", "bulk density of a material"),
    ParameterSpec(
        "press_cylinder_bore_mm", "mm", "cylinder bore of a cubic press", keywords=("bore",)
    ),
    ParameterSpec(
        "press_design_pressure_gpa",
        "GPa",
        "design pressure of a cubic press",
        keywords=("design pressure", "pressure"),
    ),
    ParameterSpec("granulation_volume_m3", "m3", "working volume of a granulation kettle"),
    ParameterSpec("particle_size_um", "um", "average particle size"),
    ParameterSpec(
        "leachate_throughput_m3_day", "m3/day", "daily leachate throughput of ionic-ore equipment"
    ),
    ParameterSpec(
        "china_origin_rare_earth_value_pct",
        "%",
        "share of the item's value made up of China-origin rare-earth items",
        maximum=100.0,
    ),
    # ---- Dual-Use List (2024 No. 51), category 1: materials, chemicals, microorganisms, toxins
    #
    #
    # ---- Dual-Use List, categories 2-5: processing, electronics, computers, telecoms, crypto
    #
    #
    # ---- Dual-Use List, categories 6-9 and 0; nuclear export list; drug precursors
    #
)

PARAMETERS: dict[str, ParameterSpec] = {spec.name: spec for spec in _SPECS}
CANONICAL_NAMES: tuple[str, ...] = tuple(sorted(PARAMETERS))
