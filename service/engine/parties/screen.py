"""Screens a deal's parties against the party lists and says what each hit does to the decision.

Policy 18 of the regulatory brief, on `as_of` and within each listing's windows:
an all-trade ban prohibits the deal whatever the item; the control list prohibits a dual-use
item and leaves any other item `unknown` (our dual-use coverage is partial); the watch list
needs at least a licence; a possible (fuzzy) hit is at least `unknown`. A suspended or stopped
listing is an advisory, never applied.
"""

from dataclasses import dataclass, field
from datetime import date

from service.engine.loader import RuleSet
from service.engine.models import (
    Advisory,
    Decision,
    Party,
    PartyCitation,
    PartyMatch,
    PartyRole,
    ScreeningRequest,
)
from service.engine.parties.index import NameHit, PartyIndex
from service.engine.parties.schema import Announcement, Measure, PartyEntry, PartyList
from service.engine.parties.status import APPLIED, UNCLEAR, PartyStatus, standing_on, windows_of

LIST_NAMES = {
    PartyList.control_list: "Export Control Control List",
    PartyList.watch_list: "Export Control Watch List",
    PartyList.unreliable_entity_list: "Unreliable Entity List",
    PartyList.countermeasure_list: "countermeasure list",
    PartyList.internal: "internal restricted-party list",
}
_ROLES = {
    PartyRole.importer: "importer",
    PartyRole.end_user: "end user",
    PartyRole.consignee: "consignee",
    PartyRole.intermediary: "intermediary",
    PartyRole.employer: "employer",
}
_TRADE_BANS = (Measure.all_trade_ban, Measure.transaction_ban)


@dataclass
class PartyOutcome:
    """What the parties add to a screening."""

    matches: list[PartyMatch] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    advisories: list[Advisory] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    @property
    def decision(self) -> Decision:
        """The most severe contribution of the applied matches (allowed when none)."""
        return max(
            (m.decision for m in self.matches), key=lambda d: d.severity, default=Decision.allowed
        )


class PartyScreen:
    """The party lists of one rule set and their name index; safe to share between threads."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.thresholds = ruleset.party_thresholds
        self.entries: dict[str, tuple[Announcement, PartyEntry]] = {
            entry.id: (party_file.announcement, entry)
            for party_file in ruleset.parties.values()
            for entry in party_file.entries
        }
        self.index: PartyIndex[str] = PartyIndex(
            (
                (entry.id, name, entry.country)
                for _, entry in self.entries.values()
                for name in entry.names()
            ),
            self.thresholds,
        )
        verified = [a.verified_on for a, _ in self.entries.values() if a.list != PartyList.internal]
        self.research_end = max(verified, default=None)

    def screen(self, request: ScreeningRequest, day: date, dual_use_item: bool) -> PartyOutcome:
        """Match every party, decide what each hit contributes, and say it."""
        outcome = PartyOutcome()
        parties = parties_of(request)
        for party in parties:
            found = [
                self._match(party, hit, day, dual_use_item)
                for hit in self.index.search(party.name, party.country)
            ]
            found.sort(key=lambda m: (-m.decision.severity, -m.score, m.entry_id))
            outcome.matches += found
            if found:
                outcome.sentences.append(_sentence(found[0], day))
            for match in found:
                self._notes(outcome, match, day)
        if parties and self.research_end and day > self.research_end:
            outcome.advisories.append(
                Advisory(
                    code="status_not_verified",
                    message=f"The party lists were researched up to {self.research_end}: "
                    f"designations, suspensions and removals since then, up to {day}, have not "
                    "been verified.",
                )
            )
        return outcome

    def _match(self, party: Party, hit: NameHit[str], day: date, dual_use_item: bool) -> PartyMatch:
        announcement, entry = self.entries[hit.key]
        standing = standing_on(announcement, entry, day)
        measures = entry.measures or announcement.measures
        strong = hit.score >= self.thresholds.match_threshold
        listed = f"{LIST_NAMES[announcement.list]} ({_cite(announcement)})"
        if standing.status in APPLIED and strong:
            decision, reason = _effect(measures, announcement, dual_use_item)
        elif standing.status in APPLIED or standing.status in UNCLEAR:
            decision = Decision.unknown
            reason = (
                f"possibly {entry.name} on the {listed}, score {hit.score:g}; confirm the identity"
                if not strong
                else f"on the {listed}, {standing.message}; confirm the status on {day}"
            )
        else:
            decision = Decision.allowed
            reason = f"on the {listed}, but {standing.message}: not applied on {day}"
        return PartyMatch(
            party=party,
            entry_id=entry.id,
            list=announcement.list.value,
            name_matched=hit.name_matched,
            score=hit.score,
            status=standing.status.value,
            measures=[m.value for m in measures],
            citation=citation_of(announcement),
            strength="hit" if strong else "possible_hit",
            decision=decision,
            reason=reason,
        )

    def _notes(self, outcome: PartyOutcome, match: PartyMatch, day: date) -> None:
        """Missing information for what is unclear, advisories for what is not applied."""
        announcement, entry = self.entries[match.entry_id]
        who = f"the {_ROLES[match.party.role]} '{match.party.name}'"
        if match.decision is Decision.unknown:
            if match.strength == "possible_hit":
                outcome.missing.append(
                    f"whether {who} is {entry.name} ({match.entry_id}) on the "
                    f"{LIST_NAMES[announcement.list]}"
                )
            elif match.status in UNCLEAR:
                outcome.missing.append(
                    f"the status on {day} of the listing of {entry.name} ({_cite(announcement)})"
                )
            else:
                outcome.missing.append(
                    f"whether the item is outside the Dual-Use List, or what else applies to "
                    f"{entry.name} ({_cite(announcement)}): {match.reason}"
                )
        elif match.status == PartyStatus.in_force:
            ended = [w.end for w in windows_of(announcement, entry) if w.end and w.end < day]
            if ended:
                outcome.advisories.append(
                    Advisory(
                        code="status_not_verified",
                        message=f"The suspension of {entry.name} ({_cite(announcement)}) ran to "
                        f"{max(ended)} and is applied again after it; what MOFCOM decided when "
                        "it ended has not been verified.",
                        instrument_id=announcement.id,
                        category_id=entry.id,
                    )
                )
        if match.decision is Decision.allowed:
            outcome.advisories.append(
                Advisory(
                    code=f"party_{match.status}",
                    message=f"{who} matches {entry.name} ({match.entry_id}): {match.reason}.",
                    instrument_id=announcement.id,
                    category_id=entry.id,
                )
            )


def parties_of(request: ScreeningRequest) -> list[Party]:
    """The request's parties, with `counterparty` as the importer unless already named."""
    parties = list(request.parties)
    counterparty = request.counterparty
    if counterparty and counterparty.name:
        importer = Party(
            role=PartyRole.importer, name=counterparty.name, country=counterparty.country
        )
        if not any(p.role is PartyRole.importer and p.name == importer.name for p in parties):
            parties.insert(0, importer)
    return parties


