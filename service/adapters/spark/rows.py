"""Screens Arrow record batches inside a Spark executor, with the batch CSV's row code.

Each row goes through `rows.RowScreener` exactly as a row of `screening screen` does, so a row
gets the same decision, categories and error message here as there, and a line repeated under
a new reference is screened once per task. A row Spark's CSV reader found malformed (too few or
too many cells) arrives as its raw line in `_corrupt_record` and is re-read into cells, so it
fails with the CLI's message.
"""

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import orjson
import pyarrow as pa

from service.adapters.spark.rules import engine_for
from service.batch import rows as batch_rows
from service.batch import writing

CORRUPT = "_corrupt_record"
ROW_ID = "row_id"
# The batch CSV's result columns, less screening_id: a Spark run stores no screening rows.
RESULT_FIELDS = tuple(name for name in writing.OUTPUT_FIELDS if name != "screening_id")
LIST_FIELDS = frozenset({"categories", "citations", "missing_information", "advisories"})
ADDED_FIELDS = ("ruleset_version", "ruleset_digest", "input_sha256", ROW_ID)


@dataclass(frozen=True)
class RowJob:
    """What every executor needs to screen rows: the columns, the rules and the date."""

    header: tuple[str, ...]
    rules_dir: str
    ruleset_version: str
    ruleset_digest: str
    as_of: date


def output_schema(header: tuple[str, ...]) -> pa.Schema:
    """The input columns as strings, the batch CSV's result columns, then the run's own."""
    strings = pa.list_(pa.string())
    return pa.schema(
        [
            *(pa.field(name, pa.string()) for name in header),
            *(pa.field(n, strings if n in LIST_FIELDS else pa.string()) for n in RESULT_FIELDS),
            pa.field("ruleset_version", pa.string()),
            pa.field("ruleset_digest", pa.string()),
            pa.field("input_sha256", pa.string()),
            pa.field(ROW_ID, pa.int64()),
        ]
    )


def row_hash(cells: list[str]) -> str:
    """Hex sha256 of a row's cells as a JSON array of strings (UTF-8, no spaces)."""
    return hashlib.sha256(orjson.dumps(cells)).hexdigest()


def screen_batches(batches: Iterator[pa.RecordBatch], job: RowJob) -> Iterator[pa.RecordBatch]:
    """mapInArrow's function: each batch of input rows becomes a batch of screened rows."""
    engine = engine_for(job.rules_dir, job.ruleset_digest)
    schema = output_schema(job.header)
    header = list(job.header)
    screener = batch_rows.RowScreener(engine)
    for batch in batches:
        columns = {name: batch.column(name).to_pylist() for name in batch.schema.names}
        corrupt = columns.get(CORRUPT) or [None] * batch.num_rows
        out: dict[str, list] = {name: [] for name in schema.names}
        for index in range(batch.num_rows):
            echoed = [columns[name][index] for name in header]
            raw = corrupt[index]
            cells = next(csv.reader([raw]), []) if raw else [v or "" for v in echoed]
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, skipped as the batch CSV reader skips it
            outcome = screener.screen(header, 0, cells, job.as_of).outcome
            for name, value in zip(header, echoed, strict=True):
                out[name].append(value)
            for name in RESULT_FIELDS:
                out[name].append(outcome.get(name))
            out["ruleset_version"].append(job.ruleset_version)
            out["ruleset_digest"].append(job.ruleset_digest)
            out["input_sha256"].append(row_hash(cells))
            out[ROW_ID].append(columns[ROW_ID][index])
        yield pa.RecordBatch.from_pydict(out, schema=schema)
