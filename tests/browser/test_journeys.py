"""End to end in Chromium: sign in, screen, dispose of an unknown, upload a batch, browse rules."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from service.store.tables import Role
from tests.conftest import PROJECT_DIR

SAMPLE = PROJECT_DIR / "tests" / "data" / "sample.csv"
LFP = "LFP cathode powder preparation know-how for a new plant"


def sign_in(page: Page, base: str, secret: str) -> None:
    """Sign in through the form."""
    page.goto(f"{base}/ui/login")
    page.get_by_label("API key").fill(secret)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Screen a transaction")).to_be_visible()


def shot(page: Page, folder: Path, name: str) -> None:
    """Save a full-page screenshot into the test's output folder."""
    page.screenshot(path=folder / f"{name}.png", full_page=True)
    assert (folder / f"{name}.png").stat().st_size > 1000


def test_screen_then_an_officer_disposes_of_the_unknown(
    page: Page, live_server: str, keys_by_role, tmp_path: Path
):
    sign_in(page, live_server, keys_by_role[Role.admin])
    shot(page, tmp_path, "screen-form")
    page.get_by_label("Transaction type").select_option("technology_transfer")
    page.get_by_label("Description (English or Chinese)").fill(LFP)
    page.get_by_label("Destination country (ISO code, e.g. DE)").fill("PL")
    page.get_by_label("Screen as of (default today)").fill("2025-08-01")
    page.get_by_label("Your reference").fill("PO-E2E")
    page.get_by_role("button", name="Screen").click()
    expect(page.get_by_role("heading", name="Engine answer")).to_be_visible()
    expect(page.locator(".decision.unknown").first).to_have_text("unknown")
    expect(page.get_by_role("heading", name="Missing information")).to_be_visible()
    shot(page, tmp_path, "screening-result")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, keys_by_role[Role.officer])
    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", name="1 waiting, oldest first")).to_be_visible()
    shot(page, tmp_path, "review-queue")
    page.get_by_role("link", name="Review PO-E2E").click()
    page.get_by_label("approval-required").check()
    page.get_by_label("Reason (required)").fill("End user checked; licence obtained")
    page.get_by_label("Licence number").fill("LIC-2026-7")
    page.get_by_label("Issuing authority").fill("MOFCOM")
    page.get_by_label("Valid from").fill("2025-01-01")
    page.get_by_role("button", name="Record disposition").click()
    history = page.get_by_role("region", name="Dispositions and review flags")
    expect(history).to_contain_text("approval-required by Officer Wang")
    expect(history).to_contain_text("Licence LIC-2026-7 from MOFCOM")
    expect(page.get_by_role("region", name="Current status")).to_contain_text("may proceed: yes")
    shot(page, tmp_path, "screening-history")
    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_text("Nothing is waiting.")).to_be_visible()


def test_upload_a_batch_and_watch_it_finish(
    page: Page, live_server: str, keys_by_role, tmp_path: Path
):
    sign_in(page, live_server, keys_by_role[Role.admin])
    page.get_by_role("link", name="Batches").click()
    page.get_by_label(re.compile("CSV file")).set_input_files(SAMPLE)
    page.get_by_role("button", name="Upload and screen").click()
    expect(page.get_by_role("heading", name="Batch sample.csv")).to_be_visible()
    # The page reloads itself (meta refresh) until the batch is done.
    expect(page.get_by_role("status")).to_contain_text("Status: done", timeout=30_000)
    expect(page.get_by_role("link", name="Download the results (CSV)")).to_be_visible()
    shot(page, tmp_path, "batch-done")


def test_browse_the_rule_set(page: Page, live_server: str, keys_by_role, tmp_path: Path):
    sign_in(page, live_server, keys_by_role[Role.officer])
    page.get_by_role("link", name="Rule set").click()
    shot(page, tmp_path, "rules")
    page.locator('a[href="/ui/rules/CN-TECH-CATALOGUE"]').click()
    expect(page.get_by_role("cell", name=re.compile("tc-252604x-lfp"))).to_be_visible()
    shot(page, tmp_path, "rules-instrument")
