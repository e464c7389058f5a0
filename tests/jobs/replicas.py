"""Real replicas for the failover tests: `screening serve` processes on one database, each in a
process group of its own (so `--workers N` is stopped whole), logging to a file."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.runtime.serving import free_port

SCREENING = Path(sys.executable).parent / "screening"


@dataclass
class Replica:
    """One `screening serve` command: its URL, its process and its log file."""

    base: str
    process: subprocess.Popen
    log: Path

    def pids(self) -> set[int]:
        """The serving process and its worker processes (for `--workers N`)."""
        pids = {self.process.pid}
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids |= {int(pid) for pid in children.read_text().split()}
        return pids

    def up(self) -> bool:
        """True when the replica answers /healthz."""
        try:
            return httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False


def start(env: dict[str, str], folder: Path, name: str, workers: int = 1) -> Replica:
    """Start `screening serve` with these settings on a free port."""
    port = free_port()
    log = folder / f"{name}.log"
    command = [str(SCREENING), "serve", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            env={**os.environ, **env},
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Replica(f"http://127.0.0.1:{port}", process, log)


def stop(replica: Replica) -> None:
    """Stop the replica's whole process group: SIGTERM, then SIGKILL after 20 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(replica.process.pid, sig)
        except ProcessLookupError:
            return
        try:
            replica.process.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def replicas(
    env: dict[str, str], folder: Path, workers: tuple[int, ...], timeout: float = 90
) -> Iterator[list[Replica]]:
    """Start one replica per entry of `workers` (its worker count); stop them all at the end."""
    started = [start(env, folder, f"replica-{n}", w) for n, w in enumerate(workers)]
    try:
        deadline = time.monotonic() + timeout
        for replica in started:
            while not replica.up():
                assert replica.process.poll() is None, replica.log.read_text()[-3000:]
                assert time.monotonic() < deadline, f"{replica.base} did not start"
                time.sleep(0.2)
        yield started
    finally:
        for replica in started:
            stop(replica)


def alive(group: list[Replica], dead: set[int]) -> Replica:
    """A replica none of whose processes is in `dead`, to send requests to."""
    for replica in group:
        if replica.process.poll() is None and not replica.pids() & dead:
            return replica
    raise AssertionError("no replica left alive")
