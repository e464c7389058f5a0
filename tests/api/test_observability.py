"""Request ids on every answer and every log line of a request; Prometheus metrics by template."""

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.engine import Engine
from service.logs import JsonFormatter
from tests.api.test_batches import SAMPLE, upload, wait_done
from tests.api.test_screenings import GALLIUM


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Everything logged while the test runs, as the service writes it: JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def parsed(stream: io.StringIO) -> list[dict]:
    """The captured log, one dict per line (each line must be one JSON object)."""
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_sane_client_request_id_is_echoed_and_tags_the_log_lines(client, auth, json_lines):
    response = client.post(
        "/v1/screenings", json=GALLIUM, headers={**auth, "X-Request-ID": "erp-4711.a"}
    )
    assert response.headers["x-request-id"] == "erp-4711.a"
    lines = parsed(json_lines)
    decided = [line for line in lines if line["event"] == "screening.decided"]
    assert len(decided) == 1 and decided[0]["request_id"] == "erp-4711.a"
    served = [line for line in lines if line["logger"].startswith("service.")]
    assert {line.get("request_id") for line in served} == {"erp-4711.a"}


@pytest.mark.parametrize("sent", [None, "", "has space", "x" * 129, "<script>", "ünï"])
def test_a_missing_or_odd_request_id_is_replaced(client, sent):
    headers = {"X-Request-ID": sent.encode() if sent else sent} if sent is not None else {}
    response = client.get("/healthz", headers=headers)
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_a_failure_is_logged_with_the_request_id_the_client_sees(app: FastAPI, auth, json_lines):
    @app.get("/v1/fail")
    def fail() -> None:
        raise ValueError("internal detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/fail", headers=auth)
    [failed] = [line for line in parsed(json_lines) if line["event"] == "request.failed"]
    assert failed["request_id"] == response.headers["x-request-id"]
    assert "internal detail" in failed["exception"]


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text, 0 when absent."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = rf"^{re.escape(name)}(?:\{{{re.escape(wanted)}\}})? (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_metrics_count_requests_by_route_template_and_decisions(client, auth, engine: Engine):
    screened = [client.post("/v1/screenings", json=GALLIUM, headers=auth).json() for _ in range(2)]
    for record in screened:
        client.get(f"/v1/screenings/{record['id']}", headers=auth)
    client.get("/v1/no-such-thing", headers=auth)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    route = "/v1/screenings/{screening_id}"
    labels = {"method": "GET", "route": route, "status": "200"}
    assert metric(text, "screening_http_requests_total", **labels) == 2
    assert screened[0]["id"] not in text
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert metric(text, "screening_http_requests_total", **unmatched) == 1
    posts = {"method": "POST", "route": "/v1/screenings"}
    assert metric(text, "screening_http_request_duration_seconds_count", **posts) == 2
    assert metric(text, "screening_decisions_total", decision=screened[0]["decision"]) == 2
    version, digest = engine.ruleset.version, engine.ruleset.digest
    assert metric(text, "screening_ruleset_info", version=version, digest=digest) == 1


def test_metrics_count_batch_rows(client, auth):
    job = upload(client, auth, SAMPLE.read_bytes()).json()
    done = wait_done(client, auth, job["id"])
    text = client.get("/metrics").text
    assert metric(text, "screening_batch_rows_total") == done["rows_done"] > 0
