"""A small async HTTP load generator: N concurrent clients for a fixed time or request count.

Usage: python bench/http_load.py URL [--bodies FILE.jsonl] [--key KEY] [--concurrency 16]
       [--seconds 10 | --requests 5000] [--warmup 2] [--timeout 2] [--json out.json]

With --bodies every request is a POST of the next JSON line of FILE (round robin); without, a
GET. Records every request's latency and counts non-2xx answers and transport errors. The
fallback when `wrk` is not installed: it is heavier, so pin it to its own core (taskset).
"""

import argparse
import asyncio
import itertools
import json
import time
from pathlib import Path

import httpx


class Load:
    """The shared state of one run: what to send, what came back and how long it took."""

    def __init__(self, bodies: list[bytes], deadline: float, budget: int | None) -> None:
        self.bodies = itertools.cycle(bodies) if bodies else None
        self.deadline, self.budget = deadline, budget
        self.latencies_ms: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors: dict[str, int] = {}
        self.sent = 0

    def more(self) -> bool:
        """Whether another request should start."""
        if self.budget is not None:
            self.sent += 1
            return self.sent <= self.budget
        return time.perf_counter() < self.deadline


async def client(http: httpx.AsyncClient, url: str, load: Load, headers: dict[str, str]) -> None:
    """One connection's loop: send, wait for the answer, record, repeat."""
    while load.more():
        body = next(load.bodies) if load.bodies else None
        begin = time.perf_counter()
        try:
            if body is None:
                response = await http.get(url, headers=headers)
            else:
                response = await http.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            name = type(exc).__name__
            load.errors[name] = load.errors.get(name, 0) + 1
            continue
        load.latencies_ms.append((time.perf_counter() - begin) * 1000)
        load.statuses[response.status_code] = load.statuses.get(response.status_code, 0) + 1


async def run(  # noqa: PLR0913 - the command's options
    url: str,
    bodies: list[bytes],
    key: str | None,
    concurrency: int,
    seconds: float,
    requests: int | None,
    timeout: float = 2.0,
) -> dict:
    """Drive `url` with `concurrency` clients; throughput, percentiles and error counts."""
    headers = {"content-type": "application/json"} | ({"x-api-key": key} if key else {})
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    # A request unanswered after `timeout` (2 s, as with wrk --timeout 2s) counts as an error.
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as http:
        load = Load(bodies, time.perf_counter() + seconds, requests)
        started = time.perf_counter()
        await asyncio.gather(*(client(http, url, load, headers) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return summarise(load, elapsed, concurrency)


def summarise(load: Load, elapsed: float, concurrency: int) -> dict:
    """The figures of a finished run."""
    latencies = sorted(load.latencies_ms)
    done = len(latencies)

    def pct(q: float) -> float:
        return round(latencies[min(done - 1, int(done * q))], 2) if done else 0.0

    non_2xx = sum(n for status, n in load.statuses.items() if not 200 <= status < 300)
    return {
        "tool": "http_load.py",
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "requests": done,
        "per_second": round(done / elapsed, 1) if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": round(latencies[-1], 2) if done else 0.0,
        "non_2xx": non_2xx,
        "errors": sum(load.errors.values()) + non_2xx,
        "statuses": {str(k): v for k, v in sorted(load.statuses.items())},
        "transport_errors": load.errors,
    }


def main() -> None:
    """Parse the options, warm up, run, print (and save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--bodies", type=Path, help="JSON lines to POST, round robin")
    parser.add_argument("--key", help="X-API-Key header")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--requests", type=int, help="stop after this many instead")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds before an error")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    bodies = args.bodies.read_bytes().splitlines() if args.bodies else []
    if args.warmup:
        asyncio.run(
            run(args.url, bodies, args.key, args.concurrency, args.warmup, None, args.timeout)
        )
    figures = asyncio.run(
        run(args.url, bodies, args.key, args.concurrency, args.seconds, args.requests, args.timeout)
    )
    print(json.dumps(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
