"""Starts `screening serve` on a fresh, migrated database for a benchmark, and stops it again.

Every benchmark that talks HTTP goes through here so servers are started the way an operator
starts them: `screening db upgrade`, `screening keys create`, `screening serve`.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
SCREENING = Path(sys.executable).parent / "screening"
# The PostgreSQL database the benchmarks may wipe; BENCH_PG_URL names another one.
DEFAULT_PG = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_5")


@dataclass(frozen=True)
class Server:
    """A running server: where it answers, the key to use, and its process id."""

    base_url: str
    database_url: str
    key: str
    pid: int
    log_path: Path


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(kind: str, folder: Path, pg_url: str = DEFAULT_PG) -> str:
    """The URL of an empty database: a new SQLite file, or the PostgreSQL schema wiped (the
    database is created first if the server lacks it)."""
    if kind == "sqlite":
        path = folder / f"bench-{time.monotonic_ns()}.db"
        return f"sqlite:///{path}"
    url = make_url(pg_url).set(drivername="postgresql")
    plain = url.render_as_string(hide_password=False)
    admin = url.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)
        ).fetchone()
        if not exists:  # a new machine has only `test`; the bench never touches that one
            connection.execute(f'CREATE DATABASE "{url.database}"')
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return pg_url


def prepare(url: str, env: dict[str, str]) -> str:
    """Migrate the database and create a screener key; the key's secret."""
    env = {**env, "SCREENING_DATABASE_URL": url}
    subprocess.run([str(SCREENING), "db", "upgrade"], env=env, check=True, capture_output=True)
    created = subprocess.run(
        [str(SCREENING), "keys", "create", "--role", "screener", "--name", "bench"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return created.stdout.strip().splitlines()[-1]


def wait_ready(base_url: str, timeout: float = 60.0, interval: float = 0.01) -> float:
    """Poll /readyz until it answers 200; seconds waited. Raises after `timeout`."""
    started = time.perf_counter()
    with httpx.Client(timeout=1.0) as client:
        while time.perf_counter() - started < timeout:
            try:
                if client.get(f"{base_url}/readyz").status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(interval)
    raise TimeoutError(f"{base_url}/readyz not ready after {timeout}s")


def serve_command(port: int, workers: int, cpus: str | None) -> list[str]:
    """`screening serve` on `port`, optionally pinned to `cpus` with taskset."""
    command = [str(SCREENING), "serve", "--port", str(port), "--workers", str(workers)]
    return (["taskset", "-c", cpus] if cpus else []) + command


@contextmanager
def running(  # noqa: PLR0913 - each knob is one benchmark axis
    *,
    kind: str,
    folder: Path,
    workers: int = 1,
    cpus: str | None = None,
    extra_env: dict[str, str] | None = None,
    pg_url: str = DEFAULT_PG,
) -> Iterator[Server]:
    """A served app on a fresh database; stopped (SIGTERM, then SIGKILL) on exit."""
    env = {**os.environ, **(extra_env or {}), "SCREENING_DATA_DIR": str(folder / "data")}
    url = fresh_database(kind, folder, pg_url)
    key = prepare(url, env)
    port = free_port()
    env |= {"SCREENING_DATABASE_URL": url}
    log_path = folder / f"server-{port}.log"
    with log_path.open("wb") as log:
        child = subprocess.Popen(
            serve_command(port, workers, cpus),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_ready(base_url)
        yield Server(base_url=base_url, database_url=url, key=key, pid=child.pid, log_path=log_path)
    finally:
        stop(child)


def stop(child: subprocess.Popen) -> None:
    """Stop a server we started, and its workers, by its own process group."""
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def peak_rss_mb(pid: int) -> float:
    """The high-water resident set size of a live process, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by a process and all its descendants (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            # Fields after the ")" closing the command name; utime and stime are 12th and 13th.
            fields = Path(f"/proc/{current}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total
