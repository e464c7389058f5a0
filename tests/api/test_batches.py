"""Batches over HTTP: upload, 202 at once, progress, results as CSV or JSON, limits, idempotency."""

import csv
import io
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from service.app import create_app
from service.store.tables import BatchRow, Role, Screening

SAMPLE = Path(__file__).parents[1] / "data" / "sample.csv"


def upload(client: TestClient, auth: dict, data: bytes, **headers: str):
    """POST a CSV to /v1/batches."""
    files = {"file": ("orders.csv", data, "text/csv")}
    return client.post("/v1/batches", files=files, headers={**auth, **headers})


def wait_done(client: TestClient, auth: dict, job_id: str, seconds: float = 30) -> dict:
    """Poll the job until it is done."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(f"/v1/batches/{job_id}", headers=auth).json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {status}")


def test_upload_answers_202_then_the_job_finishes_with_counts_and_errors(client, auth, session):
    response = upload(client, auth, SAMPLE.read_bytes())
    assert response.status_code == 202, response.text
    job = response.json()
    assert (job["total_rows"], job["unknown_columns"], job["filename"]) == (
        5,
        ["note"],
        "orders.csv",
    )
    status = wait_done(client, auth, job["id"])
    assert status["rows_done"] == 5
    assert status["error_rows"] == 1
    assert sum(status["counts"].values()) == 4
    assert status["errors"][0]["row"] == 5
    listed = client.get("/v1/batches", headers=auth).json()["items"]
    assert [item["id"] for item in listed] == [job["id"]]
    rows = session.exec(select(BatchRow).where(BatchRow.job_id == job["id"])).all()
    assert sorted(row.row_number for row in rows) == [1, 2, 3, 4, 5]
    assert session.exec(select(func.count()).select_from(Screening)).one() == 4


def test_results_stream_as_csv_or_json(client, auth):
    job_id = upload(client, auth, SAMPLE.read_bytes()).json()["id"]
    wait_done(client, auth, job_id)
    response = client.get(f"/v1/batches/{job_id}/results", headers=auth)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 5
    assert rows[3]["note"] == "'=HYPERLINK(x)"
    as_json = client.get(
        f"/v1/batches/{job_id}/results", headers={**auth, "Accept": "application/json"}
    ).json()
    assert [record["reference"] for record in as_json] == [r["reference"] for r in rows]
    lines = client.get(
        f"/v1/batches/{job_id}/results", headers={**auth, "Accept": "application/x-ndjson"}
    ).text.splitlines()
    assert len(lines) == 5


def test_the_same_idempotency_key_returns_the_same_job(client, auth, session):
    first = upload(client, auth, SAMPLE.read_bytes(), **{"Idempotency-Key": "order-run-7"})
    second = upload(client, auth, SAMPLE.read_bytes(), **{"Idempotency-Key": "order-run-7"})
    assert first.json()["id"] == second.json()["id"]
    wait_done(client, auth, first.json()["id"])
    assert session.exec(select(func.count()).select_from(Screening)).one() == 4


def test_an_idempotency_key_is_scoped_to_the_api_key(client, auth, make_key):
    _, other = make_key(Role.screener, "other")
    first = upload(client, auth, SAMPLE.read_bytes(), **{"Idempotency-Key": "run-1"})
    second = upload(
        client, {"X-API-Key": other}, SAMPLE.read_bytes(), **{"Idempotency-Key": "run-1"}
    )
    assert first.json()["id"] != second.json()["id"]
    wait_done(client, auth, first.json()["id"])
    wait_done(client, {"X-API-Key": other}, second.json()["id"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"transaction_type,description\n", "header but no rows"),
        (b"reference\nx\n", "missing required column(s): transaction_type, description"),
        ("transaction_type,description\nx,y\n".encode("utf-16"), "neither UTF-8"),
    ],
)
def test_a_file_that_cannot_be_screened_is_400(client, auth, data, message):
    response = upload(client, auth, data)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_batch_file"
    assert message in response.json()["message"]


def test_limits_are_413_and_name_the_limit(settings, engine, auth):
    small = settings.model_copy(update={"batch_max_upload_bytes": 100, "batch_max_rows": 2})
    with TestClient(create_app(small, engine=engine)) as client:
        too_big = upload(client, auth, SAMPLE.read_bytes())
        assert too_big.status_code == 413
        assert "100 bytes" in too_big.json()["message"]
        rows = b"transaction_type,description\n" + b"material_export,x\n" * 3
        too_many = upload(client, auth, rows)
        assert too_many.status_code == 413
        assert "the limit is 2 rows" in too_many.json()["message"]


def test_an_auditor_may_not_upload(client, make_key):
    _, secret = make_key(Role.auditor)
    response = upload(client, {"X-API-Key": secret}, SAMPLE.read_bytes())
    assert response.status_code == 403


def test_unknown_job_is_404(client, auth):
    assert client.get("/v1/batches/nope", headers=auth).status_code == 404
    assert client.get("/v1/batches/nope/results", headers=auth).status_code == 404
