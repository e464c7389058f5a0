"""OpenTelemetry set-up: a tracer provider, the FastAPI request spans, OTLP/HTTP export.

Imported only when tracing is on: the SDK, the instrumentation and the exporter take about a
quarter of a second to import, which a service that does not trace should not pay at start-up.
"""

from collections.abc import Callable
from importlib.metadata import version

from fastapi import FastAPI
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

DEFAULT_SERVICE_NAME = "export-screening"
# Probes and scrapes every few seconds would bury the traces worth reading.
UNTRACED_PATHS = "/healthz,/readyz,/metrics"


def tracer_provider() -> TracerProvider:
    """A provider naming this service (OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win);
    the sampler comes from OTEL_TRACES_SAMPLER, every trace by default."""
    resource = Resource.create({SERVICE_VERSION: version("export-screening")})
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    return TracerProvider(resource=resource)


def instrument(app: FastAPI, provider: TracerProvider) -> None:
    """One server span per HTTP request (named by its route template), probes left out."""
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls=UNTRACED_PATHS,
        exclude_spans=["receive", "send"],
    )


def export(provider: TracerProvider, endpoint: str) -> Callable[[], None]:
    """Send the provider's spans in batches to the OTLP/HTTP collector at `endpoint` (its base
    URL, as in OTEL_EXPORTER_OTLP_ENDPOINT); returns the stop that flushes what is left.

    The exporter's other OTEL_EXPORTER_OTLP_* variables (headers, timeout, compression) apply.
    """
    processor = BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces"))
    provider.add_span_processor(processor)
    return processor.shutdown
