"""Shared pieces of the load and fault scripts: a served app, a key, a request loop, RSS."""

import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.store import keys, migrate  # noqa: E402
from service.store.database import create_db_engine  # noqa: E402
from service.store.tables import Role  # noqa: E402

SCREENING = Path(sys.executable).parent / "screening"
BODIES = [
    {"transaction_type": "material_export", "description": "Gallium arsenide wafers, 6 inch"},
    {"transaction_type": "material_export", "description": "锂电池正极材料 磷酸铁锂 压实密度 2.6"},
    {"transaction_type": "equipment_sale", "description": "Used CNC lathe for a furniture plant"},
    {
        "transaction_type": "technology_transfer",
        "description": "Licence of LFP cathode sintering process know-how to a JV in Morocco",
        "destination_country": "MA",
    },
    {
        "transaction_type": "engineer_hire",
        "description": "Battery process engineer joins a Hungarian cell plant",
        "engineer": {"expertise": "lithium battery cathode production", "work_country": "HU"},
    },
]


@dataclass
class Outcome:
    """One request: when it was sent (s since start), how long it took, what came back."""

    sent: float
    seconds: float
    status: int | str
    code: str | None


def prepare(url: str) -> str:
    """Migrate the database and return a new screener key's secret."""
    migrate.upgrade(database_url=url, migrations_dir=ROOT / "migrations")
    db = create_db_engine(url)
    with Session(db) as session:
        secret = keys.add_api_key(session=session, name="load", role=Role.screener)[1]
    db.dispose()
    return secret


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(env: dict[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`screening serve` on a free loopback port; its base URL and process."""
    port = free_port()
    with log.open("w") as err:
        process = subprocess.Popen(
            [str(SCREENING), "serve", "--port", str(port)],
            env={**os.environ, "SCREENING_LOG_LEVEL": "WARNING", **env},
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            yield base, process
        finally:
            process.terminate()
            process.wait(timeout=60)


def rss_kib(pid: int) -> int:
    """Resident set size of a process, in KiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


async def hammer(
    base: str, secret: str, *, concurrency: int, seconds: float, timeout: float = 10
) -> list[Outcome]:
    """`concurrency` loops posting screenings (one in ten lists the log) for `seconds`."""
    outcomes: list[Outcome] = []
    start = time.monotonic()
    limits = httpx.Limits(max_connections=concurrency)
    headers = {"X-API-Key": secret}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:

        async def loop(rng: random.Random) -> None:
            while time.monotonic() - start < seconds:
                sent = time.monotonic()
                try:
                    if rng.random() < 0.1:
                        response = await client.get("/v1/screenings?limit=20", headers=headers)
                    else:
                        body = rng.choice(BODIES)
                        response = await client.post("/v1/screenings", json=body, headers=headers)
                    status: int | str = response.status_code
                    code = response.json().get("code") if status >= 400 else None
                except httpx.HTTPError as exc:
                    status, code = type(exc).__name__, None
                    await asyncio.sleep(0.05)
                outcomes.append(Outcome(sent - start, time.monotonic() - sent, status, code))

        await asyncio.gather(*(loop(random.Random(n)) for n in range(concurrency)))
    return outcomes


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(label: str, outcomes: list[Outcome], keep: Callable[[Outcome], bool]) -> str:
    """One line: count, statuses, p50/p99/max latency of the outcomes `keep` selects."""
    chosen = [o for o in outcomes if keep(o)]
    counts: dict[str, int] = {}
    for o in chosen:
        key = f"{o.status}" + (f" {o.code}" if o.code else "")
        counts[key] = counts.get(key, 0) + 1
    seconds = [o.seconds for o in chosen]
    return (
        f"{label}: {len(chosen)} requests {dict(sorted(counts.items()))}; latency p50 "
        f"{percentile(seconds, 0.5) * 1000:.0f} ms, p99 {percentile(seconds, 0.99) * 1000:.0f} ms,"
        f" max {max(seconds, default=0) * 1000:.0f} ms"
    )
