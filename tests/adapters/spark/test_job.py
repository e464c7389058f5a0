"""The job script end to end: `python job.py IN OUT` writes Parquet and a manifest the audit
log records; a tampered rule folder stops it before Spark starts."""

import hashlib
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from service.adapters.spark import job
from service.adapters.spark.manifest import InputFile, RunManifest, rows_digest
from service.cli import app
from service.engine import load_ruleset
from tests.conftest import PROJECT_DIR, RULES
from tests.runtime.rules_edit import ban_gallium_arsenide, copy_rules

JOB = PROJECT_DIR / "service" / "adapters" / "spark" / "job.py"
SAMPLE = PROJECT_DIR / "tests" / "data" / "sample.csv"


def run_job(*args: str) -> subprocess.CompletedProcess[str]:
    """`python service/adapters/spark/job.py ARGS` in a process of its own (its own Spark)."""
    env = {
        **os.environ,
        "PYSPARK_PYTHON": sys.executable,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])
        ),
    }
    command = [sys.executable, str(JOB), *args]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def test_the_job_writes_parquet_and_a_manifest_that_audit_import_records(
    tmp_path: Path, database_url: str
):
    out = tmp_path / "screened.parquet"
    manifest_file = tmp_path / "run.manifest.json"
    done = run_job(
        *(str(SAMPLE), str(out), "--rules", str(RULES), "--as-of", "2026-11-28"),
        *("--manifest", f"file://{manifest_file}"),  # a URI: written through Hadoop's file system
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "5 rows: " in done.stdout and "rows with errors: 1" in done.stdout
    table = pq.read_table(out).to_pylist()
    manifest = RunManifest.model_validate_json(manifest_file.read_text(encoding="utf-8"))
    ruleset = load_ruleset(RULES)
    assert (manifest.rows, manifest.error_rows) == (len(table), 1) == (5, 1)
    assert manifest.decisions == Counter(r["decision"] for r in table if r["decision"] is not None)
    assert manifest.input_digest == rows_digest(row["input_sha256"] for row in table)
    sha = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert manifest.input_files == [
        InputFile(path=str(SAMPLE), bytes=SAMPLE.stat().st_size, sha256=sha)
    ]
    assert (manifest.as_of, manifest.input_format, manifest.input_encoding) == (
        date(2026, 11, 28),
        "csv",
        "utf-8",
    )
    assert (manifest.ruleset_version, manifest.ruleset_digest) == (ruleset.version, ruleset.digest)

    env = {"SCREENING_DATABASE_URL": database_url}
    recorded = CliRunner().invoke(app, ["audit", "import-manifest", str(manifest_file)], env=env)
    assert recorded.exit_code == 0, recorded.output
    assert f"recorded Spark run {manifest.run_id} (5 rows" in recorded.output
    verified = CliRunner().invoke(app, ["audit", "verify"], env=env)
    assert verified.exit_code == 0, verified.output
    assert "audit chain intact: 0 screenings and 1 audit events" in verified.output


def test_the_job_refuses_a_tampered_rule_folder_before_spark_starts(tmp_path: Path, capsys):
    tampered = copy_rules(tmp_path / "rules")
    ban_gallium_arsenide(tampered)
    status = job.main([str(SAMPLE), str(tmp_path / "out"), "--rules", str(tampered)])
    assert status == 2
    assert "refused:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
