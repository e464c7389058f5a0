"""Traces: a span per HTTP request with the engine's decision and the audit write inside it,
exported over OTLP/HTTP when an endpoint is configured, and nothing at all when it is not."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_trace_id

from bench import otlp_sink
from bench.otlp_sink import Sink
from service.app import create_app
from service.config import Settings
from service.engine import Engine
from tests.api.test_observability import json_lines, parsed  # noqa: F401 - json_lines: fixture
from tests.api.test_screenings import GALLIUM


@pytest.fixture
def exported() -> InMemorySpanExporter:
    """Where the traced app's finished spans go."""
    return InMemorySpanExporter()


@pytest.fixture
def traced(
    settings: Settings, engine: Engine, exported: InMemorySpanExporter
) -> Iterator[TestClient]:
    """A client of an app traced through a provider that keeps its spans in memory."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    with TestClient(create_app(settings, engine=engine, tracer_provider=provider)) as client:
        yield client


def named(spans: tuple[ReadableSpan, ...], name: str) -> ReadableSpan:
    """The one span called `name`."""
    [found] = [span for span in spans if span.name == name]
    return found


def status_of(request: ReadableSpan) -> object:
    """The response status on a request span, by the old or the stable HTTP conventions
    (OTEL_SEMCONV_STABILITY_OPT_IN picks which)."""
    attributes = request.attributes or {}
    return attributes.get("http.response.status_code", attributes.get("http.status_code"))


@pytest.mark.parametrize("idempotency", [{}, {"Idempotency-Key": "order-4711"}])
def test_a_screening_request_span_holds_the_decision_and_the_audit_write(
    traced,
    exported,
    auth,
    idempotency,
    json_lines,  # noqa: F811
):
    headers = {**auth, **idempotency, "X-Request-ID": "erp-4711.b"}
    response = traced.post("/v1/screenings", json=GALLIUM, headers=headers)
    assert response.status_code == 201
    body = response.json()
    spans = exported.get_finished_spans()
    request = named(spans, "POST /v1/screenings")
    decide, write = named(spans, "screening.decide"), named(spans, "audit.write")
    assert request.kind is SpanKind.SERVER and request.parent is None
    assert request.attributes["http.route"] == "/v1/screenings"
    assert request.attributes["request_id"] == "erp-4711.b"
    assert status_of(request) == 201
    for child in (decide, write):
        assert child.parent.span_id == request.context.span_id
        assert child.context.trace_id == request.context.trace_id
    assert dict(decide.attributes) == {
        "transaction_type": "material_export",
        "decision": body["decision"],
        "ruleset_version": body["ruleset"]["version"],
        "ruleset_digest": body["ruleset"]["digest"],
        "matches": len(body["matches"]),
        "party_matches": 0,
    }
    expected_write = (
        {"idempotency_key": True} if idempotency else {"screening_id": body["id"], "group_size": 1}
    )
    assert dict(write.attributes) == expected_write
    # The log line of the decision leads to its trace.
    [decided] = [line for line in parsed(json_lines) if line["event"] == "screening.decided"]
    assert decided["trace_id"] == format_trace_id(request.context.trace_id)


def test_probes_are_not_traced_and_a_refused_request_is(traced, exported, auth):
    assert traced.get("/healthz").status_code == 200
    assert traced.get("/readyz").status_code == 200
    assert traced.post("/v1/screenings", json={}, headers=auth).status_code == 422
    [request] = exported.get_finished_spans()
    assert request.name == "POST /v1/screenings"
    assert status_of(request) == 422


def test_without_an_otlp_endpoint_nothing_is_traced(client, auth, json_lines):  # noqa: F811
    assert client.app.state.tracer_provider is None
    assert client.post("/v1/screenings", json=GALLIUM, headers=auth).status_code == 201
    assert all("trace_id" not in line for line in parsed(json_lines))


@pytest.fixture
def collector() -> Iterator[Sink]:
    """An OTLP/HTTP receiver on the loopback, as a deployment's collector."""
    with otlp_sink.running() as sink:
        yield sink


def test_with_an_otlp_endpoint_the_spans_reach_the_collector(settings, engine, auth, collector):
    traced_settings = settings.model_copy(update={"otlp_endpoint": collector.endpoint})
    with TestClient(create_app(traced_settings, engine=engine)) as client:
        assert client.post("/v1/screenings", json=GALLIUM, headers=auth).status_code == 201
    # Stopping the app flushed the batch of spans.
    assert set(collector.exports) == {("/v1/traces", "application/x-protobuf")}
    assert collector.services == {"export-screening"}
    assert collector.spans == {"POST /v1/screenings": 1, "screening.decide": 1, "audit.write": 1}
