"""Writes the one-paragraph explanation a compliance officer reads."""

from service.engine.coverage import InstrumentCoverage
from service.engine.evaluate import ScreeningState
from service.engine.models import Decision, Match, MatchStatus
from service.engine.schema import Category, Instrument, Regime, TransactionType

_DEAL = {
    TransactionType.technology_transfer: "This technology transfer",
    TransactionType.equipment_sale: "This equipment sale",
    TransactionType.material_export: "This material export",
    TransactionType.engineer_hire: "This engineer hire",
}
_ART2 = (
    "Treating the hire as a technology export is an interpretation of Art. 2 of the Regulations "
    "on Technology Import and Export Administration (technical services and know-how leaving "
    "China), which does not name employment."
)
_ART2_NAMED = "MOFCOM Announcement 2025 No. 62 names employment and hiring as a form of export."


def _item(match: Match) -> str:
    cite = match.citation
    number = f"{cite.item_number}, " if cite.item_number else ""
    return f"{cite.item_title} ({number}{cite.number})"


def _terms(match: Match) -> str:
    return ", ".join(f"'{t}'" for t in match.matched_terms[:3])


def explain(
    decision: Decision,
    state: ScreeningState,
    categories: dict[str, tuple[Instrument, Category]],
    checked: list[InstrumentCoverage],
    parties: list[str] | None = None,
) -> str:
    """One paragraph: the decision, the parties' sentences, what decided it, what did not, and
    what is missing."""
    ctx = state.ctx
    tx = ctx.request.transaction_type
    out = [f"{_DEAL[tx]} was screened as of {ctx.day}: {decision.value}.", *(parties or [])]
    deciding = [m for m in state.matches if m.decision is not Decision.allowed]
    others = [m for m in state.matches if m.decision is Decision.allowed]
    out += [
        f"It matches {_item(m)} on {_terms(m)} (score {m.score:g}). {m.reason}" for m in deciding
    ]
    out += [f"It also matches {_item(m)}, which does not restrict it: {m.reason}" for m in others]
    out += state.notes
    if decision is Decision.unknown and state.missing:
        needs = dict.fromkeys(m.rstrip(". ") for m in state.missing)
        out.append("To decide, the engine needs: " + "; ".join(needs) + ".")
    for match in state.matches:
        instrument, category = categories[match.category_id]
        if category.confidence.value == "low":
            out.append(f"Uncertain research behind {match.category_id}: {category.confidence_note}")
    if tx is TransactionType.engineer_hire and deciding:
        named = any(
            m.instrument_id == "MOFCOM-2025-62" and m.status == MatchStatus.in_force
            for m in deciding
        )
        catalogue = any(
            categories[m.category_id][0].regime is Regime.technology_catalogue for m in deciding
        )
        if named:
            out.append(_ART2_NAMED)
        elif catalogue:
            out.append(_ART2)
    if decision is Decision.allowed and not deciding:
        if ctx.origin != "CN":
            out.append(
                f"The export starts in {ctx.origin}, outside the jurisdiction of the encoded "
                "instruments, and no extraterritorial category applies."
            )
        elif not state.matches:
            out.append("No encoded category in force applies to it.")
        out.append(_checked(checked))
    return " ".join(out)


def _checked(checked: list[InstrumentCoverage]) -> str:
    """The sentence naming what an allowed answer was checked against."""
    if not checked:
        return "No encoded instrument concerns this kind of deal."
    named = ", ".join(
        f"{e.instrument.id} (partly encoded: {e.counted()})" if e.partial else e.instrument.id
        for e in checked
    )
    caveat = (
        " A partly encoded instrument may list this deal under an item these rules lack: see the "
        "coverage_gap advisories."
        if any(e.partial for e in checked)
        else ""
    )
    return f"Checked against: {named}.{caveat}"