def _effect(
    measures: list[Measure], announcement: Announcement, dual_use_item: bool
) -> tuple[Decision, str]:
    """The most severe effect of a listing's measures on this deal, with its reason."""
    listed = f"{LIST_NAMES[announcement.list]} ({_cite(announcement)})"
    if any(m in _TRADE_BANS for m in measures):
        return Decision.prohibited, f"the {listed} bans China-related trade with it"
    if Measure.dual_use_export_ban in measures:
        if dual_use_item:
            return Decision.prohibited, f"the {listed} bans exports of dual-use items to it"
        return Decision.unknown, (
            f"the {listed} bans exports of dual-use items to it; the item was not found to be "
            "dual-use controlled, but the encoded Dual-Use List is incomplete, so an officer must "
            "confirm the item is outside it"
        )
    if Measure.watch_list_review in measures:
        conditions = announcement.conditions or "an individual licence with MOFCOM's review"
        return Decision.approval_required, f"the {listed} requires {conditions}"
    named = ", ".join(m.value for m in measures)
    return Decision.unknown, f"the {listed} names it with measures ({named}) an officer must weigh"


def citation_of(announcement: Announcement) -> PartyCitation:
    """The notice that put a party on its list, as cited in answers."""
    return PartyCitation(
        announcement=announcement.id,
        number=announcement.number,
        issuer=announcement.issuer,
        title=announcement.title,
        published=announcement.published,
        effective=announcement.effective,
        url=announcement.url,
    )


def _cite(announcement: Announcement) -> str:
    return announcement.number or f"{announcement.issuer}, {announcement.published}"


def _sentence(match: PartyMatch, day: date) -> str:
    """One sentence on the party's most severe match."""
    who = f"The {_ROLES[match.party.role]} '{match.party.name}'"
    kind = "matches" if match.strength == "hit" else "may be"
    head = f"{who} {kind} {match.name_matched} (score {match.score:g})"
    if match.decision is Decision.allowed:
        return f"{head}, {match.reason}."
    return f"{head}, so the deal is at least {match.decision.value} on {day}: {match.reason}."
