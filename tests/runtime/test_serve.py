"""`screening serve --workers N`: the workers' sockets and the logging of worker processes."""

import contextlib
import logging.config
import pickle
import socket

import pytest

from service.logs import JsonFormatter, uvicorn_log_config
from service.worker_sockets import ReusePortSocket


def test_each_worker_unpickles_a_tcp_socket_of_its_own_on_the_one_port() -> None:
    reserved = ReusePortSocket("127.0.0.1", 0, 16).reserve()
    port = reserved.getsockname()[1]
    recipe = ReusePortSocket("127.0.0.1", port, 16)
    first, second = pickle.loads(pickle.dumps(recipe)), pickle.loads(pickle.dumps(recipe))
    try:
        assert first.fileno() != second.fileno()
        for sock in (first, second):
            assert sock.getsockname() == ("127.0.0.1", port)
            # asyncio sets TCP_NODELAY on accepted connections only when the proto says TCP.
            assert sock.proto == socket.IPPROTO_TCP
            assert sock.get_inheritable()
        with pytest.raises(OSError):  # a socket without SO_REUSEPORT cannot take the port
            socket.create_server(("127.0.0.1", port))
    finally:
        for sock in (first, second, reserved):
            sock.close()


def test_connections_are_spread_over_the_workers_sockets() -> None:
    reserved = ReusePortSocket("127.0.0.1", 0, 64).reserve()
    recipe = ReusePortSocket("127.0.0.1", reserved.getsockname()[1], 64)
    workers = [pickle.loads(pickle.dumps(recipe)) for _ in range(2)]
    clients = [socket.create_connection(("127.0.0.1", recipe.port)) for _ in range(32)]
    try:
        accepted = []
        for sock in workers:
            sock.setblocking(False)
            count = 0
            with contextlib.suppress(BlockingIOError):
                while True:
                    sock.accept()[0].close()
                    count += 1
            accepted.append(count)
        # The reserving socket does not listen, so it is given none of them.
        assert sum(accepted) == 32
        assert min(accepted) >= 4, accepted
    finally:
        for sock in [*clients, *workers, reserved]:
            sock.close()


def test_worker_processes_log_json_lines() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        logging.config.dictConfig(uvicorn_log_config("INFO"))
        assert isinstance(root.handlers[0].formatter, JsonFormatter)
        assert logging.getLogger("uvicorn.access").propagate
    finally:
        root.handlers[:], root.level = handlers, level
