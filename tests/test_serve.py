"""`screening serve --workers N`: the shared socket and the logging of worker processes."""

import logging.config
import socket

from service.cli import TcpConfig
from service.logs import JsonFormatter, uvicorn_log_config


def test_the_socket_shared_by_workers_is_tcp_so_connections_get_nodelay() -> None:
    config = TcpConfig("service.app:create_app", factory=True, host="127.0.0.1", port=0)
    sock = config.bind_socket()
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.get_inheritable()
    finally:
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
