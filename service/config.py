"""Runtime settings, read once from SCREENING_* environment variables."""

from ipaddress import ip_network
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every knob of the service; the only place that reads the environment."""

    model_config = SettingsConfigDict(
        env_prefix="SCREENING_", extra="ignore", populate_by_name=True
    )

    # SQLAlchemy URL: an embedded SQLite file by default, postgresql+psycopg://... in production.
    database_url: str = "sqlite:///./data/screening.db"
    # Folder holding ruleset.yaml and one YAML file per legal instrument.
    rules_dir: Path = PROJECT_DIR / "rules"
    # Alembic scripts; set it when the package is installed away from the source tree.
    migrations_dir: Path = PROJECT_DIR / "migrations"
    # Interface and port `screening serve` binds to.
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Upper bound on `limit` for paged lists; larger requests are cut down to it.
    max_page_size: int = Field(default=200, ge=1)
    # Level of the JSON log lines written to stderr.
    log_level: str = "INFO"
    # Folder for uploaded batch files (one CSV per job, kept so a job can resume).
    data_dir: Path = Path("./data")
    # Largest batch upload accepted, in bytes; larger ones get 413.
    batch_max_upload_bytes: int = Field(default=50_000_000, ge=1)
    # Most rows a batch file may hold; more gets 413.
    batch_max_rows: int = Field(default=1_000_000, ge=1)
    # Rows screened and committed together: one transaction per chunk.
    batch_chunk_size: int = Field(default=500, ge=1)
    # Processes that screen a batch's rows, each with an engine of its own: 0 = one per core,
    # 1 = in the service's own process (as do jobs of under 1,000 rows). Also `screen --jobs`.
    batch_jobs: int = Field(default=0, ge=0)
    # Pause after each row, in seconds; only for tests and demos of interrupted jobs.
    batch_row_delay: float = Field(default=0.0, ge=0)
    # Stored screenings re-run and committed together by a re-screen: one transaction each.
    rescreen_chunk_size: int = Field(default=200, ge=1)
    # Pause after each re-run screening, in seconds; only for tests and demos, like the above.
    rescreen_row_delay: float = Field(default=0.0, ge=0)
    # Background jobs (batches, re-screens) are owned by one process at a time through a lease
    # in the database. Seconds a lease lasts unrenewed: a dead owner's job is taken over by
    # another process this long after its last heartbeat.
    job_lease_seconds: float = Field(default=30, gt=0)
    # Seconds between an owner's renewals of its leases; well under job_lease_seconds.
    job_heartbeat_seconds: float = Field(default=5, gt=0)
    # Seconds between looks for jobs to claim: submitted through another process, or abandoned.
    job_poll_seconds: float = Field(default=1, gt=0)
    # Seconds `serve --workers N` waits for a worker process to answer its health check before
    # replacing it. A new worker answers only once it has imported the service, which took
    # 13-19 s on a busy 2-core machine; uvicorn's 5 s killed every worker before it started.
    worker_healthcheck_seconds: int = Field(default=30, ge=1)
    # Largest request body in bytes (batch uploads use batch_max_upload_bytes); larger gets 413.
    max_body_bytes: int = Field(default=1_000_000, ge=1)
    # Most screening requests one POST /v1/screenings/bulk may hold; more gets 413.
    bulk_max_items: int = Field(default=1_000, ge=1)
    # Body bytes allowed per bulk item: the bulk body limit is bulk_max_items times this.
    bulk_item_bytes: int = Field(default=16_384, ge=1_024)
    # Requests one API key may make per minute; 0 switches rate limiting off.
    rate_limit_per_minute: int = Field(default=0, ge=0)
    # Redis URL shared by every instance for rate limits; unset keeps counters in the process.
    redis_url: str | None = None
    # Prefix of the Redis keys this service writes, so instances of several services can share.
    redis_prefix: str = "screening"
    # Comma-separated origins allowed by CORS; empty (the default) sends no CORS headers at all.
    cors_origins: str = ""
    # Start a re-screen of every stored screening when a rule set not seen before is loaded.
    rescreen_on_new_ruleset: bool = False
    # Secret that signs the /ui session cookie; a random one per process when unset
    # (sign-ins then end at restart). Set it when several processes serve the UI.
    ui_secret: str | None = Field(default=None, min_length=32)
    # Seconds to wait when connecting to PostgreSQL, and for a free pooled connection; past
    # them a request fails with 503 database_unavailable instead of hanging.
    db_connect_timeout: int = Field(default=3, ge=1)
    db_pool_timeout: float = Field(default=5, gt=0)
    # Seconds an API key, once looked up, is trusted without reading it again. A key revoked
    # through another process or the CLI keeps working this long; 0 reads it on every request.
    key_cache_seconds: float = Field(default=5, ge=0, le=60)
    # Base URL of an OTLP/HTTP collector (e.g. http://otel-collector:4318): traces go there,
    # and tracing is off while it is unset. The standard OTEL_EXPORTER_OTLP_ENDPOINT works too.
    otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SCREENING_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"),
    )
    # Fernet key(s) sealing webhook signing secrets in the database (comma-separated: the first
    # seals, every one opens, for rotation). Without one, webhooks cannot be created.
    webhook_secret_key: str | None = None
    # Comma-separated networks (CIDR, or one address) webhooks may reach although they are
    # private, loopback, link-local or a cloud metadata address; empty: only public addresses.
    webhook_allowed_networks: str = ""
    # Seconds a delivery may take to connect, and to read the receiver's answer.
    webhook_connect_timeout: float = Field(default=3, gt=0, le=30)
    # A receiver that has not answered in time has failed that attempt.
    webhook_read_timeout: float = Field(default=5, gt=0, le=60)
    # Retries after a failed attempt: the first after about this many seconds, each one twice
    # as late (with jitter) up to the cap, for the window; then the delivery is marked failed.
    webhook_retry_base_seconds: float = Field(default=10, gt=0)
    webhook_retry_cap_seconds: float = Field(default=3600, gt=0)
    webhook_retry_window_seconds: float = Field(default=86400, gt=0)
    # Seconds the delivery loop waits when nothing is due before it looks again.
    webhook_poll_seconds: float = Field(default=1, gt=0)
    # Seconds a process holds a claimed delivery; past that another process may send it again.
    # Longer than connecting plus reading, so a live sender never loses its lease mid-request.
    webhook_lease_seconds: float = Field(default=30, gt=0)
    # Read by the test suite only: when set, tests run against this PostgreSQL database.
    test_database_url: str | None = None
    # Read by the test suite only: when set, the Redis rate-limit tests run against it.
    test_redis_url: str | None = None

    @property
    def bulk_max_body_bytes(self) -> int:
        """The largest body POST /v1/screenings/bulk accepts: it grows with the item limit."""
        return self.bulk_max_items * self.bulk_item_bytes

    @property
    def cors_origin_list(self) -> list[str]:
        """The configured CORS origins, without blanks."""
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def webhook_network_list(self) -> list[str]:
        """The configured webhook allow-list, without blanks."""
        return [net.strip() for net in self.webhook_allowed_networks.split(",") if net.strip()]

    @model_validator(mode="after")
    def _lease_outlasts_a_request(self) -> "Settings":
        if self.webhook_lease_seconds <= self.webhook_connect_timeout + self.webhook_read_timeout:
            raise ValueError(
                "webhook_lease_seconds must be longer than webhook_connect_timeout plus "
                "webhook_read_timeout, or a slow receiver could get the same event twice"
            )
        return self

    @field_validator("webhook_allowed_networks")
    @classmethod
    def _networks_parse(cls, value: str) -> str:
        for net in value.split(","):
            if net.strip():
                try:
                    ip_network(net.strip(), strict=False)
                except ValueError as exc:
                    raise ValueError(f"not a network (CIDR) or address: {net.strip()!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, url: str) -> str:
        if url.startswith(("postgresql://", "postgres://")):
            raise ValueError("name the psycopg 3 driver: postgresql+psycopg://user:pass@host/db")
        return url

    @model_validator(mode="after")
    def _heartbeat_within_lease(self) -> "Settings":
        if self.job_heartbeat_seconds * 2 > self.job_lease_seconds:
            raise ValueError(
                "job_heartbeat_seconds must be at most half of job_lease_seconds, so a live "
                "owner renews its lease before it runs out"
            )
        return self
