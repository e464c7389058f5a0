"""`screening screen`: a local batch with a summary, CSV or JSON lines out, audit rows stored."""

import csv
import json
from pathlib import Path

from sqlmodel import func, select
from typer.testing import CliRunner

from service.cli import app
from service.store.tables import BatchRow, Screening
from tests.data import make_gb18030_fixture

runner = CliRunner()
SAMPLE = Path(__file__).parents[1] / "data" / "sample.csv"


def screen(database_url: str, *args: str):
    """Run `screening screen` on the test's database."""
    env = {"SCREENING_DATABASE_URL": database_url, "SCREENING_BATCH_CHUNK_SIZE": "2"}
    return runner.invoke(app, ["screen", *args], env=env)


def test_the_sample_is_screened_row_by_row_with_errors_in_their_own_row(
    database_url, tmp_path, session
):
    out = tmp_path / "out.csv"
    result = screen(database_url, str(SAMPLE), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "5 rows:" in result.stdout
    assert "rows with errors: 1" in result.stdout
    assert "unknown columns, echoed only: note" in result.stderr
    assert "5/5 rows" in result.stderr, "the progress bar's last state"
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["reference"] for row in rows] == [
        "PO-1001",
        "PO-1002",
        "PO-1003",
        "PO-1004",
        "PO-1005",
    ]
    assert rows[1]["decision"] == "prohibited"
    assert rows[3]["note"] == "'=HYPERLINK(x)"
    assert rows[4]["decision"] == ""
    assert "transaction_type" in rows[4]["error"]
    stored = session.exec(select(func.count()).select_from(Screening)).one()
    assert stored == 4
    linked = session.exec(select(BatchRow.screening_id).where(BatchRow.screening_id != None)).all()  # noqa: E711
    assert set(linked) == {row["screening_id"] for row in rows[:4]}


def test_json_lines_output(database_url, tmp_path):
    out = tmp_path / "out.jsonl"
    result = screen(database_url, str(SAMPLE), "-o", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in records] == [1, 2, 3, 4, 5]
    assert records[1]["categories"]
    assert records[4]["error"]


def test_a_gb18030_file_is_read_and_written_back_as_utf8(database_url, tmp_path):
    source = make_gb18030_fixture.write(tmp_path / "gb.csv", 7)
    out = tmp_path / "out.csv"
    result = screen(database_url, str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "(gb18030)" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "高纯镓金属锭" in text
    assert "备注" in text.splitlines()[0]


def test_a_file_in_another_encoding_stops_with_a_message(database_url, tmp_path):
    source = tmp_path / "utf16.csv"
    source.write_text("transaction_type,description\nmaterial_export,x\n", encoding="utf-16")
    result = screen(database_url, str(source), "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 1
    assert "neither UTF-8" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_rerunning_a_finished_job_screens_nothing_again(database_url, tmp_path, session):
    out = tmp_path / "out.csv"
    job = "11111111-1111-1111-1111-111111111111"
    assert screen(database_url, str(SAMPLE), "-o", str(out), "--job-id", job).exit_code == 0
    again = screen(database_url, str(SAMPLE), "-o", str(out), "--job-id", job)
    assert again.exit_code == 0, again.output
    assert session.exec(select(func.count()).select_from(Screening)).one() == 4
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6
