"""Profiles the served POST /v1/screenings path under load with py-spy and sums where time goes.

Usage: python bench/profile_http.py [--databases sqlite postgresql] [--seconds 20]
       [--concurrency 16] [--out bench/results/profile]

Starts one worker pinned to CPU 0 (bench/server.py), drives it with wrk (or bench/http_load.py)
on CPU 1, and samples the worker with `py-spy record --format raw` (collapsed stacks, idle
threads left out; with --gil, the default, only the thread holding the GIL, i.e. where the
one core's Python time goes). Prints, per database, the share of samples whose stack passes
through each stage; stages nest (the handler holds the engine), so shares do not add to 100.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import server  # noqa: E402
from bench.http_bench import python_run, write_bodies, wrk_run  # noqa: E402

PY_SPY = Path(sys.executable).parent / "py-spy"

# (stage, substring of a py-spy frame "function (file:line)"), in the order printed.
STAGES = [
    ("whole request in the app (FastAPI.__call__)", "FastAPI.__call__ ("),
    ("request body read + JSON parse", "Request.body (starlette"),
    ("request body validation (pydantic)", "_validate_value_with_model_field ("),
    ("dependencies (services, session, key)", "solve_dependencies ("),
    ("  API key lookup (SELECT api_key)", "find_active_key ("),
    ("handler create_screening", "create_screening ("),
    ("  Engine.screen", "Engine.screen ("),
    ("  add_screening (build row, INSERT, COMMIT, refresh)", "add_screening ("),
    ("    model_dump of request and result", "BaseModel.model_dump ("),
    ("    Session.commit (flush: INSERT, then COMMIT)", "Session.commit ("),
    ("    Session.refresh (SELECT the row back)", "Session.refresh ("),
    ("  record_from_row (response model from the row)", "record_from_row ("),
    ("response serialisation (FastAPI)", "serialize_response ("),
    ("pool checkout (QueuePool, pre-ping)", "Pool.connect (sqlalchemy/pool"),
    ("  new DB connections opened (pool churn)", "_ConnectionRecord.__connect ("),
    ("  connections closed (overflow returned)", "_ConnectionRecord.__close ("),
    ("  pre-ping round trip", "do_ping ("),
    ("Session.close (ROLLBACK, return to pool)", "Session.close ("),
    ("logging: JSON lines (access log + screening.decided)", "Logger._log ("),
    ("threadpool hand-off, event-loop side (anyio)", "run_sync_in_worker_thread ("),
    ("uvicorn h11 protocol (parse, write)", "H11Protocol."),
]


def stage_shares(raw: Path) -> tuple[int, list[tuple[str, float]]]:
    """Total samples, and the share of samples whose stack contains each stage's frame."""
    total, counts = 0, dict.fromkeys([label for label, _ in STAGES], 0)
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        for label, needle in STAGES:
            if needle in stack:
                counts[label] += samples
    return total, [(label, counts[label] / total if total else 0.0) for label, _ in STAGES]


def profile(kind: str, seconds: int, concurrency: int, out: Path, gil: bool) -> Path:
    """Record one profile of a loaded one-worker server; the raw collapsed-stack file."""
    tool = wrk_run if shutil.which("wrk") else python_run
    raw = out / f"{kind}-{'gil' if gil else 'threads'}.txt"
    with tempfile.TemporaryDirectory() as folder:
        bodies = Path(folder) / "bodies.jsonl"
        write_bodies(bodies)
        with server.running(kind=kind, folder=Path(folder), cpus="0") as srv:
            url = f"{srv.base_url}/v1/screenings"
            tool(url, srv.key, bodies, concurrency, 2)
            load = threading.Thread(
                target=tool, args=(url, srv.key, bodies, concurrency, seconds + 4)
            )
            load.start()
            subprocess.run(
                [str(PY_SPY), "record", "--pid", str(srv.pid), "--duration", str(seconds)]
                + ["--rate", "250", "--format", "raw", "--output", str(raw), "--nonblocking"]
                + (["--gil"] if gil else []),
                check=True,
                capture_output=True,
            )
            load.join()
    return raw


def main() -> None:
    """Profile each database and print the stage table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--gil", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "profile")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for kind in args.databases:
        total, shares = stage_shares(
            profile(kind, args.seconds, args.concurrency, args.out, args.gil)
        )
        mode = "GIL holder" if args.gil else "all busy threads"
        print(f"\n{kind}: {total} samples of the {mode} (c{args.concurrency}, one worker)")
        for label, share in shares:
            print(f"  {share:6.1%}  {label}")


if __name__ == "__main__":
    main()
