"""Start-up benchmark: seconds from `screening serve` starting to /readyz answering 200.

Usage: python bench/startup_bench.py [--runs 5] [--databases sqlite postgresql] [--json out.json]

Each run gets a fresh migrated database (bench/server.py) and polls /readyz every 10 ms from the
moment the process is spawned; the figure includes interpreter start, imports, rule loading and
index build, and the first database round trip.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import server  # noqa: E402


def one_start(kind: str, folder: Path) -> float:
    """Seconds from spawning the server to its first 200 from /readyz."""
    url = server.fresh_database(kind, folder)
    env = {**os.environ, "SCREENING_DATA_DIR": str(folder / "data")}
    server.prepare(url, env)
    port = server.free_port()
    env["SCREENING_DATABASE_URL"] = url
    started = time.perf_counter()
    child = subprocess.Popen(
        server.serve_command(port, 1, None),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        server.wait_ready(f"http://127.0.0.1:{port}", timeout=60, interval=0.01)
        return time.perf_counter() - started
    finally:
        server.stop(child)


def main() -> None:
    """Start the server `--runs` times per database and report median and worst."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = []
    for kind in args.databases:
        with tempfile.TemporaryDirectory() as folder:
            times = [one_start(kind, Path(folder)) for _ in range(args.runs)]
        row = {
            "database": kind,
            "runs": args.runs,
            "median_s": round(statistics.median(times), 3),
            "max_s": round(max(times), 3),
            "all_s": [round(t, 3) for t in times],
        }
        print(json.dumps(row), flush=True)
        results.append(row)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
