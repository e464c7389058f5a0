"""Browsing the rule set: instruments, categories (search, filters, detail) and parameters."""

from service.engine import Engine
from service.engine.parameters import CANONICAL_NAMES


def test_instruments_are_those_of_the_loaded_rule_set(client, auth, engine: Engine):
    response = client.get("/v1/instruments", headers=auth)
    assert response.status_code == 200
    instruments = response.json()
    assert [i["id"] for i in instruments] == sorted(engine.ruleset.instruments)
    assert sum(i["category_count"] for i in instruments) == len(engine.ruleset.categories)


def test_instruments_show_their_coverage(client, auth):
    instruments = {i["id"]: i for i in client.get("/v1/instruments", headers=auth).json()}
    catalogue = instruments["CN-TECH-CATALOGUE"]["coverage"]
    assert catalogue["encoded"] == "partial"
    assert catalogue["items_in_force"] == 132
    assert 20 <= catalogue["items_encoded"] < 132
    assert "catalogue" in catalogue["check"]
    assert instruments["MOFCOM-GAC-2023-23"]["coverage"]["encoded"] == "complete"


def test_categories_list_everything_by_default(client, auth, engine: Engine):
    page = client.get("/v1/categories", params={"limit": 200}, headers=auth).json()
    assert page["total"] == len(engine.ruleset.categories)
    ids = [(c["instrument_id"], c["id"]) for c in page["items"]]
    assert ids == sorted(ids)


def test_categories_filter_by_instrument_control_and_type(client, auth, engine: Engine):
    instrument, category = next(iter(engine.ruleset.categories.values()))
    params = {
        "instrument": instrument.id,
        "control": category.control.value,
        "transaction_type": category.applies_to[0].value,
        "limit": 200,
    }
    items = client.get("/v1/categories", params=params, headers=auth).json()["items"]
    assert category.id in [c["id"] for c in items]
    assert {c["instrument_id"] for c in items} == {instrument.id}
    assert {c["control"] for c in items} == {category.control.value}
    assert all(params["transaction_type"] in c["applies_to"] for c in items)


def test_text_search_finds_english_and_chinese_names(client, auth):
    english = client.get("/v1/categories", params={"q": "GALLIUM"}, headers=auth).json()
    assert english["total"] >= 1
    assert all("ga" in c["id"] or "allium" in c["summary"] + c["title"] for c in english["items"])
    chinese = client.get("/v1/categories", params={"q": "镓"}, headers=auth).json()
    assert chinese["total"] >= 1
    nothing = client.get("/v1/categories", params={"q": "zzqx"}, headers=auth).json()
    assert (nothing["total"], nothing["items"]) == (0, [])


def test_category_detail_has_terms_parameters_dates_citation_and_examples(
    client, auth, engine: Engine
):
    instrument, category = next(
        pair for pair in engine.ruleset.categories.values() if pair[1].parameters
    )
    response = client.get(f"/v1/categories/{category.id}", headers=auth)
    assert response.status_code == 200
    detail = response.json()
    assert detail["terms"] == list(category.terms)
    assert [p["name"] for p in detail["parameters"]] == [p.name for p in category.parameters]
    assert detail["citation"]["instrument"] == instrument.id
    assert detail["citation"]["number"] == instrument.number
    assert len(detail["examples"]["controlled"]) == len(category.examples.controlled)
    assert all("description" in e for e in detail["examples"]["not_controlled"])
    assert "windows" in detail and "first_day_in_force" in detail


def test_unknown_category_is_404(client, auth):
    response = client.get("/v1/categories/no-such-category", headers=auth)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_parameters_are_the_canonical_names_with_units(client, auth, engine: Engine):
    parameters = client.get("/v1/parameters", headers=auth).json()
    assert [p["name"] for p in parameters] == list(CANONICAL_NAMES)
    assert all(p["unit"] for p in parameters)
    used = {c.name for _, cat in engine.ruleset.categories.values() for c in cat.parameters}
    assert {p["name"] for p in parameters if p["used_by"]} == used
