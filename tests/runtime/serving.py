"""A real `screening serve` process on a free loopback port, for tests that need signals."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

SCREENING = Path(sys.executable).parent / "screening"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(env: dict[str, str], timeout: float = 30) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start the server with these SCREENING_* settings; yield its base URL and process."""
    port = free_port()
    process = subprocess.Popen(
        [str(SCREENING), "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
