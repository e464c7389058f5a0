"""A screener key reads only its own screenings and batches; auditors and admins read them all."""

from service.store.tables import Role
from tests.api.test_batches import SAMPLE, upload, wait_done
from tests.api.test_screenings import GALLIUM, post


def test_a_screener_sees_only_its_own_screenings(client, make_key):
    mine, theirs = ({"X-API-Key": make_key(Role.screener, n)[1]} for n in ("mine", "theirs"))
    own = post(client, mine, GALLIUM)
    other = post(client, theirs, {**GALLIUM, "reference": "THEIRS"})
    listed = client.get("/v1/screenings", headers=mine).json()
    assert (listed["total"], [i["id"] for i in listed["items"]]) == (1, [own["id"]])
    assert client.get(f"/v1/screenings/{own['id']}", headers=mine).status_code == 200
    hidden = client.get(f"/v1/screenings/{other['id']}", headers=mine)
    assert hidden.status_code == 404
    assert hidden.json()["message"] == f"no screening with id {other['id']}"


def test_auditors_and_admins_see_every_screening(client, make_key):
    screeners = [{"X-API-Key": make_key(Role.screener, n)[1]} for n in ("a", "b")]
    ids = {post(client, headers, GALLIUM)["id"] for headers in screeners}
    for role in (Role.auditor, Role.admin):
        reader = {"X-API-Key": make_key(role, role.value)[1]}
        listed = client.get("/v1/screenings", headers=reader).json()
        assert {item["id"] for item in listed["items"]} == ids
        for screening_id in ids:
            assert client.get(f"/v1/screenings/{screening_id}", headers=reader).status_code == 200


def test_a_screener_sees_only_its_own_batches(client, make_key):
    mine, theirs = ({"X-API-Key": make_key(Role.screener, n)[1]} for n in ("mine", "theirs"))
    own = upload(client, mine, SAMPLE.read_bytes()).json()["id"]
    other = upload(client, theirs, SAMPLE.read_bytes()).json()["id"]
    wait_done(client, mine, own)
    wait_done(client, theirs, other)
    assert [job["id"] for job in client.get("/v1/batches", headers=mine).json()["items"]] == [own]
    assert client.get(f"/v1/batches/{other}", headers=mine).status_code == 404
    assert client.get(f"/v1/batches/{other}/results", headers=mine).status_code == 404
    auditor = {"X-API-Key": make_key(Role.auditor, "auditor")[1]}
    everything = client.get("/v1/batches", headers=auditor).json()["items"]
    assert {job["id"] for job in everything} == {own, other}
    assert client.get(f"/v1/batches/{other}/results", headers=auditor).status_code == 200
