"""Listening sockets for `screening serve --workers N`: one per worker, SO_REUSEPORT on one port.

uvicorn's supervisor hands every worker the same listening socket. A worker woken by new
connections accepts all that are waiting, so the 16 keep-alive connections of an ERP's pool (or
of a load generator) all landed on one worker while the other idled. With a socket of its own
per worker, bound to the same port with SO_REUSEPORT, the kernel spreads connections evenly.

uvicorn passes the sockets to each worker process it spawns (at start and on every restart) by
pickling them; a `ReusePortSocket` pickles as the recipe for a new socket, so each worker binds
its own. The sockets are created with proto IPPROTO_TCP, which asyncio needs to set TCP_NODELAY
on accepted connections (without it every keep-alive answer waited ~40 ms for a delayed ACK:
Kludex/uvicorn#3149).
"""

import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class ReusePortSocket:
    """The address of a worker's listening socket; unpickled, it is that socket, bound."""

    host: str
    port: int
    backlog: int

    def __reduce__(self) -> tuple[object, tuple[str, int, int]]:
        return bind_reuse_port, (self.host, self.port, self.backlog)

    def reserve(self) -> socket.socket:
        """Bind the port without listening: fails now if it is taken, and keeps it reserved.

        A bound socket that does not listen is given no connections.
        """
        return _bound(self.host, self.port)


def _bound(host: str, port: int) -> socket.socket:
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def bind_reuse_port(host: str, port: int, backlog: int) -> socket.socket:
    """A TCP socket listening on host:port, sharing the port with the other workers'."""
    sock = _bound(host, port)
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock
