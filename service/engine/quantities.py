"""Reads parameter values written into a description ("310 Wh/kg", "purity 99.99%", "5N").

Only unambiguous forms are read: a unit that belongs to one parameter, or a number next to the
parameter's own keyword. A parameter written twice with different values is not read at all.
"""

import re
from collections.abc import Iterable
from functools import cache

from service.engine.normalise import fold
from service.engine.parameters import PARAMETERS

_NUMBER = r"(\d+(?:\.\d+)?)"
_GAP = r"\s*(?:of|is|:|=|>=|≥|>|approx\.?|about|~)?\s*"

_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "cell_energy_density_wh_kg": (re.compile(_NUMBER + r"\s*wh/kg"),),
    "specific_capacity_mah_g": (re.compile(_NUMBER + r"\s*mah/g"),),
    "press_design_pressure_gpa": (re.compile(_NUMBER + r"\s*gpa\b"),),
    "compaction_density_g_cm3": (
        re.compile(r"compact\w*(?:\s+density)?" + _GAP + _NUMBER + r"\s*g/cm3"),
        re.compile(_NUMBER + r"\s*g/cm3\s+compact"),
        re.compile(r"压实密度" + _GAP + _NUMBER),
    ),
    "tap_density_g_cm3": (
        re.compile(r"tap\s+density" + _GAP + _NUMBER),
        re.compile(r"振实密度" + _GAP + _NUMBER),
    ),
    "first_cycle_efficiency_pct": (
        re.compile(
            r"(?:\bice|first[\s-]+(?:cycle|coulombic)\s+efficiency)" + _GAP + _NUMBER + r"\s*%"
        ),
        re.compile(r"首次?效率" + _GAP + _NUMBER),
    ),
    "purity_pct": (
        re.compile(r"purity" + _GAP + _NUMBER + r"\s*%"),
        re.compile(_NUMBER + r"\s*%\s*(?:pure|purity)"),
        re.compile(r"纯度" + _GAP + _NUMBER),
        re.compile(r"(?<![\d.])(99(?:\.\d+)?)\s*%"),
    ),
    "flexural_strength_mpa": (re.compile(r"flexural\s+strength" + _GAP + _NUMBER + r"\s*mpa"),),
    "density_g_cm3": (
        re.compile(r"(?:bulk\s+|^|[^a-z]\s*)density" + _GAP + _NUMBER + r"\s*g/cm3"),
    ),
    "press_cylinder_bore_mm": (re.compile(r"bore" + _GAP + r"(?:ø|φ)?\s*" + _NUMBER + r"\s*mm"),),
    "granulation_volume_m3": (re.compile(_NUMBER + r"\s*m3\b(?!\s*/)"),),
    "particle_size_um": (re.compile(_NUMBER + r"\s*(?:μm|um|micron)"),),
    "leachate_throughput_m3_day": (re.compile(r"(\d[\d,]*)\s*m3\s*/\s*d(?:ay)?\b"),),
}
_NINES = re.compile(r"\b([4-9])n\b")
_DIGIT = re.compile(r"\d")


def read_quantities(text: str) -> dict[str, float]:
    """Parameter values stated in the text, keyed by canonical name; ambiguous ones left out."""
    if not _DIGIT.search(text):
        return {}  # every form needs a number
    folded = fold(text)
    found: dict[str, float] = {}
    for name, patterns in _PATTERNS.items():
        values = {
            float(m.group(1).replace(",", ""))
            for pattern in patterns
            for m in pattern.finditer(folded)
        }
        if name == "purity_pct":
            values |= {100.0 - 10.0 ** (2 - int(n)) for n in _NINES.findall(folded)}
        if name == "density_g_cm3" and ("compact" in folded or "tap density" in folded):
            continue
        if len(values) == 1:
            found[name] = values.pop()
    return found


