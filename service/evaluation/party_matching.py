"""Precision and recall of party-name matching against labelled names, in process."""

from dataclasses import dataclass
from typing import Any

from service.engine import Engine


@dataclass(frozen=True, slots=True)
class PartyMatchingReport:
    """How the name index did on names known to be listed and names known not to be."""

    listed: int
    found: int
    not_listed: int
    hits: int
    possible_hits: int
    false_names: list[str]

    @property
    def recall(self) -> float:
        """Share of listed parties whose entry was a hit or a possible hit."""
        return self.found / self.listed if self.listed else 1.0

    @property
    def precision_on_unlisted(self) -> float:
        """Share of names known not to be listed that raised no hit of either strength."""
        flagged = self.hits + self.possible_hits
        return 1.0 - flagged / self.not_listed if self.not_listed else 1.0


def party_matching(
    engine: Engine, cases: list[dict[str, Any]], unlisted: list[dict[str, Any]]
) -> PartyMatchingReport:
    """Screen the party names of labelled cases (`listed_as`) and of known unlisted names."""
    index, names = engine.parties.index, engine.parties.entries
    listed = found = 0
    for case in cases:
        wanted = case.get("listed_as")
        if not wanted:
            continue
        # The listed party may be any of the case's parties (an intermediary, the end user).
        listed += 1
        found += any(
            wanted in _names_of(names[hit.key][1])
            for party in case["request"].get("parties", [])
            for hit in index.search(party["name"], party.get("country"))
        )
    strong = weak = 0
    false_names = []
    for row in unlisted:
        hits = index.search(row["name"], row.get("country"))
        if hits:
            false_names.append(f"{row['name']} ~ {hits[0].name_matched} ({hits[0].score:g})")
            if hits[0].score >= engine.parties.thresholds.match_threshold:
                strong += 1
            else:
                weak += 1
    return PartyMatchingReport(listed, found, len(unlisted), strong, weak, false_names)


def _names_of(entry: Any) -> set[str]:
    return set(entry.names())
