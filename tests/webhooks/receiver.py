"""A real webhook receiver on the loopback: a threaded http.server that records what it gets.

It can be stopped and started again on the same port (a receiver that is down refuses
connections), told which status to answer, or told to hold each request before answering.
"""

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson

from tests.runtime.serving import free_port


@dataclass(frozen=True)
class Received:
    """One request as the receiver read it."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict:
        """The JSON body."""
        return orjson.loads(self.body)


class Receiver:
    """Records every POST; answers `status` with `location` if set, after holding the request
    for `hold` seconds (or until `hold` is set back to 0)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self.received: list[Received] = []
        self.status = 200
        self.hold = 0.0
        self.location: str | None = None
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> "Receiver":
        """Listen on the port (again)."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.received.append(Received(self.path, dict(self.headers), body))
                held_until = time.monotonic() + receiver.hold
                while receiver.hold and time.monotonic() < held_until:
                    time.sleep(0.02)
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, *_args: object) -> None:
                pass  # a sender that went away mid-request (a killed server) is expected here

        self.server = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening: connections are refused until start()."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def events(self) -> list[dict]:
        """The bodies received so far, in order."""
        with self.lock:
            return [item.event for item in self.received]

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        """Wait until at least `count` requests have come in; return them all."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} received"
            time.sleep(0.02)
