"""An OTLP/HTTP trace receiver on the loopback: accepts every export, counts spans by name.

`http_bench.py --trace` points the server at it (SCREENING_OTLP_ENDPOINT), so the figures show
what tracing costs the server, export included, with a collector that answers at once; the
tracing tests use it as the collector a real deployment would have.
"""

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


class Sink(ThreadingHTTPServer):
    """What it received: exports by (path, content type), spans by name, service names."""

    daemon_threads = True

    def __init__(self) -> None:
        self.exports: Counter[tuple[str, str]] = Counter()
        self.spans: Counter[str] = Counter()
        self.services: set[str] = set()
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def endpoint(self) -> str:
        """The base URL to give the service (it posts to ENDPOINT/v1/traces)."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, path: str, content_type: str, export: ExportTraceServiceRequest) -> None:
        """Count one export request."""
        with self.lock:
            self.exports[(path, content_type)] += 1
            for resource_spans in export.resource_spans:
                for attribute in resource_spans.resource.attributes:
                    if attribute.key == "service.name":
                        self.services.add(attribute.value.string_value)
                for scope in resource_spans.scope_spans:
                    self.spans.update(span.name for span in scope.spans)


class _Handler(BaseHTTPRequestHandler):
    server: Sink

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        export = ExportTraceServiceRequest.FromString(body)
        self.server.record(self.path, self.headers["Content-Type"], export)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        """Quiet."""


@contextmanager
def running() -> Iterator[Sink]:
    """A sink serving in a background thread until the block ends."""
    sink = Sink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.shutdown()
        sink.server_close()
