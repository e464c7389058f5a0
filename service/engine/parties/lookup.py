"""An officer's look-up on the party lists: entries found by name, and one entry in full."""

from dataclasses import dataclass
from datetime import date

from service.engine.models import PartyCitation
from service.engine.parties.schema import Announcement, PartyEntry, PartyList
from service.engine.parties.screen import PartyScreen, citation_of
from service.engine.parties.status import Standing, standing_on


@dataclass(frozen=True, slots=True)
class FoundParty:
    """A listed entry, where it stands on the day asked, and how well it matched the query."""

    announcement: Announcement
    entry: PartyEntry
    standing: Standing
    score: float | None = None
    name_matched: str | None = None

    @property
    def citation(self) -> PartyCitation:
        """The notice that listed the entry."""
        return citation_of(self.announcement)


def find_parties(
    screen: PartyScreen,
    *,
    q: str | None,
    day: date,
    party_list: PartyList | None = None,
    country: str | None = None,
) -> list[FoundParty]:
    """Entries whose names match `q` (fuzzy, English or Chinese), best first; without `q`,
    every entry, newest listing first. `party_list` and `country` filter."""
    found: list[tuple[str, float | None, str | None]]
    if q and q.strip():
        hits = screen.index.look_up(q, screen.thresholds.lookup_threshold)
        found = [(hit.key, hit.score, hit.name_matched) for hit in hits]
    else:
        newest = sorted(screen.entries.items(), key=lambda item: item[0])
        newest.sort(key=lambda item: item[1][0].published, reverse=True)
        found = [(key, None, None) for key, _ in newest]
    parties = []
    for key, score, name in found:
        announcement, entry = screen.entries[key]
        if party_list and announcement.list is not party_list:
            continue
        if country and entry.country != country:
            continue
        standing = standing_on(announcement, entry, day)
        parties.append(FoundParty(announcement, entry, standing, score, name))
    return parties


def party_entry(screen: PartyScreen, entry_id: str, day: date) -> FoundParty | None:
    """One entry and where it stands on `day`, or None when no list has that id."""
    pair = screen.entries.get(entry_id)
    if pair is None:
        return None
    announcement, entry = pair
    return FoundParty(announcement, entry, standing_on(announcement, entry, day))
