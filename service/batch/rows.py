"""Screens one CSV row into what a batch stores: its output columns and its audit fields."""

import logging
from collections import OrderedDict
from datetime import date
from typing import Any

from service.batch import reading
from service.engine import Engine
from service.engine.calendar import beijing_today
from service.engine.models import PartyMatch, ScreeningResult
from service.store.batches import ScreenedRow
from service.store.json_codec import EncodedJson
from service.store.screenings import decided_fields
from service.workflows.screening import decide

log = logging.getLogger("service.batch")

Row = tuple[int, list[str]]

# Distinct rows whose answers a RowScreener keeps: at ~25 KB each, about 25 MB a process.
MEMO_ROWS = 1_024


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


class RowScreener:
    """Screens the rows of batch files with one engine; a row seen before is not screened again.

    ERP exports repeat lines: the same item, destination and parties under a new reference. The
    engine ignores the reference and answers the same request the same way on the same day, so
    such a row takes the answer of its first occurrence, with its own request (and reference)
    recorded. The answers of the last MEMO_ROWS distinct rows are kept, least recently used out.
    """

    def __init__(self, engine: Engine, size: int = MEMO_ROWS) -> None:
        self.engine = engine
        self.size = size
        self._answers: OrderedDict[tuple[Any, ...], tuple[dict[str, Any], dict[str, Any]]]
        self._answers = OrderedDict()
        self._header: list[str] = []
        self._columns: tuple[str, ...] = ()
        self._reference_at: int | None = None

    def screen(
        self, header: list[str], number: int, cells: list[str], today: date | None = None
    ) -> ScreenedRow:
        """The row screened as screen_row() would, on `today` (default the Beijing day)."""
        day = today or beijing_today()
        key = self._key(header, cells, day)
        known = self._answers.get(key) if key is not None else None
        if key is None or known is None:
            row = screen_row(self.engine, header, number, cells, day)
            if key is not None and row.decided is not None:
                self._answers[key] = (row.decided, row.outcome)
                if len(self._answers) > self.size:
                    self._answers.popitem(last=False)
            return row
        self._answers.move_to_end(key)
        decided, answered = known
        try:
            request = reading.to_request(header, cells)  # the reference may not read
        except ValueError as exc:
            return ScreenedRow(number, cells, None, {"error": str(exc)})
        own = EncodedJson.of(request.model_dump(mode="json"))
        return ScreenedRow(
            number, cells, {**decided, "reference": request.reference, "request": own}, answered
        )

    def _key(self, header: list[str], cells: list[str], day: date) -> tuple[Any, ...] | None:
        """What decides a row's answer: the file's columns, every cell but the reference, the day.

        None for a row whose cells do not line up with the header (it fails to read anyway).
        """
        if header is not self._header:
            names = [name.strip().lower() for name in header]
            self._header, self._columns = header, tuple(names)
            self._reference_at = names.index("reference") if "reference" in names else None
        if len(cells) != len(self._columns):
            return None
        at = self._reference_at
        kept = tuple(cells) if at is None else (*cells[:at], *cells[at + 1 :])
        return (day, self._columns, kept)


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
