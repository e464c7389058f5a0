"""Reloading the rules: a valid folder changes answers at once; an invalid one changes nothing
but /readyz, which names the problem until a good folder loads."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.engine import Engine, load_ruleset
from service.store.tables import Role
from tests.runtime.rules_edit import GAAS, ban_gallium_arsenide, break_gallium_arsenide, copy_rules

RELOAD = "/v1/admin/rules/reload"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A changeable copy of the rules folder."""
    return copy_rules(tmp_path / "rules")


@pytest.fixture
def live(settings, rules: Path, make_key):
    """A client of an app serving the copy, and an admin key's headers."""
    app = create_app(settings.model_copy(update={"rules_dir": rules}))
    admin = {"X-API-Key": make_key(Role.admin, "ops")[1]}
    with TestClient(app) as client:
        yield client, admin


def test_a_changed_valid_rule_set_changes_answers_and_the_recorded_version(live, rules: Path):
    client, admin = live
    before = client.post("/v1/screenings", json=GAAS, headers=admin).json()
    assert before["decision"] == "approval-required"
    ban_gallium_arsenide(rules)
    expected = Engine(load_ruleset(rules)).ref.model_dump()

    reloaded = client.post(RELOAD, headers=admin)

    assert reloaded.status_code == 200
    assert reloaded.json() == {"previous": before["ruleset"], "ruleset": expected, "changed": True}
    after = client.post("/v1/screenings", json=GAAS, headers=admin).json()
    assert (after["decision"], after["ruleset"]) == ("prohibited", expected)
    assert client.get("/readyz").json()["ruleset"] == expected


def test_an_invalid_rule_set_keeps_the_old_one_serving_and_readyz_names_the_problem(
    live, rules: Path
):
    client, admin = live
    serving = client.get("/readyz").json()["ruleset"]
    ban_gallium_arsenide(rules)
    break_gallium_arsenide(rules)
    problem = "MOFCOM-GAC-2023-23.yaml: categories[4] (id=gage-gallium-arsenide).colour"

    refused = client.post(RELOAD, headers=admin)

    assert refused.status_code == 422
    assert refused.json()["code"] == "ruleset_invalid"
    assert problem in refused.json()["message"]
    screened = client.post("/v1/screenings", json=GAAS, headers=admin).json()
    assert (screened["decision"], screened["ruleset"]) == ("approval-required", serving)
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["code"] == "not_ready"
    assert problem in ready.json()["details"]["problem"]
    assert ready.json()["details"]["serving"] == serving

    (rules / "MOFCOM-GAC-2023-23.yaml").write_text(
        (rules / "MOFCOM-GAC-2023-23.yaml").read_text("utf-8").replace("    colour: red\n", ""),
        encoding="utf-8",
    )
    assert client.post(RELOAD, headers=admin).status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.post("/v1/screenings", json=GAAS, headers=admin).json()["decision"] == (
        "prohibited"
    )


def test_an_unchanged_folder_reloads_as_unchanged(live):
    client, admin = live
    body = client.post(RELOAD, headers=admin).json()
    assert body["changed"] is False and body["previous"] == body["ruleset"]


@pytest.mark.parametrize("role", [Role.screener, Role.auditor])
def test_only_an_admin_key_may_reload(client, make_key, role):
    response = client.post(RELOAD, headers={"X-API-Key": make_key(role, "x")[1]})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_reload_is_recorded_in_rulesets_and_metrics(live, rules: Path):
    client, admin = live
    ban_gallium_arsenide(rules)
    new = Engine(load_ruleset(rules)).ref

    assert client.post(RELOAD, headers=admin).status_code == 200

    seen = client.get("/v1/rulesets", headers=admin).json()
    current = [s["digest"] for s in seen if s["current"]]
    assert current == [new.digest] and len(seen) == 2
    assert f'digest="{new.digest}"' in client.get("/metrics").text
