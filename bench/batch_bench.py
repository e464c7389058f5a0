"""Batch benchmark: rows per second and peak memory, through the CLI and through the API.

Usage: python bench/batch_bench.py [--rows 10000 100000 1000000] [--paths cli api]
       [--jobs 1 2] [--lines repeated distinct] [--chunk 500] [--json out.json]

Each size gets a GB18030 file (tests/data/make_gb18030_fixture.py) and a fresh, migrated SQLite
database in a temporary folder. The file's lines repeat five deals under new references, as ERP
exports repeat their order lines, and a repeated line is screened once (batch/rows.py); with
`--lines distinct` every line carries its own lot number, so every row is screened. `--jobs`
runs each size once per number of screening processes (`screening screen --jobs N`;
SCREENING_BATCH_JOBS=N for the API). The CLI (`screening screen`)
runs as a child process so its peak RSS is its own. The API path starts `screening serve`,
uploads the file to POST /v1/batches, polls GET /v1/batches/{id} until the job is done, and
reads the server's peak RSS (VmHWM); its time runs from the start of the upload to the job
being done. The worker processes' peak RSS is sampled from /proc while the job runs (the
largest one, and the sum of every process's peak, parent included).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import server  # noqa: E402
from service.store import migrate  # noqa: E402
from tests.data import make_gb18030_fixture  # noqa: E402

SCREENING = Path(sys.executable).parent / "screening"


class TreePeaks:
    """Peak RSS (VmHWM) and CPU seconds of every process under a root, sampled until stopped."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        self.root, self.interval = root, interval
        self.peaks: dict[int, float] = {}
        self.cpu: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.wait(self.interval):
            for pid in descendants(self.root):
                try:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), server.peak_rss_mb(pid))
                    self.cpu[pid] = own_cpu_seconds(pid)
                except (OSError, IndexError):
                    continue  # ended between the listing and the read

    def stop(self) -> dict:
        """The children seen: how many, the largest peak, the sum of peaks, their CPU seconds."""
        self.done.set()
        self.thread.join()
        return {
            "children": len(self.peaks),
            "child_peak_rss_mb": round(max(self.peaks.values(), default=0)),
            "children_rss_mb": round(sum(self.peaks.values())),
            "children_cpu_s": round(sum(self.cpu.values()), 1),
        }


def descendants(root: int) -> list[int]:
    """Every live process under `root` (children, their children, ...), from /proc."""
    found, pending = [], [root]
    while pending:
        try:
            for task in Path(f"/proc/{pending.pop()}/task").iterdir():
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                pending += children
        except OSError:
            continue
    return found


def own_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by one process (not its children)."""
    # Fields after the ")" closing the command name; utime and stime are the 12th and 13th.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(rows: int, chunk: int, folder: Path, jobs: int, lines: str) -> dict:
    """Screen `rows` generated rows through the CLI; rows/s and peak RSS of the child."""
    source = source_file(rows, folder, lines)
    url = f"sqlite:///{folder / f'bench-{rows}-{jobs}-{lines}.db'}"
    migrate.upgrade(database_url=url, migrations_dir=ROOT / "migrations")
    env = {**os.environ, "SCREENING_DATABASE_URL": url, "SCREENING_BATCH_CHUNK_SIZE": str(chunk)}
    command = [str(SCREENING), "screen", str(source), "-o", str(folder / f"out-{rows}.csv")]
    command += ["--jobs", str(jobs)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peaks = TreePeaks(child.pid)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    summary = child.stdout.read().decode() if child.stdout else ""
    if status != 0:
        raise SystemExit(f"screening screen failed for {rows} rows:\n{summary}")
    return {
        "path": "cli",
        "rows": rows,
        "jobs": jobs,
        "lines": lines,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "parent_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        **peaks.stop(),
        "summary": summary.splitlines()[0] if summary else "",
    }


def source_file(rows: int, folder: Path, lines: str) -> Path:
    """The generated GB18030 file of `rows` rows, `lines` repeated or distinct, written once."""
    path = folder / f"in-{rows}-{lines}.csv"
    if not path.exists():
        make_gb18030_fixture.write(path, rows, distinct=lines == "distinct")
    return path


def run_api(rows: int, chunk: int, folder: Path, jobs: int, lines: str, poll: float = 0.2) -> dict:
    """Upload `rows` generated rows to the API and wait for the job; rows/s and server RSS."""
    source = source_file(rows, folder, lines)
    env = {
        "SCREENING_BATCH_CHUNK_SIZE": str(chunk),
        "SCREENING_BATCH_MAX_UPLOAD_BYTES": str(max(source.stat().st_size * 2, 50_000_000)),
        "SCREENING_BATCH_JOBS": str(jobs),
    }
    with server.running(kind="sqlite", folder=folder, extra_env=env) as srv:
        rss_idle = server.peak_rss_mb(srv.pid)
        peaks, cpu_before = TreePeaks(srv.pid), own_cpu_seconds(srv.pid)
        headers = {"X-API-Key": srv.key}
        with httpx.Client(base_url=srv.base_url, headers=headers, timeout=600) as client:
            started = time.perf_counter()
            with source.open("rb") as handle:
                answer = client.post("/v1/batches", files={"file": (source.name, handle)})
            answer.raise_for_status()
            uploaded = time.perf_counter() - started
            job = answer.json()
            while job["status"] not in ("done", "failed"):
                time.sleep(poll)
                job = client.get(f"/v1/batches/{job['id']}").json()
            seconds = time.perf_counter() - started
        rss = server.peak_rss_mb(srv.pid)
        parent_cpu = own_cpu_seconds(srv.pid) - cpu_before
        children = peaks.stop()
    if job["status"] != "done":
        raise SystemExit(f"batch of {rows} rows failed: {job}")
    return {
        "path": "api",
        "rows": rows,
        "jobs": jobs,
        "lines": lines,
        "seconds": round(seconds, 1),
        "upload_seconds": round(uploaded, 1),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mb": round(rss),
        "idle_rss_mb": round(rss_idle),
        "parent_cpu_s": round(parent_cpu, 1),
        **children,
        "summary": f"{job['rows_done']} rows: {job['counts']}; rows with errors: "
        f"{job['error_rows']}",
    }


def main() -> None:
    """Run the sizes asked for and print one line each (and a JSON file if asked)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--paths", nargs="+", choices=["cli", "api"], default=["cli", "api"])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1])
    parser.add_argument(
        "--lines", nargs="+", choices=["repeated", "distinct"], default=["repeated"]
    )
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for lines, rows, path, jobs in [
            (line, r, p, j)
            for line in args.lines
            for r in args.rows
            for p in args.paths
            for j in args.jobs
        ]:
            measure = run if path == "cli" else run_api
            result = measure(rows, args.chunk, Path(folder), jobs, lines)
            results.append(result)
            print(
                f"{path:<3} jobs {jobs} {lines:<8} {rows:>9,} rows  {result['seconds']:>8.1f}s  "
                f"{result['rows_per_second']:>6,} rows/s  peak RSS {result['peak_rss_mb']} MB"
                f" (+ {result['children']} processes, largest {result['child_peak_rss_mb']} MB)"
                f"  CPU s parent {result['parent_cpu_s']} workers {result['children_cpu_s']}"
                f"  ({result['summary']})",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
