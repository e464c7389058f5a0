"""Reads parameter values written into a description ("310 Wh/kg", "purity 99.99%", "5N").

Only unambiguous forms are read: a unit that belongs to one parameter, or a number next to the
parameter's own keyword. A parameter written twice with different values is not read at all.
"""

import re

from service.engine.normalise import fold

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
