"""The party-list file schema: one announcement (or internal list) and the entries it designates."""

import builtins
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from service.engine.schema import (
    CATEGORY_ID_PATTERN,
    COUNTRY_PATTERN,
    ID_PATTERN,
    Confidence,
    Strict,
)


class PartyList(StrEnum):
    """Which list an announcement adds to; `internal` is an organisation's own list."""

    control_list = "control_list"
    watch_list = "watch_list"
    unreliable_entity_list = "unreliable_entity_list"
    countermeasure_list = "countermeasure_list"
    internal = "internal"


class Measure(StrEnum):
    """What a listing does; the decision reads these, never free text."""

    dual_use_export_ban = "dual_use_export_ban"
    third_party_transfer_ban = "third_party_transfer_ban"
    watch_list_review = "watch_list_review"
    all_trade_ban = "all_trade_ban"
    transaction_ban = "transaction_ban"
    investment_ban = "investment_ban"
    entry_ban = "entry_ban"
    residence_ban = "residence_ban"
    fine = "fine"
    countermeasures = "countermeasures"
    listed = "listed"


class PartyWindow(Strict):
    """A period in which a listing's measures stay on the books but are not applied.

    `suspended` runs from `start` to `end` (an `end` of null: the length was never stated);
    `stopped` runs from `start` for good.
    """

    kind: Literal["suspended", "stopped"]
    start: date = Field(description="first day the measures are not applied")
    end: date | None = Field(default=None, description="last day suspended; null for stopped")
    end_day_unclear: bool = False
    by: str = Field(description="what suspended or stopped the measures")
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "PartyWindow":
        if self.kind == "stopped" and (self.end or self.end_day_unclear):
            raise ValueError("a stopped window has no end")
        if self.end and self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")
        return self


class Announcement(Strict):
    """The notice (or internal decision) behind a file's entries, and how to cite it."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    list: PartyList
    issuer: str
    number: str | None = Field(default=None, description="official number, where known")
    title: str
    published: date
    effective: date | None = Field(default=None, description="default: `published`")
    url: str | None = None
    sources: builtins.list[str] = Field(default_factory=builtins.list)
    verified_on: date = Field(description="the newest material the research saw")
    measures: builtins.list[Measure] = Field(min_length=1, description="what the listing does")
    conditions: str | None = Field(
        default=None, description="licence conditions, said in the reason (watch list)"
    )
    windows: builtins.list[PartyWindow] = Field(default_factory=builtins.list)
    confidence: Confidence = Confidence.high
    confidence_note: str | None = None
    summary: str

    @model_validator(mode="after")
    def _noted(self) -> "Announcement":
        if self.confidence is Confidence.low and not self.confidence_note:
            raise ValueError("confidence: low needs a confidence_note")
        return self


class PartyEntry(Strict):
    """One designated party: its names in every script, its country and its own exceptions."""

    id: Annotated[str, Field(pattern=CATEGORY_ID_PATTERN)]
    name: str = Field(min_length=1)
    name_zh: str | None = None
    aliases: list[str] = Field(default_factory=list)
    branches: list[str] = Field(default_factory=list, description="branches listed with it")
    country: Annotated[str, Field(pattern=COUNTRY_PATTERN)] | None = None
    measures: list[Measure] | None = Field(default=None, description="default: the announcement's")
    windows: list[PartyWindow] = Field(default_factory=list)
    confidence: Confidence = Confidence.high
    note: str | None = None

    @field_validator("aliases", "branches")
    @classmethod
    def _no_blank(cls, names: list[str]) -> list[str]:
        if any(not n.strip() for n in names):
            raise ValueError("blank name")
        return names

    def names(self) -> list[str]:
        """Every name the entry may be found by."""
        zh = [self.name_zh] if self.name_zh else []
        return [self.name, *zh, *self.aliases, *self.branches]


class PartyFile(Strict):
    """The whole content of one file under rules/parties/."""

    announcement: Announcement
    entries: list[PartyEntry] = Field(min_length=1)
