"""The /ui pages over real HTTP: signed session cookie, CSRF on forms, roles, every page renders."""

import re
import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.store import keys, reviews, screenings
from service.store.tables import Role
from service.ui import session as ui_session
from tests.api.workflow import LFP_UNKNOWN, screen
from tests.conftest import PROJECT_DIR

SAMPLE = PROJECT_DIR / "tests" / "data" / "sample.csv"


def login(client: TestClient, secret: str):  # noqa: ANN201 - an httpx response
    """Post the sign-in form with the token of a freshly loaded sign-in page."""
    token = csrf_of(client.get("/ui/login").text)
    return client.post(
        "/ui/login", data={"api_key": secret, "csrf_token": token}, follow_redirects=False
    )


def sign_in(client: TestClient, secret: str) -> str:
    """Sign in with a key and return the CSRF token of the start page."""
    response = login(client, secret)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/ui/").text)


def csrf_of(page: str) -> str:
    """The CSRF token in a page's forms."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


@pytest.fixture
def admin(make_key) -> tuple:
    """An admin key: may screen, dispose and upload."""
    return make_key(Role.admin, "Admin Li")


def test_sign_in_sets_a_signed_httponly_strict_cookie_without_the_secret(client, admin):
    response = login(client, admin[1])
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ui" in cookie
    assert admin[1] not in cookie


def test_a_wrong_key_or_a_forged_cookie_does_not_sign_in(client, admin):
    assert login(client, "scr_wrong").status_code == 401
    forged = ui_session.encode("not-the-secret" * 3, ui_session.new_session(admin[0].id))
    client.cookies.set(ui_session.COOKIE, forged, path="/ui")
    response = client.get("/ui/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/ui/login")


def test_a_sign_in_posted_without_the_forms_token_is_refused(client, admin):
    client.get("/ui/login")
    response = client.post("/ui/login", data={"api_key": admin[1]}, follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/ui/", follow_redirects=False).status_code == 303


def test_a_revoked_key_is_signed_out(client, admin, session: Session):
    sign_in(client, admin[1])
    keys.revoke_api_key(session=session, key_id=admin[0].id)
    assert client.get("/ui/", follow_redirects=False).status_code == 303


def test_screening_from_the_form_stores_it_and_shows_decision_and_citations(
    client, admin, session: Session
):
    csrf = sign_in(client, admin[1])
    form = {
        "csrf_token": csrf,
        "transaction_type": "technology_transfer",
        "description": LFP_UNKNOWN["description"],
        "destination_country": "pl",
        "as_of": "2025-08-01",
        "reference": "UI-1",
        "parameters": "",
    }
    response = client.post("/ui/screenings", data=form, follow_redirects=False)
    assert response.status_code == 303
    screening_id = response.headers["location"].rsplit("/", 1)[1]
    row = screenings.get_screening(session=session, screening_id=screening_id)
    assert (row.decision, row.api_key_id, row.reference) == ("unknown", admin[0].id, "UI-1")
    page = client.get(response.headers["location"]).text
    assert '<span class="decision unknown">unknown</span>' in page
    assert "Missing information" in page and "Record a disposition" in page


def test_a_form_without_the_csrf_token_is_refused(client, admin):
    sign_in(client, admin[1])
    form = {"transaction_type": "material_export", "description": "gallium"}
    response = client.post("/ui/screenings", data=form)
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_an_invalid_form_is_shown_again_with_its_errors(client, admin):
    csrf = sign_in(client, admin[1])
    form = {
        "csrf_token": csrf,
        "transaction_type": "material_export",
        "description": "x",
        "parameters": "no_such_parameter = 3",
    }
    response = client.post("/ui/screenings", data=form)
    assert response.status_code == 422
    assert "unknown parameter name" in response.text


def test_an_officer_disposes_from_the_screening_page_and_the_queue_empties(
    client, auth, make_key, session: Session
):
    screened = screen(client, auth, LFP_UNKNOWN)
    csrf = sign_in(client, make_key(Role.officer, "Officer Wang")[1])
    assert "Review ERP-UNKNOWN" in client.get("/ui/reviews").text
    form = {
        "csrf_token": csrf,
        "outcome": "approval-required",
        "reason": "Checked end use",
        "attachments": "DMS-1\nDMS-2",
        "licence_number": "LIC-9",
        "issuing_authority": "MOFCOM",
        "valid_from": "2026-01-01",
        "valid_to": "",
    }
    url = f"/ui/screenings/{screened['id']}/dispositions"
    assert client.post(url, data=form, follow_redirects=False).status_code == 303
    [stored] = reviews.list_dispositions(session=session, screening_id=screened["id"])
    assert (stored.outcome, stored.api_key_name, stored.attachments) == (
        "approval-required",
        "Officer Wang",
        ["DMS-1", "DMS-2"],
    )
    assert stored.licence["licence_number"] == "LIC-9"
    assert "Nothing is waiting" in client.get("/ui/reviews").text
    page = client.get(f"/ui/screenings/{screened['id']}", params={"on": "2026-02-01"}).text
    assert "Licence LIC-9 from MOFCOM" in page and "may proceed: <strong>yes" in page


def test_a_screener_may_not_dispose_nor_open_the_queue(client, auth, screener):
    screened = screen(client, auth, LFP_UNKNOWN)
    csrf = sign_in(client, screener[1])
    assert client.get("/ui/reviews").status_code == 403
    form = {"csrf_token": csrf, "outcome": "cleared", "reason": "x"}
    response = client.post(f"/ui/screenings/{screened['id']}/dispositions", data=form)
    assert response.status_code == 403


def test_the_rule_browser_lists_instruments_then_categories(client, admin, engine):
    sign_in(client, admin[1])
    page = client.get("/ui/rules").text
    for instrument_id in engine.ruleset.instruments:
        assert f'href="/ui/rules/{instrument_id}"' in page
    page = client.get("/ui/rules/CN-TECH-CATALOGUE").text
    assert "tc-252604x-lfp" in page
    assert client.get("/ui/rules/NOPE").status_code == 404


def test_a_batch_uploaded_from_the_page_runs_and_its_results_download(client, admin):
    csrf = sign_in(client, admin[1])
    with SAMPLE.open("rb") as handle:
        response = client.post(
            "/ui/batches",
            data={"csrf_token": csrf},
            files={"file": ("sample.csv", handle, "text/csv")},
            follow_redirects=False,
        )
    assert response.status_code == 303
    job_url = response.headers["location"]
    deadline = time.monotonic() + 30
    while "Status: <strong>done" not in (page := client.get(job_url).text):
        assert time.monotonic() < deadline, page
        time.sleep(0.1)
    assert 'http-equiv="refresh"' not in page
    results = client.get(job_url + "/results")
    assert results.status_code == 200
    header, first = results.text.splitlines()[:2]
    assert header.startswith("reference,transaction_type") and ",decision," in header
    assert first.startswith("PO-1001,equipment_sale")


def test_a_screener_sees_only_its_own_screenings_and_batches_in_the_pages(client, auth, make_key):
    theirs = screen(client, auth, LFP_UNKNOWN)
    upload = client.post(
        "/v1/batches",
        files={"file": ("sample.csv", SAMPLE.read_bytes(), "text/csv")},
        headers=auth,
    )
    assert upload.status_code == 202, upload.text
    job_id = upload.json()["id"]
    _, other = make_key(Role.screener, "Other desk")
    sign_in(client, other)
    assert client.get(f"/ui/screenings/{theirs['id']}").status_code == 404
    assert client.get(f"/ui/batches/{job_id}").status_code == 404
    assert client.get(f"/ui/batches/{job_id}/results").status_code == 404
    assert job_id not in client.get("/ui/batches").text