# How each canonical unit is written after a number, in folded text.
UNIT_FORMS: dict[str, str] = {
    "mm": r"mm",
    "m": r"m(?![a-z0-9/²³])",
    "km": r"km(?!/)",
    "um": r"(?:μm|um|micron)",
    "nm": r"nm",
    "MPa": r"mpa",
    "GPa": r"gpa",
    "kPa": r"kpa",
    "Pa": r"pa",
    "°C": r"(?:°\s*c|℃|deg(?:rees?)?\s*c)",
    "degC": r"(?:°\s*c|℃|deg(?:rees?)?\s*c)",
    "C": r"(?:°\s*c|℃|deg(?:rees?)?\s*c)",
    "deg": r"(?:°(?!\s*c)|deg(?:rees?)?(?!\s*c))",
    "mrad": r"mrad",
    "mJ": r"mj(?![a-z])",
    "J": r"j(?![a-z])",
    "rpm": r"(?:rpm|r/min)",
    "cm2": r"(?:cm2|cm²)",
    "ns": r"ns(?![a-z])",
    "fps": r"(?:fps|frames?/s)",
    "Gy": r"gy(?![a-z])",
    "m3": r"(?:m3|m³)(?!\s*/)",
    "count": r"(?:units?|sets?|uavs?|drones?|架|台)(?![a-z])",
    "L/h": r"(?:l|litres?|liters?)\s*/\s*h(?:ou)?r?(?![a-z])",
    "kg/day": r"kg\s*(?:ice\s*)?/\s*(?:day|d|24\s*h)(?![a-z])",
    "g/h": r"g\s*/\s*h(?![a-z])",
    "MJ/kg": r"mj\s*/\s*kg",
    "T": r"(?:t|tesla)(?![a-z/])",
    "axes": r"-?\s*(?:axis|axes|轴)",
    "m2": r"(?:m2|m²|sq\.?\s*m)(?![a-z])",
    "mm2": r"(?:mm2|mm²)",
    "us": r"(?:μs|us|microseconds?)(?![a-z])",
    "nH": r"nh(?![a-z])",
    "ppm": r"ppm(?![a-z/])",
    "tps": r"(?:tps|signatures?\s*/\s*s|次/秒)",
    "kg/m2": r"kg\s*/\s*(?:m2|m²)",
    "cN/dtex": r"cn\s*/\s*dtex",
    "K": r"k(?![a-z0-9])",
    "h": r"(?:h|hrs?|hours?)(?![a-z])",
    "min": r"(?:min|mins|minutes?)(?![a-z])",
    "s": r"(?:s|sec|seconds?)(?![a-z])",
    "kg": r"kg(?![a-z/])",
    "g": r"g(?![a-z/])",
    "t": r"(?:t|tonnes?|tons?)(?![a-z/])",
    "kW": r"kw(?![a-z])",
    "W": r"w(?![a-z/])",
    "kN": r"kn(?![a-z])",
    "N": r"n(?![a-z])",
    "Gbps": r"(?:gbps|gbit/s|gb/s)",
    "Mbps": r"(?:mbps|mbit/s|mb/s)",
    "GHz": r"ghz",
    "MHz": r"mhz",
    "Hz": r"hz",
    "bits": r"(?:-?bits?)(?![a-z])",
    "WT": r"(?:weighted\s+)?(?:tflops|teraflops|wt)(?![a-z])",
    "L": r"(?:l|litres?|liters?)(?![a-z/])",
    "m3/h": r"(?:m3|m³)\s*/\s*h(?:ou)?r?",
    "km/h": r"(?:km\s*/\s*h|kph)",
    "m/s": r"m\s*/\s*s",
    "%": r"%",
    "V": r"v(?![a-z])",
    "kV": r"kv(?![a-z])",
    "A": r"a(?![a-z])",
    "dB": r"db(?![a-z])",
    "Wh/kg": r"wh/kg",
    "g/cm3": r"g/cm3",
    "mAh/g": r"mah/g",
}
# A parameter's value may be written in a neighbouring unit: (unit written, factor to the
# parameter's own unit). "positioning accuracy 0.004 mm" is 4 um; "40 min" endurance is 0.67 h.
CONVERSIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "um": (("mm", 1000.0),),
    "h": (("min", 1 / 60),),
    "km/h": (("m/s", 3.6),),
    "L": (("m3", 1000.0),),
    "Gbps": (("Mbps", 0.001),),
    "kW": (("W", 0.001),),
    "MPa": (("GPa", 1000.0), ("kPa", 0.001)),
    "mm": (("m", 1000.0),),
}
_RELATION = r"\s*(?:of|is|:|=|>=|≥|>|<|±|\+/-|up\s+to|approx\.?|about|~|at)?\s*"
_VALUE = r"(\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)\s*"


def _unit_pattern(unit: str) -> str | None:
    form = UNIT_FORMS.get(unit)
    return None if form is None else f"(?:{form})"


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # The patterns are few (keyword x unit) but outnumber re's own cache of 512.
    return re.compile(pattern)


def _numbers(pattern: str, folded: str) -> set[float]:
    return {float(m.group(1).replace(",", "")) for m in _compiled(pattern).finditer(folded)}


def read_for(names: Iterable[str], text: str) -> dict[str, float]:
    """Values of these parameters that the text states, for one category's parameters.

    A value counts when it stands next to one of the parameter's keywords ("chamber 300 mm",
    "2 h endurance"), or when its unit is written and no other of these parameters shares that
    unit ("150 MPa" for a press whose only pressure is its working pressure). A parameter
    written with two different values is not read.
    """
    if not _DIGIT.search(text):
        return {}
    folded = fold(text)
    specs = [PARAMETERS[name] for name in names if name in PARAMETERS]
    by_unit: dict[str, int] = {}
    for spec in specs:
        by_unit[spec.unit] = by_unit.get(spec.unit, 0) + 1
    found: dict[str, float] = {}
    for spec in specs:
        unit = _unit_pattern(spec.unit)
        if unit is None:
            continue
        values: set[float] = set()
        for written, factor in ((spec.unit, 1.0), *CONVERSIONS.get(spec.unit, ())):
            form = _unit_pattern(written)
            if form is None:
                continue
            found_here = set()
            for keyword in spec.keywords:
                word = re.escape(keyword)
                found_here |= _numbers(rf"{word}{_RELATION}{_VALUE}{form}", folded)
                found_here |= _numbers(rf"{_VALUE}{form}\s*(?:of\s+)?{word}", folded)
            values |= {round(v * factor, 6) for v in found_here}
        if not values and by_unit[spec.unit] == 1:
            values = _numbers(rf"(?<![\d.]){_VALUE}{unit}", folded)
        if len(values) == 1:
            found[spec.name] = values.pop()
    return found
