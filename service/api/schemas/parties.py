"""Looking up the party lists: API shapes for a search and for one listed entry."""

import builtins
from datetime import date

from pydantic import BaseModel, Field

from service.api.schemas.screenings import Page, PageQuery
from service.engine.models import CountryCode, PartyCitation
from service.engine.parties.lookup import FoundParty
from service.engine.parties.schema import Measure, PartyList, PartyWindow
from service.engine.parties.status import PartyStatus, windows_of
from service.engine.schema import Confidence

ENTRY_ID = Field(
    description="entry id", examples=["uel-2025-01-02.lockheed-martin-missiles-and-fire-control"]
)


class PartySummary(BaseModel):
    """A listed entry in a search result."""

    id: str = ENTRY_ID
    name: str = Field(description="the English name", examples=["Lockheed Martin Aeronautics"])
    name_zh: str | None = Field(description="the Chinese name", examples=["洛克希德·马丁航空公司"])
    list: PartyList = Field(description="the list it is on", examples=["unreliable_entity_list"])
    announcement: str = Field(description="the listing notice's id", examples=["UEL-2025-01-02"])
    country: str | None = Field(description="where it sits (ISO code)", examples=["US"])
    measures: builtins.list[Measure] = Field(description="what the listing does")
    status: PartyStatus = Field(description="where the listing stands on `as_of`")
    score: float | None = Field(
        description="how well `q` matched its best name (0-100); null without `q`", examples=[100]
    )
    name_matched: str | None = Field(
        description="the name (or alias, branch) `q` matched best", examples=["Lockheed Martin"]
    )


class PartyPage(Page[PartySummary]):
    """A page of listed entries: best match first, or newest listing first without `q`."""

    as_of: date = Field(description="the day each status is given for")


class PartyFilter(PageQuery):
    """Which listed entries to show."""

    q: str | None = Field(
        default=None,
        max_length=500,
        description="a name, or part of one, in English or Chinese (typos and legal forms do "
        "not matter)",
        examples=["Lockheed Martin"],
    )
    list: PartyList | None = Field(default=None, description="only entries on this list")
    country: CountryCode | None = Field(default=None, description="only entries of this country")
    as_of: date | None = Field(default=None, description="the day to give the status for; today")


class PartyAnnouncement(BaseModel):
    """The notice (or internal decision) that listed the entry."""

    id: str = Field(description="announcement id, the party file's name")
    list: PartyList
    issuer: str
    number: str | None = Field(description="official number, where known")
    title: str
    published: date
    effective: date | None = Field(description="first day applied; null: the publication day")
    url: str | None = Field(description="the official notice")
    sources: builtins.list[str] = Field(description="where the research found it")
    verified_on: date = Field(description="the newest material the research saw")
    conditions: str | None = Field(description="licence conditions (watch list)")
    confidence: Confidence = Field(description="how sure the research is of the notice")
    confidence_note: str | None = Field(description="why the notice's confidence is low")
    summary: str


class PartyDetail(PartySummary):
    """One listed entry in full: every name, the notice, the windows and the status on `as_of`."""

    aliases: builtins.list[str] = Field(description="other names it is found by")
    branches: builtins.list[str] = Field(description="branches listed with it")
    names: builtins.list[str] = Field(description="every name above, as screening matches them")
    as_of: date = Field(description="the day `status` is given for")
    status_message: str = Field(description="the status in a sentence, with the window's source")
    windows: builtins.list[PartyWindow] = Field(
        description="suspension and stop windows, notice's and own"
    )
    confidence: Confidence = Field(description="how sure the research is of this entry")
    note: str | None = Field(description="what the research noted about this entry")
    announcement_detail: PartyAnnouncement = Field(description="the listing notice")
    citation: PartyCitation = Field(description="how answers cite the listing")


def summarise(found: FoundParty) -> PartySummary:
    """The list view of a found entry."""
    return PartySummary(**_summary_fields(found))


def _summary_fields(found: FoundParty) -> dict:
    entry = found.entry
    return {
        "id": entry.id,
        "name": entry.name,
        "name_zh": entry.name_zh,
        "list": found.announcement.list,
        "announcement": found.announcement.id,
        "country": entry.country,
        "measures": entry.measures or found.announcement.measures,
        "status": found.standing.status,
        "score": found.score,
        "name_matched": found.name_matched,
    }


def detail(found: FoundParty, day: date) -> PartyDetail:
    """The full view of one entry on `day`."""
    announcement, entry = found.announcement, found.entry
    return PartyDetail(
        **_summary_fields(found),
        aliases=entry.aliases,
        branches=entry.branches,
        names=entry.names(),
        as_of=day,
        status_message=found.standing.message,
        windows=windows_of(announcement, entry),
        confidence=entry.confidence,
        note=entry.note,
        announcement_detail=PartyAnnouncement(
            **announcement.model_dump(include=set(PartyAnnouncement.model_fields))
        ),
        citation=found.citation,
    )
