"""Real database outages for the loop tests: PostgreSQL behind a TCP proxy that the test cuts,
SQLite locked by another connection for longer than the service's busy timeout."""

import contextlib
import socket
import sqlite3
import threading
import time
from typing import Protocol

from sqlalchemy.engine import make_url

# The service waits this long for SQLite's write lock (store/database.py) before failing.
SQLITE_BUSY_SECONDS = 5.0


class Outage(Protocol):
    """A database the test can take away and give back."""

    url: str
    seconds: float  # how long an outage must last to make the service's writes fail

    def cut(self) -> None:
        """Take the database away."""

    def restore(self) -> None:
        """Give it back."""

    def close(self) -> None:
        """Undo everything."""


class PostgresProxy:
    """PostgreSQL reached through a local TCP proxy. `cut()` drops every open connection and
    closes each new one at once (the server "went away"); `restore()` lets them through."""

    seconds = 2.0

    def __init__(self, database_url: str) -> None:
        target = make_url(database_url)
        self.target = (target.host or "127.0.0.1", target.port or 5432)
        self.listener = socket.create_server(("127.0.0.1", 0))
        local = target.set(host="127.0.0.1", port=self.listener.getsockname()[1])
        self.url = local.render_as_string(hide_password=False)
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        self.up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                # Checked under the lock: a cut() that runs meanwhile must not miss this pair.
                if not self.up:
                    drop(client, server)
                    continue
                self.open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            drop(source, sink)

    def cut(self) -> None:
        """Drop every connection; refuse new ones until restored."""
        with self.lock:
            self.up = False
            dropped, self.open = self.open, []
        drop(*dropped)

    def restore(self) -> None:
        """Let connections through again."""
        self.up = True

    def close(self) -> None:
        """Stop listening and drop what is open."""
        self.cut()
        self.listener.close()


def drop(*ends: socket.socket) -> None:
    """Shut the sockets down, then close them. The shutdown is what ends a `recv` another
    thread is blocked in; a bare close would leave that socket open, so PostgreSQL would keep
    the backend (and any transaction it had open) after the client went away."""
    for end in ends:
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
        end.close()


class SqliteLock:
    """A SQLite file whose write lock another connection takes and keeps: the service's
    writes wait its busy timeout, then fail with 'database is locked'."""

    seconds = SQLITE_BUSY_SECONDS + 1.5

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.path = make_url(database_url).database or ""
        self.holder: sqlite3.Connection | None = None

    def cut(self) -> None:
        """Take the write lock and keep it."""
        self.holder = sqlite3.connect(
            self.path, timeout=30, isolation_level=None, check_same_thread=False
        )
        self.holder.execute("BEGIN IMMEDIATE")

    def restore(self) -> None:
        """Let the lock go."""
        if self.holder is not None:
            self.holder.execute("ROLLBACK")
            self.holder.close()
            self.holder = None

    def close(self) -> None:
        """Let the lock go if still held."""
        self.restore()


def outage_for(database_url: str) -> Outage:
    """The outage that fits the test database."""
    if database_url.startswith("sqlite"):
        return SqliteLock(database_url)
    return PostgresProxy(database_url)


def wait_for(check, timeout: float = 30, what: str = "condition") -> None:  # noqa: ANN001
    """Poll `check` every 50 ms until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
