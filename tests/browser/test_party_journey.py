"""In Chromium: screen a deal with a listed end user, open the entry, look a name up."""

from pathlib import Path

from playwright.sync_api import Page, expect

from service.store.tables import Role
from tests.browser.test_journeys import shot, sign_in


def test_screen_a_listed_end_user_then_look_the_party_up(
    page: Page, live_server: str, keys_by_role, tmp_path: Path
):
    sign_in(page, live_server, keys_by_role[Role.admin])
    page.get_by_label("Transaction type").select_option("material_export")
    page.get_by_label("Description (English or Chinese)").fill("Cotton work uniforms, 3,000 sets")
    page.get_by_label("Destination country (ISO code, e.g. DE)").fill("US")
    page.get_by_label("End user name (English or Chinese)").fill(
        "Lockheed Martin Missiles & Fire Control"
    )
    page.get_by_label("End user country (ISO code)").fill("US")
    page.get_by_label("Screen as of (default today)").fill("2026-03-01")
    shot(page, tmp_path, "screen-form-parties")
    page.get_by_role("button", name="Screen").click()
    expect(page.locator(".decision.prohibited").first).to_have_text("prohibited")
    expect(page.get_by_role("heading", name="Party matches")).to_be_visible()
    shot(page, tmp_path, "screening-party-matches")
    page.get_by_role("link", name="Lockheed Martin Missiles and Fire Control").first.click()
    expect(page.get_by_role("heading", name="Status on 2026-03-01")).to_be_visible()
    expect(page.get_by_role("region", name="Notice")).to_contain_text("published 2025-01-02")
    shot(page, tmp_path, "party-entry")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Party lists").click()
    page.get_by_label("Name (English or Chinese)").fill("斯凯迪奥")
    page.get_by_label("Status on (default today)").fill("2025-12-01")
    page.get_by_role("button", name="Look up").click()
    found = page.get_by_role("heading", name="2 listed entries, status on 2025-12-01")
    expect(found).to_be_visible()
    expect(page.get_by_role("cell", name="stopped")).to_be_visible()
    shot(page, tmp_path, "party-look-up")
