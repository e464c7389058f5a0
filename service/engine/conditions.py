"""Compares the parameter values a caller gave with a category's thresholds."""

import operator
from collections.abc import Callable, Mapping
from enum import StrEnum

from service.engine.models import ParameterCheck
from service.engine.schema import Category, Confidence, Operator

_COMPARE: dict[Operator, Callable[[float, float], bool]] = {
    Operator.ge: operator.ge,
    Operator.gt: operator.gt,
    Operator.le: operator.le,
    Operator.lt: operator.lt,
}


class ParameterVerdict(StrEnum):
    """What the parameters say about a category."""

    met = "met"
    not_met = "not_met"
    missing = "missing"
    uncertain = "uncertain"
    """Not met, but only against a threshold the research is unsure of."""


def check(
    category: Category, values: Mapping[str, float]
) -> tuple[ParameterVerdict, list[ParameterCheck]]:
    """Evaluate every threshold; combine them with the category's all/any rule.

    With `all`, one failed threshold takes the category out even if others are missing;
    with `any`, one met threshold brings it in even if others are missing. A category that would
    be taken out only by a value close to a threshold of low confidence is `uncertain`: never a
    reason to allow.
    """
    checks = [
        ParameterCheck(
            name=c.name,
            operator=c.operator.value,
            threshold=c.threshold,
            unit=c.unit,
            value=values.get(c.name),
            met=None if c.name not in values else _COMPARE[c.operator](values[c.name], c.threshold),
            note=c.note,
        )
        for c in category.parameters
    ]
    if not checks:
        return ParameterVerdict.met, checks
    results = [c.met for c in checks]
    doubtful = [
        c.confidence is Confidence.low and _near(values.get(c.name), c.threshold)
        for c in category.parameters
    ]
    if category.parameters_match == "all":
        failed = [low for low, met in zip(doubtful, results, strict=True) if met is False]
        if failed:
            return (ParameterVerdict.uncertain if all(failed) else ParameterVerdict.not_met), checks
        return (ParameterVerdict.missing if None in results else ParameterVerdict.met), checks
    if True in results:
        return ParameterVerdict.met, checks
    if None in results:
        return ParameterVerdict.missing, checks
    return (ParameterVerdict.uncertain if any(doubtful) else ParameterVerdict.not_met), checks


def describe(checks: list[ParameterCheck], ceilings: Mapping[str, str] | None = None) -> str:
    """A short text of the comparisons, e.g. 'compaction_density_g_cm3 2.5 < 2.58 g/cm3'.

    `ceilings` names the parameters whose value is an implied upper bound, with the reason.
    """
    parts = []
    for c in checks:
        if c.value is None:
            parts.append(f"{c.name} not given (threshold {c.operator} {c.threshold:g} {c.unit})")
        elif ceilings and c.name in ceilings:
            parts.append(
                f"{c.name} at most {c.value:g} {c.unit}, below {c.threshold:g} {c.unit}: "
                f"{ceilings[c.name]}"
            )
        else:
            relation = c.operator if c.met else f"not {c.operator}"
            parts.append(f"{c.name} {c.value:g} {relation} {c.threshold:g} {c.unit}")
    return "; ".join(parts)


# How close a value must be to a threshold of low confidence for the doubt to matter.
UNCERTAIN_MARGIN = 0.25


def _near(value: float | None, threshold: float) -> bool:
    """True when the value is within UNCERTAIN_MARGIN of the threshold, either side."""
    return value is not None and abs(value - threshold) <= UNCERTAIN_MARGIN * abs(threshold)
