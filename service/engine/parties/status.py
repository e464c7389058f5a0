"""Where a listing stands on a day: not yet effective, in force, suspended or stopped."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from service.engine.parties.schema import Announcement, PartyEntry, PartyWindow


class PartyStatus(StrEnum):
    """A listing's status on a day; only in_force and the two unclear ones are applied."""

    in_force = "in_force"
    not_yet_effective = "not_yet_effective"
    suspended = "suspended"
    stopped = "stopped"
    end_day_unclear = "end_day_unclear"
    status_unclear = "status_unclear"


APPLIED = frozenset({PartyStatus.in_force})
UNCLEAR = frozenset({PartyStatus.end_day_unclear, PartyStatus.status_unclear})


@dataclass(frozen=True, slots=True)
class Standing:
    """The status, the window responsible (if any) and a sentence saying so."""

    status: PartyStatus
    window: PartyWindow | None
    message: str


def windows_of(announcement: Announcement, entry: PartyEntry) -> list[PartyWindow]:
    """The announcement's windows and the entry's own."""
    return [*announcement.windows, *entry.windows]


def standing_on(announcement: Announcement, entry: PartyEntry, day: date) -> Standing:
    """Decide where an entry's measures stand on `day`; a stop outranks a suspension."""
    start = announcement.effective or announcement.published
    if day < start:
        return Standing(PartyStatus.not_yet_effective, None, f"listed from {start}")
    windows = windows_of(announcement, entry)
    for window in windows:
        if window.kind == "stopped" and day >= window.start:
            return Standing(
                PartyStatus.stopped, window, f"measures stopped from {window.start} ({window.by})"
            )
    for window in windows:
        if day < window.start:
            continue
        if window.end is None:
            return Standing(
                PartyStatus.status_unclear,
                window,
                f"measures paused from {window.start} for a period never stated ({window.by})",
            )
        if day < window.end or (day == window.end and not window.end_day_unclear):
            return Standing(
                PartyStatus.suspended,
                window,
                f"measures suspended from {window.start} until {window.end} ({window.by})",
            )
        if day == window.end:
            return Standing(
                PartyStatus.end_day_unclear,
                window,
                f"measures suspended 'until {window.end}' without saying whether that day is "
                f"included ({window.by})",
            )
    return Standing(PartyStatus.in_force, None, f"listed since {start}")
