"""`screening screen --url`: a CSV screened by a real server process through the bulk API.

The server is `screening serve` on a free port (tests/runtime/serving.py); the interrupted run
is a `screening screen` process killed with SIGKILL mid-file, then resumed with its job id.
"""

import csv
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from sqlmodel import Session, func, select
from typer.testing import CliRunner

from service.cli import app
from service.store.tables import ApiKey, Role, Screening
from tests.runtime.serving import SCREENING, serving

runner = CliRunner()
SAMPLE = Path(__file__).parents[1] / "data" / "sample.csv"
JOB = "erp-run-2026-11-28"


def repeated_sample(path: Path, copies: int) -> Path:
    """The sample file's rows `copies` times over (each copy with its own references)."""
    header, *rows = list(csv.reader(SAMPLE.open(encoding="utf-8", newline="")))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for copy in range(copies):
            writer.writerows([[f"{row[0]}-{copy}", *row[1:]] for row in rows])
    return path


def server_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The served app's settings: the test's database, its own data folder."""
    return {
        "SCREENING_DATABASE_URL": database_url,
        "SCREENING_DATA_DIR": str(tmp_path / "server-data"),
        "SCREENING_LOG_LEVEL": "WARNING",
    }


def remote(*args: str, env: dict[str, str] | None = None):
    """Run `screening screen ... --url` in this process."""
    return runner.invoke(app, ["screen", *args], env=env or {})


def rows_of(path: Path) -> list[dict[str, str]]:
    """The CSV's rows as dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def screenings_of(db, key: ApiKey) -> int:
    """How many screenings the key has stored."""
    with Session(db) as session:
        query = select(func.count()).select_from(Screening).where(Screening.api_key_id == key.id)
        return session.exec(query).one()


def without_ids(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows less their audit record ids, which differ between two runs."""
    return [{k: v for k, v in row.items() if k != "screening_id"} for row in rows]


def test_a_killed_run_resumes_and_matches_the_local_mode_row_for_row(
    database_url, db, tmp_path, make_key
):
    key, secret = make_key(Role.screener, "erp")
    source = repeated_sample(tmp_path / "orders.csv", 12)  # 60 rows, 12 of them bad
    out = tmp_path / "remote.csv"
    state = tmp_path / "remote.csv.job.json"
    with serving(server_env(database_url, tmp_path)) as (base, _server):
        args = [str(source), "-o", str(out), "--url", base, "--api-key", secret, "--job-id", JOB]
        slow = {
            **os.environ,
            "SCREENING_BATCH_CHUNK_SIZE": "5",
            "SCREENING_BATCH_ROW_DELAY": "0.05",
        }
        killed = subprocess.Popen(
            [str(SCREENING), "screen", *args],
            env=slow,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while not state.exists() or json.loads(state.read_text())["rows_done"] < 15:
            assert killed.poll() is None, killed.stderr.read() if killed.stderr else ""
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.02)
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        done = json.loads(state.read_text())["rows_done"]
        assert 15 <= done < 60
        assert not out.exists(), "the output appears only once every row is in"
        with (tmp_path / "remote.csv.partial").open("ab") as partial:
            partial.write(b"PO-1001-9,half a row written when the run was kil")

        resumed = remote(*args)  # another chunk size now: the saved one is kept
    assert resumed.exit_code == 0, resumed.output
    assert f"job {JOB}: 60 rows (utf-8)" in resumed.stderr
    assert "60/60 rows" in resumed.stderr
    assert "60 rows:" in resumed.stdout and "rows with errors: 12" in resumed.stdout
    assert not state.exists() and not (tmp_path / "remote.csv.partial").exists()

    local = runner.invoke(
        app,
        ["screen", str(source), "-o", str(tmp_path / "local.csv")],
        env={"SCREENING_DATABASE_URL": database_url},
    )
    assert local.exit_code == 0, local.output
    remote_rows, local_rows = rows_of(out), rows_of(tmp_path / "local.csv")
    assert [row["reference"] for row in remote_rows] == [row["reference"] for row in local_rows]
    assert without_ids(remote_rows) == without_ids(local_rows)
    ids = [row["screening_id"] for row in remote_rows if row["screening_id"]]
    assert len(ids) == len(set(ids)) == 48
    assert screenings_of(db, key) == 48, "no row was screened twice across the kill"


def test_json_lines_and_errors_are_those_of_the_local_mode(database_url, db, tmp_path, make_key):
    key, secret = make_key(Role.screener, "erp")
    out = tmp_path / "remote.jsonl"
    with serving(server_env(database_url, tmp_path)) as (base, _server):
        refused = remote(str(SAMPLE), "-o", str(out), "--url", base, "--api-key", "wrong")
        assert refused.exit_code == 1
        assert "401 unauthorized" in refused.stderr
        job = refused.stderr.split("resume with --job-id ")[1].split()[0]
        other = remote(str(SAMPLE), "-o", str(out), "--url", base, "--api-key", secret)
        assert other.exit_code == 1
        assert f"job {job} is unfinished here; resume it with --job-id {job}" in other.stderr
        args = [str(SAMPLE), "-o", str(out), "--format", "json", "--url", base]
        changed = remote(*args, "--api-key", secret, "--job-id", job)
        assert changed.exit_code == 1
        assert "started on another input file or output format" in changed.stderr
        (tmp_path / "remote.jsonl.job.json").unlink()
        result = remote(*args, "--api-key", secret, "--job-id", "sample-json")
        first = out.read_text(encoding="utf-8")
        # A finished job run again sends the same keys: the same records, nothing new stored.
        again = remote(*args, "--api-key", secret, "--job-id", "sample-json")
    assert result.exit_code == 0, result.output
    assert again.exit_code == 0, again.output
    assert out.read_text(encoding="utf-8") == first
    assert "unknown columns, echoed only: note" in result.stderr
    local_out = tmp_path / "local.jsonl"
    local = runner.invoke(
        app,
        ["screen", str(SAMPLE), "-o", str(local_out), "--format", "json"],
        env={"SCREENING_DATABASE_URL": database_url},
    )
    assert local.exit_code == 0, local.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = [json.loads(line) for line in local_out.read_text(encoding="utf-8").splitlines()]
    assert [{**r, "screening_id": None} for r in records] == [
        {**r, "screening_id": None} for r in expected
    ]
    assert records[4]["error"] and not records[4]["decision"]
    assert screenings_of(db, key) == 4


def test_a_file_that_cannot_be_read_stops_before_any_call(tmp_path):
    source = tmp_path / "odd.csv"
    source.write_text("transaction_type,description\nmaterial_export,x\n", encoding="utf-16")
    out = tmp_path / "out.csv"
    result = remote(str(source), "-o", str(out), "--url", "http://127.0.0.1:9", "--api-key", "k")
    assert result.exit_code == 1
    assert "neither UTF-8" in result.stderr
    assert not out.exists() and not (tmp_path / "out.csv.job.json").exists()
