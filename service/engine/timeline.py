"""Whether a category is in force on a date: effective dates, repeal and suspension windows."""

from dataclasses import dataclass
from datetime import date, timedelta

from service.engine.models import MatchStatus
from service.engine.schema import Category, Instrument, StatusWindow

# Beyond this many days after the research was verified, an answer carries a not-verified advisory.
VERIFICATION_HORIZON = timedelta(days=180)


@dataclass(frozen=True, slots=True)
class Standing:
    """A category's status on a day, the window responsible (if any) and a sentence saying so.

    The status is never `out_of_scope`: scope is the request's, not the calendar's.
    """

    status: MatchStatus
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
        return Standing(MatchStatus.not_yet_effective, None, f"{name} applies from {start}.")
    if category.effective_to and day > category.effective_to:
        return Standing(
            MatchStatus.ended,
            None,
            f"{name} was deleted; its last day in force was {category.effective_to}.",
        )
    if instrument.repealed and day >= instrument.repealed:
        return Standing(
            MatchStatus.ended, None, f"{instrument.number} was repealed on {instrument.repealed}."
        )
    for window in windows_of(instrument, category):
        if window.start <= day < window.end or (day == window.end and not window.end_day_unclear):
            return Standing(
                MatchStatus.suspended,
                window,
                f"{name} is suspended from {window.start} until {window.end} by {window.by}; "
                f"it applies again after {window.end}.",
            )
        if day == window.end:
            return Standing(
                MatchStatus.end_day_unclear,
                window,
                f"{window.by} suspends {name} 'until {window.end}' without saying whether that day "
                f"is included; re-screen from {window.end + timedelta(days=1)}.",
            )
    return Standing(MatchStatus.in_force, None, f"{name} is in force on {day}.")


def first_day_in_force(instrument: Instrument, category: Category) -> date | None:
    """The earliest day on which the category is in force, or None if it never is."""
    start = start_of(instrument, category) or date(2000, 1, 1)
    candidates = [start] + [w.end + timedelta(days=1) for w in windows_of(instrument, category)]
    for day in sorted(candidates):
        if day >= start and standing_on(instrument, category, day).status is MatchStatus.in_force:
            return day
    return None


def unverified_after(instrument: Instrument, category: Category, day: date) -> date | None:
    """The date after which this category's status is unverified, if `day` is past it."""
    horizon = instrument.verified_on + VERIFICATION_HORIZON
    ends = [w.end for w in windows_of(instrument, category) if w.end < day]
    limits = [d for d in (horizon, *ends) if d < day]
    return min(limits) if limits else None
