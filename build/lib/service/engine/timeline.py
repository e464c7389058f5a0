"""Whether a category is in force on a date: effective dates, repeal and suspension windows."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from service.engine.schema import Category, Instrument, StatusWindow

# Beyond this many days after the research was verified, an answer carries a not-verified advisory.
VERIFICATION_HORIZON = timedelta(days=180)


class Status(StrEnum):
    """Where a category stands on a given day."""

    in_force = "in_force"
    not_yet_effective = "not_yet_effective"
    ended = "ended"
    suspended = "suspended"
    end_day_unclear = "end_day_unclear"


@dataclass(frozen=True, slots=True)
class Standing:
    """A category's status on a day, the window responsible (if any) and a sentence saying so."""

    status: Status
    window: StatusWindow | None
    message: str


def start_of(instrument: Instrument, category: Category) -> date | None:
    """The first day the category applies (before any suspension)."""
    return category.effective_from or instrument.effective or instrument.published


def windows_of(instrument: Instrument, category: Category) -> list[StatusWindow]:
    """The instrument's and the category's own suspension windows."""
    return [*instrument.windows, *category.windows]


def standing_on(instrument: Instrument, category: Category, day: date) -> Standing:
    """Decide where the category stands on `day`."""
    name = f"{category.title} ({instrument.number})"
    start = start_of(instrument, category)
    if start and day < start:
        return Standing(Status.not_yet_effective, None, f"{name} applies from {start}.")
    if category.effective_to and day > category.effective_to:
        return Standing(
            Status.ended,
            None,
            f"{name} was deleted; its last day in force was {category.effective_to}.",
        )
    if instrument.repealed and day >= instrument.repealed:
        return Standing(
            Status.ended, None, f"{instrument.number} was repealed on {instrument.repealed}."
        )
    for window in windows_of(instrument, category):
        if window.start <= day < window.end or (day == window.end and not window.end_day_unclear):
            return Standing(
                Status.suspended,
                window,
                f"{name} is suspended from {window.start} until {window.end} by {window.by}; "
                f"it applies again after {window.end}.",
            )
        if day == window.end:
            return Standing(
                Status.end_day_unclear,
                window,
                f"{window.by} suspends {name} 'until {window.end}' without saying whether that day "
                f"is included; re-screen from {window.end + timedelta(days=1)}.",
            )
    return Standing(Status.in_force, None, f"{name} is in force on {day}.")


def first_day_in_force(instrument: Instrument, category: Category) -> date | None:
    """The earliest day on which the category is in force, or None if it never is."""
    start = start_of(instrument, category) or date(2000, 1, 1)
    candidates = [start] + [w.end + timedelta(days=1) for w in windows_of(instrument, category)]
    for day in sorted(candidates):
        if day >= start and standing_on(instrument, category, day).status is Status.in_force:
            return day
    return None


def unverified_after(instrument: Instrument, category: Category, day: date) -> date | None:
    """The date after which this category's status is unverified, if `day` is past it."""
    horizon = instrument.verified_on + VERIFICATION_HORIZON
    ends = [w.end for w in windows_of(instrument, category) if w.end < day]
    limits = [d for d in (horizon, *ends) if d < day]
    return min(limits) if limits else None
