"""Writes a job's results as CSV or JSON lines, with cells safe to open in a spreadsheet."""

import csv
import io
import json
from collections.abc import Iterable, Iterator

from service.batch.reading import has_party_columns
from service.store.batches import StoredRow

OUTPUT_FIELDS = (
    "decision",
    "categories",
    "citations",
    "missing_information",
    "advisories",
    "explanation",
    "screening_id",
    "error",
)
# Added last, and only for files naming a party, so other files' results keep their layout.
PARTIES_FIELD = "parties"
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix a quote to a cell a spreadsheet would otherwise run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def output_fields(columns: list[str]) -> tuple[str, ...]:
    """The result columns of a file with these input columns."""
    return (*OUTPUT_FIELDS, PARTIES_FIELD) if has_party_columns(columns) else OUTPUT_FIELDS


def output_header(columns: list[str]) -> list[str]:
    """The input columns, then the result columns."""
    return [*columns, *output_fields(columns)]


def csv_lines(
    columns: list[str], rows: Iterable[StoredRow], *, header: bool = True
) -> Iterator[str]:
    """The result CSV, a line at a time (header first, unless `header` is false)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow([neutralise(name) for name in output_header(columns)])
    fields = output_fields(columns)
    for row in rows:
        # A short (ragged) row is padded so its results stay under their own headers.
        padded = [*row.cells, *[""] * (len(columns) - len(row.cells))]
        cells = [*padded, *(_cell(row.outcome.get(name)) for name in fields)]
        writer.writerow([neutralise(cell) for cell in cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


def json_record(columns: list[str], row: StoredRow) -> dict:
    """One row as a JSON object: row number, input cells by column, then the results."""
    cells = dict(zip(columns, row.cells, strict=False))
    results = {n: row.outcome.get(n) for n in output_fields(columns)}
    return {"row": row.row_number, **cells, **results}


def json_lines(columns: list[str], rows: Iterable[StoredRow]) -> Iterator[str]:
    """The results as JSON lines, one object a row."""
    for row in rows:
        yield json.dumps(json_record(columns, row), ensure_ascii=False) + "\n"
