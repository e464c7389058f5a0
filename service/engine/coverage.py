"""What each instrument's rule files encode of it, and which instruments a deal is checked against.

An `allowed` answer is only as good as the rule files behind it: it names the instruments it was
checked against and, where one of them is only partly encoded, says so in a `coverage_gap`
advisory, so that "no encoded item applies" is never read as "nothing applies".
"""

import re
from dataclasses import dataclass
from datetime import date

from service.engine.loader import RuleSet
from service.engine.models import Advisory
from service.engine.schema import (
    Category,
    Control,
    Encoded,
    Instrument,
    Regime,
    TransactionType,
)

_ITEM_CODE = re.compile(r"^(\d{6}[JX]|\d[A-E]\d{3})\b")
_ENTRY_TITLE = re.compile(r"entry ([\u3400-\u9fff][^\s,;]*)")
# Regimes whose files hold no items of their own to check a deal against.
_NOT_CHECKED = frozenset({Regime.reference, Regime.informal, Regime.legal_basis})


@dataclass(frozen=True, slots=True)
class InstrumentCoverage:
    """An instrument with the deals it concerns and how many of its items are encoded."""

    instrument: Instrument
    applies_to: frozenset[TransactionType]
    items_encoded: int

    @property
    def partial(self) -> bool:
        """True when the rule files are known to lack some of the instrument's items."""
        return self.instrument.coverage.encoded is Encoded.partial

    def in_force(self, day: date) -> bool:
        """True when the instrument has taken effect and is not repealed on `day`."""
        instrument = self.instrument
        started = instrument.effective is None or instrument.effective <= day
        return started and (instrument.repealed is None or day < instrument.repealed)

    def counted(self) -> str:
        """'19 items encoded of 132 in force', or without the total where it is unknown."""
        total = self.instrument.coverage.items_in_force
        in_force = f" of {total} in force" if total is not None else ""
        return f"{self.items_encoded} items encoded{in_force}"

    def gap(self) -> str:
        """What is missing and what to check instead."""
        coverage = self.instrument.coverage
        return (
            f"{self.instrument.number} is only partly encoded ({self.counted()}). "
            f"Not encoded: {coverage.missing} Check {coverage.check}."
        )


def items_encoded(ruleset: RuleSet, instrument_id: str) -> int:
    """Distinct current list items (no end date) that restrict or prohibit something."""
    items = {
        item_of(category)
        for instrument, category in ruleset.categories.values()
        if instrument.id == instrument_id
        and category.control is not Control.not_controlled
        and category.effective_to is None
    }
    return len(items)


def item_of(category: Category) -> str:
    """The list item a category encodes (or a control point of): its code, else its entry title.

    "252604X, control point 1" is item 252604X; "number not confirmed; prohibited entry
    稀土的提炼、加工、利用技术, control point 2" is that entry; anything else is its own item.
    """
    number = category.item_number or ""
    code = _ITEM_CODE.match(number)
    if code:
        return code.group(1)
    # A prohibited and a restricted entry may share a title (中医医疗技术 J and X).
    entry = _ENTRY_TITLE.search(number)
    return f"{entry.group(1)} ({category.control.value})" if entry else category.id


def coverage_index(ruleset: RuleSet) -> dict[str, InstrumentCoverage]:
    """Every instrument a deal can be checked against, by id."""
    concerns: dict[str, set[TransactionType]] = {}
    for instrument, category in ruleset.categories.values():
        concerns.setdefault(instrument.id, set()).update(category.applies_to)
    found = {}
    for iid, instrument in sorted(ruleset.instruments.items()):
        if instrument.regime in _NOT_CHECKED:
            continue
        declared = instrument.coverage.applies_to
        applies_to = frozenset(declared) if declared else frozenset(concerns.get(iid, ()))
        found[iid] = InstrumentCoverage(instrument, applies_to, items_encoded(ruleset, iid))
    return found


def checked_against(
    index: dict[str, InstrumentCoverage],
    tx: TransactionType,
    day: date,
    origin: str,
) -> list[InstrumentCoverage]:
    """The instruments in force on `day` that concern this kind of deal from this origin."""
    return [
        entry
        for entry in index.values()
        if tx in entry.applies_to
        and entry.in_force(day)
        and (origin == "CN" or entry.instrument.extraterritorial)
    ]


def gap_advisories(checked: list[InstrumentCoverage]) -> list[Advisory]:
    """A `coverage_gap` advisory for each partly encoded instrument the deal was checked against."""
    return [
        Advisory(code="coverage_gap", message=entry.gap(), instrument_id=entry.instrument.id)
        for entry in checked
        if entry.partial
    ]
