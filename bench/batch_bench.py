"""Batch benchmark: rows per second and peak memory of `screening screen` on generated files.

Usage: python bench/batch_bench.py [--rows 10000 100000 1000000] [--chunk 500] [--json out.json]

Each size gets a GB18030 file (tests/data/make_gb18030_fixture.py) and a fresh, migrated SQLite
database in a temporary folder; the CLI runs as a child process so its peak RSS is its own.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.store import migrate  # noqa: E402
from tests.data import make_gb18030_fixture  # noqa: E402

SCREENING = Path(sys.executable).parent / "screening"


def run(rows: int, chunk: int, folder: Path) -> dict:
    """Screen `rows` generated rows through the CLI; rows/s and peak RSS of the child."""
    source = make_gb18030_fixture.write(folder / f"in-{rows}.csv", rows)
    url = f"sqlite:///{folder / f'bench-{rows}.db'}"
    migrate.upgrade(database_url=url, migrations_dir=ROOT / "migrations")
    env = {**os.environ, "SCREENING_DATABASE_URL": url, "SCREENING_BATCH_CHUNK_SIZE": str(chunk)}
    command = [str(SCREENING), "screen", str(source), "-o", str(folder / f"out-{rows}.csv")]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    summary = child.stdout.read().decode() if child.stdout else ""
    if status != 0:
        raise SystemExit(f"screening screen failed for {rows} rows:\n{summary}")
    return {
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "summary": summary.splitlines()[0] if summary else "",
    }


def main() -> None:
    """Run the sizes asked for and print one line each (and a JSON file if asked)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            result = run(rows, args.chunk, Path(folder))
            results.append(result)
            print(
                f"{rows:>9,} rows  {result['seconds']:>8.1f}s  "
                f"{result['rows_per_second']:>6,} rows/s  "
                f"peak RSS {result['peak_rss_mb']} MB  ({result['summary']})"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
