"""The party pages over real HTTP: look a name up, read an entry, screen a deal's parties."""

from sqlmodel import Session

from service.store import screenings
from service.store.tables import Role
from tests.ui.test_pages import sign_in


def test_looking_up_a_name_lists_its_entries_and_links_each_to_its_page(client, make_key):
    sign_in(client, make_key(Role.screener, "Desk")[1])
    assert 'href="/ui/parties"' in client.get("/ui/").text
    empty = client.get("/ui/parties")
    assert empty.status_code == 200 and "listed entries" not in empty.text
    page = client.get("/ui/parties", params={"q": "斯凯迪奥", "as_of": "2025-12-01"}).text
    assert "2 listed entries, status on 2025-12-01" in page
    assert 'href="/ui/parties/ecl-2025-03-04.skydio-inc?as_of=2025-12-01"' in page
    assert "<td>stopped</td>" in page and "<td>suspended</td>" in page
    nothing = client.get("/ui/parties", params={"q": "Porcelain Plates"}).text
    assert "No listed name matches." in nothing
    bad = client.get("/ui/parties", params={"q": "x", "list": "nope"})
    assert bad.status_code == 200 and "Please correct the form" in bad.text


def test_an_entry_page_shows_names_notice_windows_and_the_status_on_the_day(client, make_key):
    sign_in(client, make_key(Role.auditor, "Audit")[1])
    url = "/ui/parties/ecl-2025-03-04.skydio-inc"
    before = client.get(url, params={"as_of": "2025-11-09"}).text
    assert "<strong>in_force</strong>" in before
    page = client.get(url, params={"as_of": "2025-11-10"}).text
    assert "<strong>stopped</strong>: measures stopped from 2025-11-10" in page
    assert "斯凯迪奥公司" in page and "dual_use_export_ban" in page
    assert "MOFCOM statement of 2025-11-05" in page
    assert "Confidence in the notice: low (The number (2025 No. 13)" in page
    assert client.get("/ui/parties/no-such-entry").status_code == 404


def test_the_screening_form_screens_the_end_user_and_shows_the_party_match(
    client, make_key, session: Session
):
    csrf = sign_in(client, make_key(Role.admin, "Admin Li")[1])
    form = {
        "csrf_token": csrf,
        "transaction_type": "material_export",
        "description": "Cotton work uniforms, 3,000 sets",
        "destination_country": "US",
        "as_of": "2026-03-01",
        "reference": "UI-P1",
        "parameters": "",
        "importer_name": "Acme Apparel Inc.",
        "importer_country": "us",
        "end_user_name": "Lockheed Martin Missiles & Fire Control",
        "end_user_country": "us",
    }
    response = client.post("/ui/screenings", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    row = screenings.get_screening(
        session=session, screening_id=response.headers["location"].rsplit("/", 1)[1]
    )
    assert row.decision == "prohibited"
    assert [(p["role"], p["country"]) for p in row.request["parties"]] == [
        ("importer", "US"),
        ("end_user", "US"),
    ]
    page = client.get(response.headers["location"]).text
    assert "<h3>Party matches</h3>" in page
    assert "End user</dt><dd>Lockheed Martin Missiles &amp; Fire Control (US)" in page
    assert (
        'href="/ui/parties/uel-2025-01-02.lockheed-martin-missiles-and-fire-control'
        '?as_of=2026-03-01">Lockheed Martin Missiles and Fire Control</a>'
    ) in page
    assert "unreliable_entity_list, in_force" in page


def test_a_party_country_without_a_name_is_shown_again_with_the_error(client, make_key):
    csrf = sign_in(client, make_key(Role.screener, "Desk")[1])
    form = {
        "csrf_token": csrf,
        "transaction_type": "material_export",
        "description": "plates",
        "end_user_country": "JP",
    }
    response = client.post("/ui/screenings", data=form)
    assert response.status_code == 422
    assert "end user country is given without a name" in response.text
    assert 'name="end_user_country" maxlength="2" value="JP"' in response.text
