"""Rows screened in worker processes: the same results, in file order, resumable, no strays.

The CLI runs as a real process (`screening screen --jobs N`); every process it starts inherits a
marker in its environment, which is how the tests find stray ones afterwards.
"""

import csv
import io
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from service.app import create_app
from service.batch import runner, writing
from service.batch.pool import SMALL_JOB_ROWS, RowPool
from service.cli import app
from service.engine import Engine, load_ruleset
from service.jobs.here import claim_here
from service.store import batches, chain
from service.store.tables import BatchJob, BatchRow, Role, Screening
from tests.data import make_gb18030_fixture
from tests.runtime.rules_edit import GAAS, ban_gallium_arsenide, copy_rules

SCREENING = Path(sys.executable).parent / "screening"
ROWS = 1_500
MARKER = "SCREENING_POOL_TEST_MARKER"


def write_orders(path: Path, rows: int = ROWS) -> Path:
    """A UTF-8 order file with malformed rows mixed in: short rows, bad types, bad JSON."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(make_gb18030_fixture.HEADER)
        for n, row in enumerate(make_gb18030_fixture.rows(rows)):
            if n % 97 == 13:
                row = row[:3]
            elif n % 89 == 7:
                row[1] = "smuggling"
            elif n % 83 == 5:
                row[6] = "{not json"
            elif n % 79 == 3:
                row[5] = "lots"
            elif n % 61 == 2:
                row[7] = "=HYPERLINK(x)"
            writer.writerow(row)
            if n % 211 == 0:
                handle.write("\r\n")  # a blank line: skipped, not a row
    return path


def screen(database_url: str, source: Path, out: Path, *args: str, **env: str):
    """`screening screen` as its own process, with a marker its children inherit."""
    environ = {**os.environ, "SCREENING_DATABASE_URL": database_url, **env}
    command = [str(SCREENING), "screen", str(source), "-o", str(out), *args]
    return subprocess.Popen(command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def marked(marker: str) -> list[int]:
    """The processes whose environment carries `marker`."""
    needle, found = f"{MARKER}={marker}".encode(), []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and needle in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue  # ended meanwhile, or not ours to read
    return found


def wait_until_none_marked(marker: str, seconds: float = 10) -> None:
    """Fail unless every marked process is gone within `seconds`."""
    deadline = time.monotonic() + seconds
    while (left := marked(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes left behind: {left}"


def without_ids(text: str) -> list[list[str]]:
    """A results CSV's rows without the screening_id column (new ids each run)."""
    rows = list(csv.reader(io.StringIO(text)))
    drop = rows[0].index("screening_id")
    return [row[:drop] + row[drop + 1 :] for row in rows]


def audit_of(db: sqlalchemy.Engine, job_id: str) -> list[tuple]:
    """Each row's stored audit record (request, result, decision, rule set), in row order."""
    with Session(db) as session:
        query = (
            select(BatchRow.row_number, Screening)
            .join(Screening, col(Screening.id) == col(BatchRow.screening_id), isouter=True)
            .where(col(BatchRow.job_id) == job_id)
            .order_by(col(BatchRow.row_number))
        )
        return [
            (n, None)
            if s is None
            else (n, s.request, s.result, s.decision, s.as_of, s.ruleset_digest, s.reference)
            for n, s in session.exec(query)
        ]


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_two_processes_write_what_one_writes_row_for_row_and_leave_none_behind(
    database_url, db, tmp_path
):
    source = write_orders(tmp_path / "orders.csv")
    one_job, two_job = str(uuid.uuid4()), str(uuid.uuid4())
    # --jobs 1 never starts a process: it runs here, to save the tests a start-up.
    in_here = CliRunner().invoke(
        app,
        ["screen", str(source), "-o", str(tmp_path / "one.csv"), "--jobs", "1"]
        + ["--job-id", one_job],
        env={"SCREENING_DATABASE_URL": database_url},
    )
    assert in_here.exit_code == 0, in_here.output
    marker = str(uuid.uuid4())
    child = screen(
        database_url,
        source,
        tmp_path / "two.csv",
        "--jobs",
        "2",
        "--job-id",
        two_job,
        **{MARKER: marker},
    )
    child.wait(timeout=120)
    assert child.returncode == 0, child.stderr.read() if child.stderr else ""
    wait_until_none_marked(marker)

    one, two = (without_ids((tmp_path / f"{n}.csv").read_text("utf-8")) for n in ("one", "two"))
    assert len(one) == ROWS + 1
    assert two == one
    assert sum(1 for row in one if row[-1]) > 40, "malformed rows are error rows"
    assert audit_of(db, two_job) == audit_of(db, one_job)
    with Session(db) as session:
        assert chain.verify(session=session).intact


