"""The canonical control parameters: the only names callers and rule files may use."""

from dataclasses import dataclass, replace


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
    ParameterSpec("endurance_h", "h", "flight endurance of an unmanned aircraft or airship"),
    ParameterSpec(
        "gust_resistance_km_h", "km/h", "gust speed in which a UAV can take off and fly stably"
    ),
    ParameterSpec(
        "engine_design_altitude_m", "m", "highest altitude an aero engine is designed to run at"
    ),
    ParameterSpec("engine_power_kw", "kW", "maximum continuous power of an engine"),
    ParameterSpec("ifov_mrad", "mrad", "instantaneous field of view of an imaging sensor"),
    ParameterSpec(
        "range_km",
        "km",
        "range: flight range of an aircraft, or working range of a radar, radio link or jammer",
    ),
    ParameterSpec(
        "sar_stripmap_resolution_m",
        "m",
        "strip-map ground resolution of a synthetic-aperture radar",
    ),
    ParameterSpec(
        "sar_spotlight_resolution_m",
        "m",
        "spotlight ground resolution of a synthetic-aperture radar",
    ),
    ParameterSpec("pulse_energy_mj", "mJ", "output energy per laser pulse"),
    ParameterSpec(
        "energy_stability_pct", "%", "pulse-to-pulse energy instability of a laser", maximum=100.0
    ),
    ParameterSpec("beam_divergence_mrad", "mrad", "beam divergence of a laser"),
    ParameterSpec(
        "max_operating_temperature_c",
        "degC",
        "highest ambient temperature of stable operation without temperature control",
        minimum=-273.15,
    ),
    ParameterSpec("heading_accuracy_deg", "deg", "heading (azimuth) accuracy of an IMU"),
    ParameterSpec("attitude_accuracy_deg", "deg", "attitude (pitch/roll) accuracy of an IMU"),
    ParameterSpec("angular_resolution_deg", "deg", "angular resolution of an IMU"),
    ParameterSpec(
        "controlled_uav_count", "count", "number of UAVs one ground station can control at once"
    ),
    ParameterSpec("flow_rate_m3_h", "m3/h", "rated volume flow of a pump, valve or water cannon"),
    ParameterSpec("pressure_mpa", "MPa", "rated working or outlet pressure"),
    ParameterSpec("shaft_speed_rpm", "rpm", "rotational speed of a pump shaft"),
    ParameterSpec(
        "specific_tensile_strength_m",
        "m",
        "specific tensile strength of a fibre (tensile strength / specific weight)",
    ),
    ParameterSpec(
        "specific_modulus_m", "m", "specific modulus of a fibre (tensile modulus / specific weight)"
    ),
    ParameterSpec("water_jet_range_m", "m", "maximum jet range of a water cannon"),
    ParameterSpec("laser_output_power_kw", "kW", "output power of a high-power laser"),
    ParameterSpec("hopper_capacity_m3", "m3", "hopper capacity of a dredger, sand vessel or barge"),
    ParameterSpec("dredging_depth_m", "m", "maximum dredging depth"),
    ParameterSpec("cutter_power_kw", "kW", "cutter-head power of a cutter suction dredger"),
    ParameterSpec("installed_power_kw", "kW", "total installed power of a vessel"),
    ParameterSpec("bucket_capacity_m3", "m3", "bucket or grab capacity of a dredger"),
    ParameterSpec("photocathode_area_cm2", "cm2", "photocathode area of a photomultiplier tube"),
    ParameterSpec("anode_rise_time_ns", "ns", "anode pulse rise time of a photomultiplier tube"),
    ParameterSpec("frame_rate_fps", "fps", "recording rate of a high-speed camera"),
    ParameterSpec(
        "exposure_time_ns", "ns", "frame exposure or shutter time of a high-speed camera"
    ),
    ParameterSpec("radiation_tolerance_gy", "Gy", "total radiation dose a camera is rated to"),
    ParameterSpec("aerosol_capacity_l", "L", "capacity of an aerosol or spray dispensing system"),
    #
)

