"""A small typed client for the screening API, on httpx: screen one deal or a bulk, run a batch.

Every call that screens carries an Idempotency-Key (the caller's, or one made up for the call),
so retrying it can never store a screening twice. Connection failures, 5xx and 429 answers are
retried with a bounded exponential backoff (a 429's or 503's Retry-After is honoured); a 4xx
answer raises `ApiError`, which carries the service's common error shape.

    with ScreeningClient("http://127.0.0.1:8000", api_key) as client:
        record = client.screen({"transaction_type": "material_export", "description": "..."})
        answers = client.screen_bulk(order_lines)
"""

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel

from service.api.errors import ErrorBody
from service.api.schemas.batches import BatchStatus
from service.api.schemas.bulk import BulkScreenings
from service.api.schemas.screenings import ScreeningRecord
from service.engine.models import ScreeningRequest

Model = TypeVar("Model", bound=BaseModel)
Request = ScreeningRequest | Mapping[str, Any]
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
FINISHED = frozenset({"done", "failed"})


class ApiError(Exception):
    """The service refused a call (4xx), or still failed (5xx, 429) once the retries ran out."""

    def __init__(self, status: int, error: ErrorBody) -> None:
        super().__init__(f"{status} {error.code}: {error.message}")
        self.status, self.error = status, error

    @property
    def code(self) -> str:
        """The machine-readable error code, e.g. `validation_error`."""
        return self.error.code


class BatchTimeout(TimeoutError):
    """A batch was still running when `wait_for_batch` stopped waiting."""


def _body(request: Request) -> Any:
    """A request as JSON-ready data: a model without its defaults, a mapping as given."""
    if isinstance(request, ScreeningRequest):
        return request.model_dump(mode="json", exclude_defaults=True)
    return dict(request)


def _error(response: httpx.Response) -> ApiError:
    """The ApiError of an answer, whether or not it is in the common shape."""
    try:
        error = ErrorBody.model_validate_json(response.content)
    except ValueError:
        error = ErrorBody(code="http_error", message=response.text[:500] or response.reason_phrase)
    return ApiError(response.status_code, error)


class ScreeningClient:
    """A client for one service and one API key; use it as a context manager to close it."""

    def __init__(  # noqa: PLR0913 - each knob has a safe default
        self,
        base_url: str = "",
        api_key: str = "",
        *,
        http: httpx.Client | None = None,
        timeout: float = 60.0,
        retries: int = 5,
        backoff: float = 0.5,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`http` lets a test pass its own client (e.g. FastAPI's TestClient)."""
        self.http = http or httpx.Client(base_url=base_url, timeout=timeout)
        self.headers = {"X-API-Key": api_key}
        self.retries, self.backoff, self.max_wait, self.sleep = retries, backoff, max_wait, sleep

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self.http.close()

    def screen(self, request: Request, *, idempotency_key: str | None = None) -> ScreeningRecord:
        """Screen one deal; its stored record (the first one, when the key was used before)."""
        response = self._send("POST", "/v1/screenings", json=_body(request), key=idempotency_key)
        return ScreeningRecord.model_validate_json(response.content)

    def screen_bulk(
        self, requests: Sequence[Request], *, idempotency_key: str | None = None
    ) -> BulkScreenings:
        """Screen many deals in one call; one entry per request, in order (record or error)."""
        body = [_body(request) for request in requests]
        response = self._send("POST", "/v1/screenings/bulk", json=body, key=idempotency_key)
        return BulkScreenings.model_validate_json(response.content)

    def upload_batch(self, path: Path, *, idempotency_key: str | None = None) -> BatchStatus:
        """Upload a CSV file to be screened in the background; the queued job."""
        content = path.read_bytes()
        files = {"file": (path.name, content, "text/csv")}
        response = self._send("POST", "/v1/batches", files=files, key=idempotency_key)
        return BatchStatus.model_validate_json(response.content)

    def batch(self, job_id: str) -> BatchStatus:
        """A batch job's status and progress."""
        return self._get(f"/v1/batches/{job_id}", BatchStatus)

    def wait_for_batch(
        self, job_id: str, *, timeout: float = 3600.0, interval: float = 0.5
    ) -> BatchStatus:
        """Poll a batch until it is done or failed; BatchTimeout after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while (status := self.batch(job_id)).status not in FINISHED:
            if time.monotonic() >= deadline:
                raise BatchTimeout(f"batch {job_id} is {status.status} after {timeout:g} s")
            self.sleep(interval)
        return status

    def batch_results(self, job_id: str) -> str:
        """A batch's results as CSV (the rows done so far while it runs)."""
        return self._send("GET", f"/v1/batches/{job_id}/results", key=None).text

    def _get(self, path: str, model: type[Model]) -> Model:
        return model.model_validate_json(self._send("GET", path, key=None).content)

    def _send(self, method: str, path: str, *, key: str | None, **content: Any) -> httpx.Response:
        """Send with retries; POSTs always carry an Idempotency-Key, the same on every try."""
        headers = dict(self.headers)
        if method == "POST":
            headers["Idempotency-Key"] = key or f"client-{uuid.uuid4()}"
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.http.request(method, path, headers=headers, **content)
            except httpx.TransportError:
                if last:
                    raise
                self.sleep(self.retry_wait(attempt, None))
                continue
            if response.status_code < 400:
                return response
            if response.status_code not in RETRIED_STATUSES or last:
                raise _error(response)
            self.sleep(self.retry_wait(attempt, response.headers.get("Retry-After")))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def retry_wait(self, attempt: int, retry_after: str | None) -> float:
        """Seconds before the next try: doubling from `backoff`, at least Retry-After, bounded."""
        wait = self.backoff * 2**attempt
        if retry_after is not None and retry_after.isdigit():
            wait = max(wait, float(retry_after))
        return min(wait, self.max_wait)