def test_the_api_with_worker_processes_gives_the_in_process_results_file(
    settings, engine, db, make_key, tmp_path
):
    source = write_orders(tmp_path / "orders.csv")
    reference = runner.create_job(db=db, path=source, filename="orders.csv", settings=settings)
    lease = claim_here(
        db=db,
        settings=settings,
        table=BatchJob,
        job_id=reference.id,
        owner="test",
        on_wait=lambda _row: None,
    )
    assert lease is not None
    runner.run_job(db=db, engine=engine, settings=settings, lease=lease)
    with Session(db) as session:
        rows = batches.iter_stored_rows(session=session, job_id=reference.id)
        expected = "".join(writing.csv_lines(reference.columns, rows))
    auth = {"X-API-Key": make_key(Role.screener, "erp")[1]}

    app = create_app(settings.model_copy(update={"batch_jobs": 2}), engine=engine)
    with TestClient(app) as client:
        files = {"file": ("orders.csv", source.read_bytes(), "text/csv")}
        job = client.post("/v1/batches", files=files, headers=auth).json()
        deadline = time.monotonic() + 60
        while client.get(f"/v1/batches/{job['id']}", headers=auth).json()["status"] != "done":
            assert time.monotonic() < deadline, "the job did not finish"
            time.sleep(0.1)
        results = client.get(f"/v1/batches/{job['id']}/results", headers=auth).text
        assert len(multiprocessing.active_children()) == 2, "screened by two worker processes"
    assert multiprocessing.active_children() == [], "the workers stop with the app"

    assert without_ids(results) == without_ids(expected)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_a_killed_job_with_worker_processes_resumes_with_every_row_once(database_url, db, tmp_path):
    source = write_orders(tmp_path / "orders.csv")
    out, job_id = tmp_path / "out.csv", str(uuid.uuid4())
    marker = str(uuid.uuid4())
    slow = {
        "SCREENING_BATCH_CHUNK_SIZE": "100",
        "SCREENING_BATCH_ROW_DELAY": "0.002",
        MARKER: marker,
    }
    child = screen(database_url, source, out, "--jobs", "2", "--job-id", job_id, **slow)
    deadline = time.monotonic() + 60
    while len(stored_rows(db, job_id)) < 300:
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        assert time.monotonic() < deadline, "the job made no progress"
        time.sleep(0.05)
    assert len(marked(marker)) >= 4, "the CLI, its fork server and two workers"
    child.send_signal(signal.SIGKILL)
    child.wait()
    wait_until_none_marked(marker)
    done = stored_rows(db, job_id)
    assert 0 < len(done) < ROWS and done == list(range(1, len(done) + 1))

    again = screen(database_url, source, out, "--jobs", "2", "--job-id", job_id, **{MARKER: marker})
    again.wait(timeout=120)
    assert again.returncode == 0, again.stderr.read() if again.stderr else ""

    assert stored_rows(db, job_id) == list(range(1, ROWS + 1))
    written = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["reference"] for row in written] == [f"ERP-{n:07d}" for n in range(1, ROWS + 1)]
    with Session(db) as session:
        assert chain.verify(session=session).intact
    wait_until_none_marked(marker)


def stored_rows(db: sqlalchemy.Engine, job_id: str) -> list[int]:
    """The row numbers stored for the job, in order."""
    with Session(db) as session:
        query = select(BatchRow.row_number).where(col(BatchRow.job_id) == job_id)
        return sorted(session.exec(query).all())


def test_workers_screen_only_with_the_jobs_rule_set_across_a_reload(tmp_path):
    rules = copy_rules(tmp_path / "rules")
    header = list(GAAS)
    rows = [(n, list(GAAS.values())) for n in range(1, SMALL_JOB_ROWS + 1)]
    before = Engine(load_ruleset(rules))
    pool = RowPool(jobs=2, rules_dir=rules)
    try:
        decisions = {}
        decisions["started"] = {
            r.outcome["decision"] for r in pool.screen(before, header, rows, count=len(rows))
        }
        ban_gallium_arsenide(rules)
        after = Engine(load_ruleset(rules))
        decisions["reloaded"] = {
            r.outcome["decision"] for r in pool.screen(after, header, rows, count=len(rows))
        }
        # The folder holds the new rules now: an older job's rows are screened in-process.
        stale = list(pool.screen(before, header, rows, count=len(rows)))
        decisions["stale"] = {r.outcome["decision"] for r in stale}
    finally:
        pool.close()
    assert decisions == {
        "started": {"approval-required"},
        "reloaded": {"prohibited"},
        "stale": {"approval-required"},
    }
    assert {r.decided["ruleset_digest"] for r in stale if r.decided} == {before.ref.digest}
