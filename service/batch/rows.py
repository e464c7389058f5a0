"""Screens one CSV row into what a batch stores: its output columns and its audit fields."""

import logging
from datetime import date
from typing import Any

from service.batch import reading
from service.engine import Engine
from service.engine.models import PartyMatch, ScreeningResult
from service.store.batches import ScreenedRow
from service.store.screenings import decided_fields
from service.workflows.screening import decide

log = logging.getLogger("service.batch")

Row = tuple[int, list[str]]


def screen_row(
    engine: Engine, header: list[str], number: int, cells: list[str], today: date | None = None
) -> ScreenedRow:
    """One CSV row screened (on `today` when it has no as_of; default the Beijing day).

    Its audit fields are None when it cannot be read.
    """
    try:
        request = reading.to_request(header, cells)
        result = decide(engine, request, today)
    except ValueError as exc:
        return ScreenedRow(number, cells, None, {"error": str(exc)})
    except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
        log.exception("batch.row_failed", extra={"row": number})
        return ScreenedRow(number, cells, None, {"error": f"internal error: {type(exc).__name__}"})
    # Encoded here, so a worker process sends the store the very text it writes (pool.py).
    decided = decided_fields(request, result, encoded=True)
    return ScreenedRow(number, cells, decided, outcome(result))


def outcome(result: ScreeningResult) -> dict[str, Any]:
    """The output fields of one screened row."""
    return {
        "decision": result.decision.value,
        "categories": [m.category_id for m in result.matches],
        "citations": [
            f"{m.instrument_id} {m.citation.item_number or m.citation.number}"
            for m in result.matches
        ],
        "missing_information": result.missing_information,
        "advisories": [a.code for a in result.advisories],
        "explanation": result.explanation,
        "error": None,
        "parties": [party_cell(m) for m in result.party_matches],
    }


def party_cell(match: PartyMatch) -> str:
    """One party match in a few words: who, which entry on which list, and its effect."""
    return (
        f"{match.party.role.value} '{match.party.name}': {match.strength} {match.score:g} on "
        f"{match.entry_id} ({match.list}, {match.status}) -> {match.decision.value}"
    )
