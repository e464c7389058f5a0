"""Repeated rows of a batch file take the answer of their first occurrence, and nothing else.

An ERP export repeats its lines under new references; `RowScreener` screens such a line once.
These tests hold it to what a fresh screening of every row gives, and check what the audit log
and results file of a real `screening screen` run show for a file of repeated lines.
"""

import csv
import json
from datetime import date

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from service.batch.rows import RowScreener, screen_row
from service.cli import app
from service.engine import Engine
from service.store.tables import Screening
from tests.data import make_gb18030_fixture

HEADER = make_gb18030_fixture.HEADER
SHORT = HEADER[:4]  # reference, transaction_type, description, destination_country
DAY = date(2026, 12, 1)


def repeated_rows(count: int) -> list[list[str]]:
    """The fixture's deals over and over, each under its own reference, some rows broken."""
    rows = list(make_gb18030_fixture.rows(count))
    rows[7][1] = "smuggling"  # an unknown transaction type
    rows[12][0] = "R" * 201  # a reference too long to record, on a deal seen before
    rows[15] = rows[15][:3]  # a short row
    return rows


@pytest.mark.parametrize("size", [4_096, 1], ids=["kept", "evicted each time"])
def test_every_row_gets_what_a_fresh_screening_gives_it(engine: Engine, size: int):
    screener = RowScreener(engine, size=size)
    for number, cells in enumerate(repeated_rows(40), start=1):
        fresh = screen_row(engine, HEADER, number, cells, DAY)
        assert screener.screen(HEADER, number, cells, DAY) == fresh, f"row {number}"


def test_a_repeated_row_records_its_own_request_and_reference(engine: Engine):
    screener = RowScreener(engine)
    first = screener.screen(SHORT, 1, ["PO-1", "material_export", "gallium ingots", "US"], DAY)
    again = screener.screen(SHORT, 2, ["PO-2", "material_export", "gallium ingots", "US"], DAY)
    assert first.decided is not None and again.decided is not None
    assert again.decided["reference"] == "PO-2"
    assert json.loads(again.decided["request"].stored)["reference"] == "PO-2"
    assert again.decided["result"] == first.decided["result"]
    assert again.outcome == first.outcome


def test_the_same_row_on_another_day_is_screened_again(engine: Engine):
    """Gallium needs an export licence since August 2023: the day is in the key."""
    screener = RowScreener(engine)
    cells = ["G-1", "material_export", "high-purity gallium metal ingots", "US"]
    before = screener.screen(SHORT, 1, cells, date(2023, 1, 1))
    after = screener.screen(SHORT, 2, cells, date(2026, 1, 1))
    assert after == screen_row(engine, SHORT, 2, cells, date(2026, 1, 1))
    assert before.outcome["decision"] != after.outcome["decision"]


def test_a_cli_run_on_repeated_lines_records_each_row_as_itself(database_url, tmp_path, session):
    source = make_gb18030_fixture.write(tmp_path / "orders.csv", 60)
    out = tmp_path / "out.csv"
    env = {"SCREENING_DATABASE_URL": database_url, "SCREENING_BATCH_CHUNK_SIZE": "25"}
    command = ["screen", str(source), "-o", str(out), "--jobs", "1"]
    result = CliRunner().invoke(app, command, env=env)
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    stored = {s.id: s for s in session.exec(select(Screening))}
    assert len(stored) == 60
    for row in written:
        record = stored[row["screening_id"]]
        assert record.reference == row["reference"] == record.request["reference"]
        assert record.decision == row["decision"]
    verified = CliRunner().invoke(app, ["audit", "verify"], env=env)
    assert verified.exit_code == 0, verified.output
