"""Spans around the service's own steps (engine, audit write, webhook delivery); no-ops when off.

Any layer but the engine may open one: `with span("webhook.deliver", event_id=...) as step:`,
then `step.set(status_code=...)` once the outcome is known. While no app with tracing on is
running (no OTLP endpoint configured), `span()` yields a step that ignores everything and
touches no OpenTelemetry code. An exception leaving the block marks the span as failed.
The app turns tracing on at start-up (`activate`) and off at shutdown (`deactivate`); one
traced app per process, which is how the service runs.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.util.types import AttributeValue

TRACER_NAME = "service"

_tracer: trace.Tracer | None = None


class Step:
    """The span of one step, or nothing when tracing is off; `set()` is safe either way."""

    __slots__ = ("_span",)

    def __init__(self, span: trace.Span | None) -> None:
        self._span = span

    def set(self, **attributes: AttributeValue | None) -> None:
        """Add attributes to the step's span (None values are left out)."""
        if self._span is not None:
            self._span.set_attributes(_present(attributes))


OFF = Step(None)


def activate(provider: trace.TracerProvider) -> None:
    """Send the steps' spans to `provider` from now on."""
    global _tracer
    _tracer = provider.get_tracer(TRACER_NAME)


def deactivate() -> None:
    """Stop tracing steps."""
    global _tracer
    _tracer = None


@contextmanager
def span(name: str, **attributes: AttributeValue | None) -> Iterator[Step]:
    """A span named `name`, child of the current one, open for the block; OFF when off."""
    tracer = _tracer
    if tracer is None:
        yield OFF
        return
    with tracer.start_as_current_span(name, attributes=_present(attributes)) as live:
        yield Step(live)


def annotate(**attributes: AttributeValue | None) -> None:
    """Add attributes to the current span (in a route: the HTTP request's), when tracing is on."""
    if _tracer is not None:
        trace.get_current_span().set_attributes(_present(attributes))


def current_ids() -> tuple[str, str] | None:
    """The current trace and span ids in hex, for log lines; None outside a recorded span."""
    if _tracer is None:
        return None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id)


def _present(attributes: dict[str, AttributeValue | None]) -> dict[str, AttributeValue]:
    return {name: value for name, value in attributes.items() if value is not None}