# How descriptions name a parameter next to its value ("bore 560 mm", "2 h endurance"), folded
# (lower case, simplified Chinese). A value whose unit no other parameter of the matched
# category uses needs no keyword.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "press_cylinder_bore_mm": ("bore", "cylinder"),
    "press_design_pressure_gpa": ("design pressure", "pressure"),
    "endurance_h": ("endurance", "flight time", "续航", "航时"),
    "gust_resistance_km_h": ("gust", "wind resistance", "抗风"),
    "engine_design_altitude_m": ("altitude", "ceiling", "高度"),
    "engine_power_kw": ("engine power", "power", "功率"),
    "range_km": ("range", "航程", "距离"),
    "sar_stripmap_resolution_m": ("strip-map resolution", "stripmap resolution", "条带"),
    "sar_spotlight_resolution_m": ("spotlight resolution", "聚束"),
    "pulse_energy_mj": ("pulse energy", "单脉冲能量"),
    "beam_divergence_mrad": ("divergence", "发散角"),
    "heading_accuracy_deg": ("heading accuracy", "heading", "航向"),
    "attitude_accuracy_deg": ("attitude accuracy", "attitude", "姿态"),
    "flow_rate_m3_h": ("flow", "流量"),
    "pressure_mpa": ("pressure", "压力"),
    "shaft_speed_rpm": ("speed", "转速"),
    "water_jet_range_m": ("range", "射程"),
    "laser_output_power_kw": ("output power", "power", "功率"),
    "hopper_capacity_m3": ("hopper", "舱容"),
    "dredging_depth_m": ("dredging depth", "depth", "挖深"),
    "cutter_power_kw": ("cutter power", "cutter", "绞刀功率"),
    "installed_power_kw": ("installed power", "总装机功率", "装机功率"),
    "bucket_capacity_m3": ("bucket", "grab", "斗容"),
    "frame_rate_fps": ("frame rate", "帧"),
    "inner_diameter_mm": ("inner diameter", "inside diameter", "id", "内径"),
    "outer_diameter_mm": ("outer diameter", "od", "外径", "直径", "dia", "φ", "ø"),
    "thickness_mm": ("thickness", "thick", "厚度"),
    "tensile_strength_mpa": ("tensile strength", "uts", "抗拉强度"),
    "concentration_pct": ("concentration", "浓度"),
    "detonation_velocity_m_s": ("detonation velocity", "爆速"),
    "max_working_pressure_mpa": ("working pressure", "max pressure", "pressure", "压力"),
    "max_temperature_c": ("temperature", "temp", "温度"),
    "chamber_inner_diameter_mm": (
        "chamber dia",
        "chamber diameter",
        "chamber",
        "vessel id",
        "bore",
        "工作区直径",
        "缸体内径",
    ),
    "positioning_accuracy_um": ("positioning accuracy", "accuracy", "定位精度"),
    "workpiece_diameter_mm": ("turning dia", "turning diameter", "swing", "回转直径"),
    "contouring_rotary_axes": ("rotary",),
    "simultaneous_contouring_axes": ("simultaneous", "联动"),
    "x_axis_travel_mm": ("x travel", "x-axis travel", "x轴行程"),
    "vessel_volume_l": ("volume", "capacity", "容积"),
    "flow_rate_l_h": ("flow", "throughput", "处理量"),
    "filter_area_m2": ("filter area", "membrane area", "过滤面积"),
    "ice_capacity_kg_day": ("condenser", "ice capacity", "捕水"),
    "magnetic_field_t": ("field", "磁场"),
    "magnet_bore_mm": ("bore", "warm bore", "孔径"),
    "length_to_diameter_ratio": ("l/d",),
    "output_frequency_hz": ("output frequency", "frequency", "频率"),
    "operating_voltage_kv": ("voltage", "电压"),
    "aptp_weighted_teraflops": ("aptp", "performance", "算力"),
    "data_rate_gbps": ("throughput", "encrypted throughput", "吞吐"),
    "symmetric_key_length_bits": ("aes", "key length", "symmetric key", "密钥长度"),
    "rsa_key_length_bits": ("rsa",),
    "ecc_key_length_bits": ("ecc",),
    "signatures_per_second": ("signing", "signatures", "签名"),
    "aerosol_capacity_l": ("tank", "capacity", "药箱"),
}

PARAMETERS: dict[str, ParameterSpec] = {
    spec.name: replace(spec, keywords=_KEYWORDS.get(spec.name, ())) for spec in _SPECS
}
CANONICAL_NAMES: tuple[str, ...] = tuple(sorted(PARAMETERS))
