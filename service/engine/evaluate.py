"""What one matched category contributes to a screening, given the date, place and parameters."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from service.engine import conditions, timeline
from service.engine.conditions import ParameterVerdict
from service.engine.models import (
    Advisory,
    Citation,
    Decision,
    Match,
    MatchStatus,
    ParameterCheck,
    ScreeningRequest,
)
from service.engine.schema import Category, Control, Instrument, TransactionType

# What a matched, applicable category contributes, by its control level.
CONTROL_DECISION = {
    Control.prohibited: Decision.prohibited,
    Control.restricted: Decision.approval_required,
}


@dataclass(frozen=True, slots=True)
class Context:
    """The facts of one request that every category is judged against."""

    request: ScreeningRequest
    day: date
    destination: str | None
    origin: str
    work_in_china: bool
    values: dict[str, float]
    read_from_text: frozenset[str]
    ceilings: Mapping[str, str] = field(default_factory=dict)
    """Parameters whose value is a ceiling the description implies, with the reason."""


@dataclass(slots=True)
class EvaluatedMatch:
    """A match plus the advisories and missing facts it adds to the answer."""

    match: Match
    advisories: list[Advisory] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def citation(instrument: Instrument, category: Category) -> Citation:
    """The citation block for a category: instrument, item, dates and link."""
    return Citation(
        instrument=instrument.id,
        instrument_title=instrument.title,
        instrument_zh=instrument.title_zh,
        number=instrument.number,
        issuer=instrument.issuer,
        item_number=category.item_number,
        item_title=category.title,
        item_title_zh=category.title_zh,
        published=instrument.published,
        effective=timeline.start_of(instrument, category),
        url=instrument.url,
        also_cited=sorted({*instrument.also_cited, *category.also_cited}),
    )


def _match(
    instrument: Instrument,
    category: Category,
    score: float,
    terms: list[str],
    decision: Decision,
    status: MatchStatus,
    reason: str,
) -> Match:
    return Match(
        category_id=category.id,
        instrument_id=instrument.id,
        control=category.control,
        decision=decision,
        score=score,
        matched_terms=terms,
        status=status,
        reason=reason,
        confidence=category.confidence.value,
        citation=citation(instrument, category),
    )


def advisory(code: str, message: str, instrument: Instrument, category: Category) -> Advisory:
    """An advisory about one category of one instrument."""
    return Advisory(
        code=code, message=message, instrument_id=instrument.id, category_id=category.id
    )


def evaluate(
    ctx: Context, instrument: Instrument, category: Category, score: float, terms: list[str]
) -> EvaluatedMatch:
    """Judge a category whose terms matched: jurisdiction, dates, parameters, control level."""

    def out(decision: Decision, status: MatchStatus, reason: str) -> EvaluatedMatch:
        return EvaluatedMatch(_match(instrument, category, score, terms, decision, status, reason))

    if ctx.origin != "CN" and not instrument.extraterritorial:
        return out(
            Decision.allowed,
            MatchStatus.out_of_scope,
            f"The export starts in {ctx.origin}, outside the jurisdiction of {instrument.number}.",
        )
    if category.destinations and ctx.destination not in category.destinations:
        return out(
            Decision.allowed, MatchStatus.out_of_scope, "The destination is outside its scope."
        )
    standing = timeline.standing_on(instrument, category, ctx.day)
    if standing.status is not MatchStatus.in_force:
        return _out_of_force(ctx, instrument, category, score, terms, standing)
    if category.control is Control.not_controlled:
        return out(Decision.allowed, MatchStatus.in_force, category.summary)
    if ctx.work_in_china and ctx.request.transaction_type is TransactionType.engineer_hire:
        return _hire_inside_china(ctx, instrument, out)
    if category.unresolved:
        result = out(
            Decision.unknown,
            MatchStatus.in_force,
            f"Parts of this item were not retrieved: {category.unresolved}",
        )
        result.missing.append(category.unresolved)
        return result
    verdict, checks = conditions.check(category, ctx.values)
    result = _by_parameters(ctx, category, verdict, checks, out)
    result.match.parameters = checks
    if category.advisory and result.match.decision is not Decision.allowed:
        result.advisories.append(advisory("category_note", category.advisory, instrument, category))
    return result


# Builds the match of the category being judged from a decision, a status and a reason.
MakeMatch = Callable[[Decision, MatchStatus, str], EvaluatedMatch]


def _by_parameters(
    ctx: Context,
    category: Category,
    verdict: ParameterVerdict,
    checks: list[ParameterCheck],
    out: MakeMatch,
) -> EvaluatedMatch:
    """What the parameter verdict makes of an in-force, applicable category."""
    for check in checks:
        if check.name in ctx.read_from_text:
            check.note = "; ".join(filter(None, [check.note, "value read from the description"]))
    compared = conditions.describe(checks, ctx.ceilings)
    read = [c.name for c in checks if c.name in ctx.read_from_text and c.value is not None]
    if read:
        compared += f" ({', '.join(read)} read from the description)"
    if verdict is ParameterVerdict.not_met:
        return out(
            Decision.allowed, MatchStatus.in_force, f"The parameters take it out: {compared}."
        )
    if verdict is ParameterVerdict.uncertain:
        result = out(
            Decision.unknown,
            MatchStatus.in_force,
            f"The parameters fall short only of thresholds the research is unsure of: {compared}.",
        )
        result.missing.append(
            f"confirmation of the {category.item_number or category.id} thresholds in the "
            "official text (the encoded values are uncertain)"
        )
        return result
    if verdict is ParameterVerdict.missing:
        result = out(
            Decision.unknown, MatchStatus.in_force, f"It depends on parameters: {compared}."
        )
        result.missing += [c.name for c in checks if c.value is None]
        return result
    met = f"{category.summary} Its conditions are met: {compared}." if checks else category.summary
    return out(CONTROL_DECISION[category.control], MatchStatus.in_force, met)


def _out_of_force(
    ctx: Context,
    instrument: Instrument,
    category: Category,
    score: float,
    terms: list[str],
    standing: timeline.Standing,
) -> EvaluatedMatch:
    if standing.status is MatchStatus.end_day_unclear:
        decision = (
            Decision.allowed if category.control is Control.not_controlled else Decision.unknown
        )
        result = EvaluatedMatch(
            _match(instrument, category, score, terms, decision, standing.status, standing.message)
        )
        if decision is Decision.unknown:
            result.missing.append(
                f"whether {instrument.number} applies on {ctx.day} "
                "(the suspension's end day is unclear)"
            )
    else:
        result = EvaluatedMatch(
            _match(
                instrument,
                category,
                score,
                terms,
                Decision.allowed,
                standing.status,
                standing.message,
            )
        )
    result.advisories.append(
        advisory(standing.status.value, standing.message, instrument, category)
    )
    return result


def _hire_inside_china(
    ctx: Context,
    instrument: Instrument,
    out: MakeMatch,
) -> EvaluatedMatch:
    """A hire inside China exports nothing, unless the know-how goes to a foreign employer.

    The Export Control Law (Art. 2) and the Dual-Use Regulations treat provision to foreign
    persons inside China as an export; MOFCOM manages catalogue technologies that are also
    dual-use the same way. With a Chinese employer there is no export.
    """
    employer = ctx.request.counterparty.country if ctx.request.counterparty else None
    if employer == "CN":
        return out(
            Decision.allowed,
            MatchStatus.out_of_scope,
            "The work stays in China for a Chinese employer, so no technology is exported.",
        )
    result = out(
        Decision.unknown,
        MatchStatus.in_force,
        "The work stays in China, but providing this technology to a foreign organisation "
        f"inside China can be an export (Export Control Law Art. 2; {instrument.number}).",
    )
    result.missing.append(
        "whether the employer is a foreign organisation or individual "
        "(counterparty.country CN for a Chinese employer)"
    )
    return result


@dataclass(slots=True)
class ScreeningState:
    """Working state of one screening while the engine fills it in."""

    ctx: Context
    matches: list[Match] = field(default_factory=list)
    near_misses: list[Match] = field(default_factory=list)
    advisories: list[Advisory] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)
    reference_score: float = 0.0
    spelt_right: dict[str, float] = field(default_factory=dict)
    """Category scores had every misspelt word been written correctly, where they differ."""
    notes: list[str] = field(default_factory=list)

    def add(self, evaluated: EvaluatedMatch, full: bool) -> None:
        """Record an evaluated category as a match or a near miss."""
        (self.matches if full else self.near_misses).append(evaluated.match)
        if full:
            self.advisories += evaluated.advisories
            self.missing += evaluated.missing
