"""Runs every benchmark, one child process each, then writes bench/RESULTS.md from the JSON.

Usage: python bench/run_all.py [--quick] [--out bench/results] [--report bench/RESULTS.md]

`--quick` shortens every run and skips the 1M-row batch (make bench-quick). Each step's exact
command and wall time go to OUT/runs.json, which bench/report.py puts in RESULTS.md.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = "python"  # shown in RESULTS.md; the run itself uses this interpreter


def steps(out: Path, quick: bool) -> list[tuple[str, list[str]]]:
    """(name, command) of each benchmark, shortened when `quick`."""
    seconds = "2" if quick else "5"
    http = ["--seconds", "5", "--warmup", "1"] if quick else ["--seconds", "10", "--warmup", "2"]
    rows = ["10000", "100000"] if quick else ["10000", "100000", "1000000"]
    return [
        # "On one core": the engine benchmark is pinned to CPU 1.
        (
            "engine",
            ["taskset", "-c", "1", PY, "bench/engine_bench.py", "--seconds", seconds]
            + ["--json", str(out / "engine.json")],
        ),
        (
            "parties",
            ["taskset", "-c", "1", PY, "bench/party_bench.py", "--seconds", seconds]
            + ["--json", str(out / "parties.json")],
        ),
        ("http", [PY, "bench/http_bench.py", *http, "--json", str(out / "http.json")]),
        (
            "bulk",
            [PY, "bench/bulk_bench.py", "--seconds", "5" if quick else "10"]
            + ["--calls", "5" if quick else "10", "--json", str(out / "bulk.json")],
        ),
        (
            "batch-floor",
            [PY, "bench/batch_floor.py", "--rows", "5000" if quick else "20000"]
            + ["--json", str(out / "batch_floor.json")],
        ),
        (
            "batch",
            [PY, "bench/batch_bench.py", "--rows", *rows, "--jobs", "1", "2"]
            + ["--json", str(out / "batch.json")],
        ),
        (
            "batch-distinct",
            [PY, "bench/batch_bench.py", "--rows", "10000" if quick else "100000"]
            + ["--jobs", "1", "2", "--lines", "distinct"]
            + ["--json", str(out / "batch_distinct.json")],
        ),
        # The CLI's figure to compare with is batch-distinct's, measured just before.
        (
            "spark",
            [PY, "bench/spark_batch.py", "--rows", "100000" if quick else "1000000"]
            + ["--cli-rows", "0", "--json", str(out / "spark.json")],
        ),
        (
            "webhooks",
            [PY, "bench/webhook_bench.py", "--events", "500" if quick else "2000"]
            + ["--json", str(out / "webhooks.json")],
        ),
        (
            "startup",
            [PY, "bench/startup_bench.py", "--runs", "3" if quick else "5"]
            + ["--json", str(out / "startup.json")],
        ),
    ]


def main() -> None:
    """Run the steps in order, record their commands and times, then write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--report", type=Path, default=Path("bench/RESULTS.md"))
    args = parser.parse_args()
    os.chdir(HERE.parent)
    args.out.mkdir(parents=True, exist_ok=True)
    runs, started = [], time.perf_counter()
    for name, command in steps(args.out, args.quick):
        print(f"== {name}: {' '.join(command)}", flush=True)
        begin = time.perf_counter()
        real = [sys.executable if part == PY else part for part in command]
        subprocess.run(real, check=True)
        runs.append(
            {"name": name, "command": " ".join(command), "seconds": time.perf_counter() - begin}
        )
    summary = {"quick": args.quick, "total_seconds": time.perf_counter() - started, "steps": runs}
    (args.out / "runs.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, str(HERE / "report.py"), str(args.out), "-o", str(args.report)],
        check=True,
    )


if __name__ == "__main__":
    main()
