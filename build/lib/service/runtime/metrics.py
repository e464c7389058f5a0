"""Prometheus metrics: the service's counters and gauges, one registry per app."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

from service.engine.models import RulesetRef

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The service's counters and gauges, in a registry of their own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "screening_http_requests_total",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "screening_http_request_duration_seconds",
            "HTTP request latency by method and route template",
            ["method", "route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.decisions = Counter(
            "screening_decisions_total",
            "screenings decided and stored (API, UI and batch rows; not replays), by decision",
            ["decision"],
            registry=self.registry,
        )
        self.batch_rows = Counter(
            "screening_batch_rows_total",
            "batch rows screened and stored (including rows with errors)",
            registry=self.registry,
        )
        self.audit_groups = Histogram(
            "screening_audit_group_rows",
            "screenings stored per audit-log transaction by the HTTP audit writer (group commit)",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
            registry=self.registry,
        )
        self.ruleset = Gauge(
            "screening_ruleset_info",
            "the rule set in use (value 1)",
            ["version", "digest"],
            registry=self.registry,
        )

    def set_ruleset(self, ref: RulesetRef) -> None:
        """Record the rule set in use, replacing any earlier one."""
        self.ruleset.clear()
        self.ruleset.labels(version=ref.version, digest=ref.digest).set(1)

    def count_decision(self, decision: str) -> None:
        """Count one decided and stored screening."""
        self.decisions.labels(decision).inc()

    def render(self) -> bytes:
        """Everything in the Prometheus text format."""
        return generate_latest(self.registry)
