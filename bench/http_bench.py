"""HTTP benchmark: POST /v1/screenings (with its audit write) against GET /healthz, same server.

Usage: python bench/http_bench.py [--seconds 10] [--concurrency 16 64] [--workers 1 2]
       [--databases sqlite postgresql] [--tool auto|wrk|python] [--trace] [--json out.json]

For each database and worker count a fresh server is started with `screening serve` (see
bench/server.py); for each concurrency the load generator, a separate process, first measures
GET /healthz (the framework floor) and then POST /v1/screenings over a realistic mix of bodies.
On 2 cores the load generator competes with the server: with one worker the server is pinned
to CPU 0 and the generator to CPU 1; with two workers the server gets both CPUs and the
generator shares CPU 1. `wrk` (C, one thread) is used when installed because it needs far less
CPU than a Python client; bench/http_load.py is the fallback. `--trace` turns the server's
OpenTelemetry tracing on, exporting to bench/otlp_sink.py, to compare with a run without it.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import otlp_sink, server  # noqa: E402
from bench.engine_bench import generated_requests, labelled_requests  # noqa: E402
from service.engine import load_ruleset  # noqa: E402

HERE = Path(__file__).resolve().parent
LOAD_CPU = "1"
TIMEOUT = "2s"


def write_bodies(path: Path, generated: int = 1000) -> int:
    """The request mix as JSON lines: labelled cases plus generated EN/ZH descriptions."""
    requests = labelled_requests() + generated_requests(load_ruleset(ROOT / "rules"), generated)
    lines = [
        json.dumps(r.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)
        for r in requests
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def wrk_run(url: str, key: str, bodies: Path | None, concurrency: int, seconds: float) -> dict:
    """One wrk run, normalised to the figures http_load.py reports."""
    env = {**os.environ, "BENCH_KEY": key, "BENCH_BODIES": str(bodies or "")}
    # A request still unanswered after TIMEOUT counts as an error; without it a stalled server
    # would show as "0 requests, 0 errors".
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s"]
    command += ["--timeout", TIMEOUT]
    command += ["-s", str(HERE / "wrk_load.lua"), url]
    out = subprocess.run(
        ["taskset", "-c", LOAD_CPU, *command], env=env, capture_output=True, text=True, check=True
    ).stdout
    raw = json.loads(next(line for line in out.splitlines() if line.startswith('{"tool"')))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    seconds_run = raw["duration_us"] / 1e6
    return {
        "tool": "wrk",
        "concurrency": concurrency,
        "seconds": round(seconds_run, 2),
        "requests": raw["requests"],
        "per_second": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "non_2xx": raw["status"],
        "errors": errors,
    }


def python_run(url: str, key: str, bodies: Path | None, concurrency: int, seconds: float) -> dict:
    """One bench/http_load.py run in its own process."""
    command = [sys.executable, str(HERE / "http_load.py"), url, "--key", key, "--warmup", "0"]
    command += ["--concurrency", str(concurrency), "--seconds", str(seconds)]
    command += ["--bodies", str(bodies)] if bodies else []
    out = subprocess.run(
        ["taskset", "-c", LOAD_CPU, *command], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def audit_rows(url: str) -> int:
    """How many screenings the server stored (every 201 must have written one)."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sqlalchemy.text("SELECT count(*) FROM screening")).scalar()
    finally:
        engine.dispose()


def measured(  # noqa: PLR0913 - one run's axes
    tool, srv: server.Server, path: str, bodies: Path | None, concurrency: int, seconds: float
) -> dict:
    """One load run, plus the server's CPU time per answered request.

    CPU per request counts only the server's own processes, so it holds up on a busy machine
    where throughput does not: the figure to compare two versions of the code with.
    """
    before = server.cpu_seconds(srv.pid)
    figures = tool(f"{srv.base_url}{path}", srv.key, bodies, concurrency, seconds)
    used = server.cpu_seconds(srv.pid) - before
    figures["server_cpu_s"] = round(used, 2)
    figures["cpu_ms_per_request"] = round(1000 * used / max(figures["requests"], 1), 3)
    return figures


def one_server(  # noqa: PLR0913 - the benchmark's axes
    kind: str,
    workers: int,
    concurrencies: list[int],
    seconds: float,
    warmup: float,
    tool,
    env: dict[str, str] | None = None,
) -> list[dict]:
    """Start one server (with `env` added) and measure healthz and screenings at each
    concurrency."""
    results = []
    cpus = "0" if workers == 1 else "0,1"
    with tempfile.TemporaryDirectory() as folder:
        bodies = Path(folder) / "bodies.jsonl"
        write_bodies(bodies)
        with server.running(
            kind=kind, folder=Path(folder), workers=workers, cpus=cpus, extra_env=env
        ) as srv:
            url = srv.database_url
            stored_before = audit_rows(url)
            for concurrency in concurrencies:
                floor = measured(tool, srv, "/healthz", None, concurrency, seconds)
                if warmup:
                    tool(f"{srv.base_url}/v1/screenings", srv.key, bodies, concurrency, warmup)
                screen = measured(tool, srv, "/v1/screenings", bodies, concurrency, seconds)
                row = {
                    "database": kind,
                    "workers": workers,
                    "concurrency": concurrency,
                    "healthz": floor,
                    "screenings": screen,
                    "ratio": round(screen["per_second"] / floor["per_second"], 3),
                }
                print(json.dumps(row), flush=True)
                results.append(row)
            stored = audit_rows(url) - stored_before
        results.append({"database": kind, "workers": workers, "audit_rows_stored": stored})
    return results


def main() -> None:
    """Run the matrix and print (or save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--trace", action="store_true", help="tracing on, to a local OTLP sink")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    use_wrk = args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk"))
    tool = wrk_run if use_wrk else python_run
    results = []
    with otlp_sink.running() as sink:
        env = {"SCREENING_OTLP_ENDPOINT": sink.endpoint} if args.trace else None
        for kind in args.databases:
            for workers in args.workers:
                results += one_server(
                    kind, workers, args.concurrency, args.seconds, args.warmup, tool, env
                )
    figures = {
        "tool": "wrk" if use_wrk else "http_load.py",
        "seconds": args.seconds,
        "tracing": args.trace,
        "spans_exported": dict(sink.spans),
        "runs": results,
    }
    print(json.dumps({"tracing": args.trace, "spans_exported": dict(sink.spans)}), flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
