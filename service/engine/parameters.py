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
    ParameterSpec("press_cylinder_bore_mm", "mm", "cylinder bore of a cubic press"),
    ParameterSpec("press_design_pressure_gpa", "GPa", "design pressure of a cubic press"),
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
    ParameterSpec("inner_diameter_mm", "mm", "inner diameter of a tube, cylinder or hollow part"),
    ParameterSpec("outer_diameter_mm", "mm", "outer diameter of a tube or solid cylinder"),
    ParameterSpec("thickness_mm", "mm", "thickness of a plate, window or wall"),
    ParameterSpec(
        "tensile_strength_mpa", "MPa", "ultimate tensile strength at room temperature (293 K)"
    ),
    ParameterSpec("window_cold_area_m2", "m2", "cold-side area of a radiation-shielding window"),
    ParameterSpec("fluorine_output_g_h", "g/h", "fluorine production capacity of a cell"),
    ParameterSpec(
        "concentration_pct",
        "%",
        "concentration of the named substance in a solution or mixture",
        maximum=100.0,
    ),
    ParameterSpec(
        "element_content_pct",
        "%",
        "mass share of the named element in a metal, alloy, compound or mixture",
        maximum=100.0,
    ),
    ParameterSpec("energy_density_mj_kg", "MJ/kg", "energy density of a fuel or slurry"),
    ParameterSpec("detonation_velocity_m_s", "m/s", "detonation velocity of an explosive"),
    ParameterSpec("tnt_equivalent_kg", "kg", "explosive capacity of a containment vessel in TNT"),
    ParameterSpec(
        "specific_modulus_m", "m", "specific modulus of a fibre (modulus / specific weight)"
    ),
    ParameterSpec(
        "specific_strength_m", "m", "specific tensile strength of a fibre (strength / weight)"
    ),
    ParameterSpec("tenacity_cn_dtex", "cN/dtex", "breaking tenacity of a fibre"),
    ParameterSpec("initial_modulus_cn_dtex", "cN/dtex", "initial modulus of a fibre"),
    ParameterSpec("areal_density_kg_m2", "kg/m2", "areal density of a laminate or armour panel"),
    ParameterSpec(
        "v50_m_s", "m/s", "ballistic limit V50 against a 1.1 g fragment-simulating projectile"
    ),
    ParameterSpec(
        "silver_content_ppm", "ppm", "silver content of a metal, parts per million by mass"
    ),
    ParameterSpec(
        "tensile_fracture_strain_pct",
        "%",
        "tensile strain at fracture of a graphite",
        maximum=100.0,
    ),
    ParameterSpec("cte_ppm_k", "ppm/K", "coefficient of thermal expansion, in 10^-6 per kelvin"),
    #
    # ---- Dual-Use List, categories 2-5: processing, electronics, computers, telecoms, crypto
    #
    #
    # ---- Dual-Use List, categories 6-9 and 0; nuclear export list; drug precursors
    #
)

PARAMETERS: dict[str, ParameterSpec] = {spec.name: spec for spec in _SPECS}
CANONICAL_NAMES: tuple[str, ...] = tuple(sorted(PARAMETERS))
