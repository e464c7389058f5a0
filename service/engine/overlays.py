"""Destination rules that act on other matches, e.g. dual-use items to US or Japanese military."""

from service.engine import timeline
from service.engine.evaluate import CONTROL_DECISION, ScreeningState, advisory, citation
from service.engine.models import Decision, Match, MatchStatus
from service.engine.schema import Category, Instrument

_CONTROLLED = (Decision.prohibited, Decision.approval_required)


def _fires(category: Category, match: Match, instruments: dict[str, Instrument]) -> bool:
    trigger = category.triggered_by
    assert trigger is not None
    return (
        instruments[match.instrument_id].regime in trigger.regimes
        or match.instrument_id in trigger.instruments
        or match.category_id in trigger.categories
    )


def apply(
    state: ScreeningState,
    overlays: list[tuple[Instrument, Category]],
    instruments: dict[str, Instrument],
) -> None:
    """Add every overlay that a controlled match triggers for this destination and end use."""
    ctx = state.ctx
    base = [m for m in state.matches if m.decision in _CONTROLLED]
    for instrument, category in overlays:
        if ctx.request.transaction_type not in category.applies_to:
            continue
        if ctx.origin != "CN" and not instrument.extraterritorial:
            continue
        firing = [m for m in base if _fires(category, m, instruments)]
        if not firing:
            continue
        consequence = f"{CONTROL_DECISION[category.control]} under {instrument.number}"
        if category.destinations and ctx.destination not in category.destinations:
            if ctx.destination is None:
                state.advisories.append(
                    advisory(
                        "destination_not_given",
                        f"No destination given: to {', '.join(category.destinations)}"
                        f"{' for a military user or use' if category.military_end_use else ''} "
                        f"this deal would be {consequence} ({category.title}).",
                        instrument,
                        category,
                    )
                )
            continue
        if category.military_end_use and ctx.request.military_end_use is not True:
            if ctx.request.military_end_use is None:
                state.advisories.append(
                    advisory(
                        "military_end_use_not_stated",
                        f"Military end use not stated: for a military user or use this deal "
                        f"would be {consequence} ({category.title}).",
                        instrument,
                        category,
                    )
                )
            continue
        state.matches.append(_overlay_match(state, instrument, category, firing))


def _overlay_match(
    state: ScreeningState, instrument: Instrument, category: Category, firing: list[Match]
) -> Match:
    standing = timeline.standing_on(instrument, category, state.ctx.day)
    if standing.status is MatchStatus.in_force:
        decision = CONTROL_DECISION[category.control]
        reason = f"{category.summary} Triggered by {', '.join(m.category_id for m in firing)}."
        if category.advisory:
            state.advisories.append(advisory("overlay", category.advisory, instrument, category))
    else:
        decision = (
            Decision.unknown if standing.status is MatchStatus.end_day_unclear else Decision.allowed
        )
        reason = standing.message
        state.advisories.append(
            advisory(standing.status.value, standing.message, instrument, category)
        )
        if decision is Decision.unknown:
            state.missing.append(
                f"whether {instrument.number} ({category.title}) applies on {state.ctx.day}"
            )
    return Match(
        category_id=category.id,
        instrument_id=instrument.id,
        control=category.control,
        decision=decision,
        score=max(m.score for m in firing),
        matched_terms=[f"triggered by {m.category_id}" for m in firing],
        status=standing.status,
        reason=reason,
        confidence=category.confidence.value,
        citation=citation(instrument, category),
    )
