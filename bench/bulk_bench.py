"""Bulk benchmark: a 1,000-item POST /v1/screenings/bulk, and bulk against single calls at c16.

Usage: python bench/bulk_bench.py [--seconds 10] [--items 100] [--concurrency 16]
       [--calls 10] [--databases sqlite postgresql] [--json out.json]

For each database one server is started as bench/http_bench.py starts it (`screening serve`,
one worker pinned to CPU 0, a fresh migrated database; see bench/server.py). On it:

1. latency: `--calls` calls of 1,000 items, one at a time, after two warm-up calls; the time
   runs from sending the body to the last byte of the answer (target: p50 under 1 s);
2. single: bench/http_load.py at c16 posting one screening a call (the bodies of
   bench/http_bench.py), in its own process pinned to CPU 1;
3. bulk: the same load generator at c16, each call a bulk of `--items` of the same bodies.

Throughput is screenings stored per second; the target is bulk >= 5x single, side by side on
the same server. Server CPU per screening is the server's CPU time divided by the screenings
answered: it holds up on a busy machine where throughput does not.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import server  # noqa: E402
from bench.http_bench import audit_rows, write_bodies  # noqa: E402

HERE = Path(__file__).resolve().parent
LOAD_CPU = "1"
LATENCY_ITEMS = 1000


def bulk_bodies(single: Path, target: Path, items: int) -> int:
    """JSON lines of bulk bodies: consecutive runs of `items` single bodies, round robin."""
    lines = single.read_text(encoding="utf-8").splitlines()
    bodies = []
    for start in range(0, len(lines), items):
        chunk = (lines[start:] + lines)[:items]
        bodies.append("[" + ",".join(chunk) + "]")
    target.write_text("\n".join(bodies) + "\n", encoding="utf-8")
    return len(bodies)


def load(url: str, key: str, bodies: Path, concurrency: int, seconds: float) -> dict:
    """One bench/http_load.py run in its own process, pinned to the load generator's CPU."""
    command = [sys.executable, str(HERE / "http_load.py"), url, "--key", key, "--warmup", "0"]
    command += ["--concurrency", str(concurrency), "--seconds", str(seconds)]
    command += ["--bodies", str(bodies), "--timeout", "60"]
    out = subprocess.run(
        ["taskset", "-c", LOAD_CPU, *command], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def throughput(srv: server.Server, path: str, bodies: Path, per_call: int, args) -> dict:
    """Screenings per second and server CPU per screening of one load run."""
    before, stored = server.cpu_seconds(srv.pid), audit_rows(srv.database_url)
    figures = load(f"{srv.base_url}{path}", srv.key, bodies, args.concurrency, args.seconds)
    used = server.cpu_seconds(srv.pid) - before
    screenings = audit_rows(srv.database_url) - stored
    figures |= {
        "items_per_call": per_call,
        "screenings": screenings,
        "screenings_per_second": round(screenings / figures["seconds"], 1),
        "server_cpu_ms_per_screening": round(1000 * used / max(screenings, 1), 3),
    }
    return figures


def latency(srv: server.Server, single: Path, calls: int) -> dict:
    """Wall time of 1,000-item calls sent one at a time (two warm-ups first)."""
    lines = single.read_text(encoding="utf-8").splitlines()
    body = ("[" + ",".join((lines * 2)[:LATENCY_ITEMS]) + "]").encode()
    headers = {"X-API-Key": srv.key, "Content-Type": "application/json"}
    seconds, cpu = [], []
    with httpx.Client(base_url=srv.base_url, timeout=60) as client:
        for number in range(calls + 2):
            before, begin = server.cpu_seconds(srv.pid), time.perf_counter()
            response = client.post("/v1/screenings/bulk", content=body, headers=headers)
            took = time.perf_counter() - begin
            response.raise_for_status()
            assert response.json()["screened"] == LATENCY_ITEMS, response.text[:500]
            if number >= 2:
                seconds.append(took)
                cpu.append(server.cpu_seconds(srv.pid) - before)
    return {
        "items": LATENCY_ITEMS,
        "calls": calls,
        "p50_s": round(statistics.median(seconds), 3),
        "min_s": round(min(seconds), 3),
        "max_s": round(max(seconds), 3),
        "server_cpu_s_per_call": round(statistics.median(cpu), 3),
        "answer_bytes": len(response.content),
    }


def load_average() -> list[float]:
    """The machine's 1, 5 and 15-minute load averages: on 2 cores, above 2 means others ran."""
    return [float(part) for part in Path("/proc/loadavg").read_text().split()[:3]]


def one_server(kind: str, args) -> dict:
    """Start a server and take the three measurements on it."""
    load_before = load_average()
    with tempfile.TemporaryDirectory() as folder:
        single = Path(folder) / "bodies.jsonl"
        write_bodies(single)
        bulk = Path(folder) / "bulk.jsonl"
        bulk_bodies(single, bulk, args.items)
        with server.running(kind=kind, folder=Path(folder), workers=1, cpus="0") as srv:
            timed = latency(srv, single, args.calls)
            print(json.dumps({"database": kind, "latency": timed}), flush=True)
            one = throughput(srv, "/v1/screenings", single, 1, args)
            print(json.dumps({"database": kind, "single": one}), flush=True)
            many = throughput(srv, "/v1/screenings/bulk", bulk, args.items, args)
            print(json.dumps({"database": kind, "bulk": many}), flush=True)
    ratio = many["screenings_per_second"] / max(one["screenings_per_second"], 1e-9)
    return {
        "database": kind,
        "concurrency": args.concurrency,
        "latency": timed,
        "single": one,
        "bulk": many,
        "ratio": round(ratio, 2),
        "load_average": {"before": load_before, "after": load_average()},
    }


def main() -> None:
    """Run the measurements for each database and print (or save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--items", type=int, default=100, help="items per bulk call at c16")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--calls", type=int, default=10, help="1,000-item calls timed")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures = {"seconds": args.seconds, "runs": [one_server(kind, args) for kind in args.databases]}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
