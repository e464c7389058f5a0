"""Swagger UI at /docs works offline: authorize with a key, run the example, see a decision."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from service.store.tables import Role


def test_authorize_and_try_the_screening_example(
    page: Page, live_server: str, keys_by_role, tmp_path: Path
):
    page.goto(f"{live_server}/docs")
    page.locator(".auth-wrapper").get_by_role("button", name=re.compile("Authorize")).click()
    dialog = page.locator(".dialog-ux")
    dialog.locator("input").fill(keys_by_role[Role.admin])
    dialog.locator("button.modal-btn.authorize").click()
    expect(dialog.locator("button.modal-btn.authorize")).to_have_count(0)  # now "Logout"
    dialog.locator("button.btn-done").click()
    operation = page.locator("#operations-screenings-create_screening")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    response = operation.locator(".responses-wrapper .live-responses-table")
    expect(response).to_contain_text("201", timeout=15_000)
    expect(response).to_contain_text(
        re.compile(r'"decision": "(prohibited|approval-required|unknown|allowed)"')
    )
    response.screenshot(path=tmp_path / "swagger.png")
