"""GET /v1/batches/{id} and /v1/rescreens/{id} name the process that owns the job and when it
last renewed its lease; the owner stays on the job once it is done."""

import time
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from service.app import create_app
from service.store.tables import Role
from tests.data import make_gb18030_fixture
from tests.jobs.outage import wait_for


def status(client: TestClient, path: str, headers: dict[str, str]) -> dict:
    """A job's status over HTTP, asserting 200."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_running_and_a_finished_job_show_their_owner_and_last_heartbeat(
    fast, engine, make_key, tmp_path
):
    admin = {"X-API-Key": make_key(Role.admin, "admin")[1]}
    slow = fast.model_copy(update={"batch_row_delay": 0.02})
    source = make_gb18030_fixture.write(tmp_path / "orders.csv", 60)
    with TestClient(create_app(slow, engine=engine)) as client:
        owner = client.app.state.services.jobs.owner
        files = {"file": ("orders.csv", source.read_bytes(), "text/csv")}
        created = client.post("/v1/batches", files=files, headers=admin).json()
        assert (created["owner"], created["heartbeat_at"]) == (None, None)
        path = f"/v1/batches/{created['id']}"
        wait_for(lambda: status(client, path, admin)["rows_done"] >= 10, what="the first chunks")
        first = status(client, path, admin)
        assert (first["status"], first["owner"]) == ("running", owner)
        assert owner.split(":")[1].isdigit(), "host:pid:tag"
        time.sleep(2 * slow.job_heartbeat_seconds)
        beat = datetime.fromisoformat(status(client, path, admin)["heartbeat_at"])
        assert beat > datetime.fromisoformat(first["heartbeat_at"]), "the owner renews its lease"
        assert (datetime.now(UTC) - beat).total_seconds() < slow.job_lease_seconds
        wait_for(lambda: status(client, path, admin)["status"] == "done", what="the batch")
        assert status(client, path, admin)["owner"] == owner

        started = client.post("/v1/rescreens", json={}, headers=admin).json()
        path = f"/v1/rescreens/{started['id']}"
        wait_for(lambda: status(client, path, admin)["status"] == "done", what="the re-screen")
        done = status(client, path, admin)
        assert (done["owner"], done["done"]) == (owner, 60)
        assert done["heartbeat_at"] is not None
