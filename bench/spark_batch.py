"""Spark benchmark: the job script on local[2], rows per second, beside `screening screen`.

Usage: python bench/spark_batch.py [--rows 1000000] [--cli-rows 100000] [--master local[2]]
       [--json out.json]

Both read the generated GB18030 file of distinct lines of bench/batch_bench.py --lines distinct
(tests/data/make_gb18030_fixture.py): Spark screens every row, so the CLI must too. Spark
runs `spark-submit --master MASTER service/adapters/spark/job.py IN OUT`; its time runs from
the spark-submit command to its exit, JVM start, rule loading in each executor, the Parquet
write and the manifest's two counting jobs included. The CLI figure is measured by
bench/batch_bench.py's own function, with a process per core, on the same machine in the same
run, so the two are comparable (`--cli-rows 0` skips it).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import batch_bench  # noqa: E402
from service.batch.pool import cores  # noqa: E402

SPARK_SUBMIT = Path(sys.executable).parent / "spark-submit"
JOB = ROOT / "service" / "adapters" / "spark" / "job.py"


def run_spark(rows: int, master: str, folder: Path) -> dict:
    """Screen `rows` generated rows with the Spark job; rows/s and the manifest's counts."""
    # Distinct lines: Spark screens every row, and so does the CLI on such a file.
    source = batch_bench.source_file(rows, folder, "distinct")
    out = folder / f"spark-{rows}.parquet"
    env = {
        **os.environ,
        "PYSPARK_PYTHON": sys.executable,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [str(SPARK_SUBMIT), "--master", master, "--driver-memory", "1g"]
    command += ["--conf", "spark.ui.showConsoleProgress=false"]
    command += [str(JOB), str(source), str(out), "--rules", str(ROOT / "rules")]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the Spark job failed for {rows} rows:\n{done.stderr[-4000:]}")
    manifest = json.loads(Path(f"{out}.manifest.json").read_text(encoding="utf-8"))
    return {
        "path": f"spark {master}",
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "summary": done.stdout.splitlines()[0],
        "manifest_seconds": round(_span(manifest), 1),
    }


def _span(manifest: dict) -> float:
    """The seconds the manifest says the run took (after the JVM and session had started)."""
    start, end = (datetime.fromisoformat(manifest[k]) for k in ("started_at", "finished_at"))
    return (end - start).total_seconds()


def main() -> None:
    """Run the Spark job and the CLI on the same machine; print and optionally save both."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cli-rows", type=int, default=100_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if args.cli_rows:
            results.append(batch_bench.run(args.cli_rows, 500, folder, cores(), "distinct"))
        results.append(run_spark(args.rows, args.master, folder))
    for r in results:
        r["finished"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        r["load_average"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    for r in results:
        print(
            f"{r['path']:<15} {r['rows']:>9,} rows  {r['seconds']:>8.1f}s  "
            f"{r['rows_per_second']:>6,} rows/s  ({r['summary']})"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
