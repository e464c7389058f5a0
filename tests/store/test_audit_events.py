"""`screening audit import-manifest`: a Spark run's manifest joins the audit chain, once.

These tests need no Spark: the manifest is written by hand, as a run would write it.
"""

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from service.adapters.spark.manifest import rows_digest
from service.cli import app
from service.store import screenings
from tests.store.test_chain import triggers_lifted
from tests.store.test_screenings import make_request, make_result

RUN = {
    "kind": "spark_screening_run",
    "run_id": "run-2026-12-01-erp",
    "input": "hdfs:///erp/order_lines/2016-2026",
    "input_format": "parquet",
    "input_encoding": None,
    "input_files": [],
    "input_digest": rows_digest(["ab" * 32, "cd" * 32, "ef" * 32]),
    "output": "hdfs:///screening/2026-12-01",
    "rows": 3,
    "decisions": {"allowed": 1, "prohibited": 1},
    "error_rows": 1,
    "as_of": "2026-12-01",
    "ruleset_version": "2026.12.01-9",
    "ruleset_digest": "sha256:" + "4a" * 32,
    "started_at": "2026-12-01T10:00:00Z",
    "finished_at": "2026-12-01T10:42:00Z",
    "spark_version": "4.3.0",
    "spark_master": "yarn",
    "application_id": "application_1764582000000_0042",
}


def invoke(database_url: str, *args: str):
    """`screening ARGS` on the test's database."""
    return CliRunner().invoke(app, list(args), env={"SCREENING_DATABASE_URL": database_url})


@pytest.fixture
def manifest_file(tmp_path: Path) -> Path:
    """A valid manifest on disk."""
    path = tmp_path / "run.manifest.json"
    path.write_text(json.dumps(RUN, indent=2), encoding="utf-8")
    return path


def screen_one(session, key_id: str, reference: str) -> None:
    """Store one chained screening."""
    screenings.add_screening(
        session=session,
        request=make_request(reference=reference),
        result=make_result(),
        api_key_id=key_id,
    )


def test_a_manifest_is_chained_between_screenings_and_verify_passes(
    database_url, session, key_id, manifest_file: Path
):
    screen_one(session, key_id, "before")
    recorded = invoke(database_url, "audit", "import-manifest", str(manifest_file))
    assert recorded.exit_code == 0, recorded.output
    assert "recorded Spark run run-2026-12-01-erp (3 rows, rules 2026.12.01-9)" in recorded.output
    assert "seq 2" in recorded.output
    screen_one(session, key_id, "after")
    verified = invoke(database_url, "audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith("audit chain intact: 2 screenings and 1 audit events, head ")


def test_the_same_run_is_recorded_once(database_url, manifest_file: Path):
    assert invoke(database_url, "audit", "import-manifest", str(manifest_file)).exit_code == 0
    again = invoke(database_url, "audit", "import-manifest", str(manifest_file))
    assert again.exit_code == 1
    assert "run run-2026-12-01-erp is already recorded (seq 1)" in again.output


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"rows": 4}, "rows is not the sum"),
        ({"ruleset_digest": "4a4a"}, "ruleset_digest"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_file_that_is_not_a_valid_manifest_is_refused(
    database_url, tmp_path: Path, change: dict, complaint: str
):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**RUN, **change}), encoding="utf-8")
    refused = invoke(database_url, "audit", "import-manifest", str(path))
    assert refused.exit_code == 1
    assert "not a Spark run manifest" in refused.output and complaint in refused.output


def test_a_changed_manifest_record_is_caught_by_verify(db, database_url, manifest_file: Path):
    assert invoke(database_url, "audit", "import-manifest", str(manifest_file)).exit_code == 0
    with triggers_lifted(db, table="audit_event") as connection:
        connection.execute(text("UPDATE audit_event SET ruleset_version = '2020.01.01-1'"))
    broken = invoke(database_url, "audit", "verify")
    assert broken.exit_code == 1
    assert "BROKEN at audit event" in broken.output and "row_hash does not match" in broken.output
