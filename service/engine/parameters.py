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
    #
    #
    # ---- Dual-Use List, categories 2-5: processing, electronics, computers, telecoms, crypto
    #
    ParameterSpec(
        "max_working_pressure_mpa", "MPa", "maximum working pressure of a press or pressure vessel"
    ),
    ParameterSpec(
        "max_temperature_c", "C", "maximum working temperature in degrees Celsius", minimum=-273.15
    ),
    ParameterSpec(
        "chamber_inner_diameter_mm", "mm", "inside diameter of the working chamber of a press"
    ),
    ParameterSpec(
        "positioning_accuracy_um",
        "um",
        "positioning accuracy of a machine tool along a linear axis",
    ),
    ParameterSpec("workpiece_diameter_mm", "mm", "largest workpiece diameter a machine tool takes"),
    ParameterSpec(
        "contouring_rotary_axes", "axes", "rotary axes a machine tool can coordinate for contouring"
    ),
    ParameterSpec(
        "simultaneous_contouring_axes",
        "axes",
        "axes a machine tool can coordinate simultaneously for contouring control",
    ),
    ParameterSpec("angular_accuracy_deg", "deg", "angular measuring accuracy of an instrument"),
    ParameterSpec(
        "vessel_volume_l", "L", "internal volume of a vessel, crucible, tank or fermenter in litres"
    ),
    ParameterSpec("magnetic_field_t", "T", "magnetic flux density a magnet produces"),
    ParameterSpec("magnet_bore_mm", "mm", "inner (bore) diameter of a solenoid magnet"),
    ParameterSpec(
        "field_uniformity_pct", "%", "non-uniformity of a magnet's central field", maximum=100.0
    ),
    ParameterSpec(
        "length_to_diameter_ratio", "ratio", "length divided by inner diameter of a solenoid magnet"
    ),
    ParameterSpec(
        "output_frequency_hz", "Hz", "output frequency of a frequency changer or generator"
    ),
    ParameterSpec("neutron_yield_n_s", "n/s", "neutron output of a neutron generator per second"),
    ParameterSpec("operating_voltage_kv", "kV", "rated operating voltage in kilovolts"),
    ParameterSpec("inductance_nh", "nH", "inductance in nanohenries"),
    ParameterSpec(
        "initiation_area_mm2", "mm2", "surface area a multipoint initiation system initiates"
    ),
    ParameterSpec(
        "timing_spread_us", "us", "spread of initiation times over the surface in microseconds"
    ),
    ParameterSpec(
        "aptp_weighted_teraflops",
        "WT",
        "adjusted peak performance of a digital computer in weighted TeraFLOPS",
    ),
    ParameterSpec(
        "data_rate_gbps",
        "Gbps",
        "data rate in gigabits per second (encrypted throughput, or one link in one direction)",
    ),
    ParameterSpec(
        "symmetric_key_length_bits", "bits", "key length of a symmetric cryptographic algorithm"
    ),
    ParameterSpec(
        "rsa_key_length_bits",
        "bits",
        "key length of an asymmetric algorithm based on factorisation (RSA type)",
    ),
    ParameterSpec("ecc_key_length_bits", "bits", "key length of an elliptic-curve algorithm"),
    ParameterSpec(
        "signatures_per_second",
        "tps",
        "asymmetric signing operations per second of a crypto device",
    ),
    ParameterSpec(
        "managed_key_objects", "objects", "keys or key objects a key-management system can manage"
    ),
    ParameterSpec("x_axis_travel_mm", "mm", "travel of a machine tool along its X axis"),
    ParameterSpec("window_diameter_mm", "mm", "diameter of an optical window"),
    ParameterSpec(
        "visible_transmittance_pct", "%", "transmittance of visible light", maximum=100.0
    ),
    ParameterSpec("flow_rate_l_h", "L/h", "throughput of a separator or pump in litres per hour"),
    ParameterSpec("filter_area_m2", "m2", "total filtration area of a filter system or component"),
    ParameterSpec("ice_capacity_kg_day", "kg/day", "ice a freeze-dryer condenses in 24 hours"),
    #
    # ---- Dual-Use List, categories 6-9 and 0; nuclear export list; drug precursors
    #
)

PARAMETERS: dict[str, ParameterSpec] = {spec.name: spec for spec in _SPECS}
CANONICAL_NAMES: tuple[str, ...] = tuple(sorted(PARAMETERS))
