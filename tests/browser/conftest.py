"""Browser fixtures: the app served by uvicorn on a free loopback port, Debian's Chromium.

Playwright never downloads a browser here: it drives /usr/bin/chromium, and every test in this
folder is skipped, with the reason, when that binary is absent (`.ci/run` installs it).
"""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn

from service.app import create_app
from service.config import Settings
from service.engine import Engine
from service.store.tables import ApiKey, Role

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this folder's tests `browser`, and skip them when Chromium is not installed."""
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install -y chromium")
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_server(settings: Settings, engine: Engine) -> Iterator[str]:
    """The app on the test's database, served by uvicorn in a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, engine=engine), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=20)


@pytest.fixture
def page(tmp_path: Path):  # noqa: ANN201 - playwright.sync_api.Page
    """A fresh Chromium page (no network beyond the test server)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


@pytest.fixture
def keys_by_role(make_key: Callable[..., tuple[ApiKey, str]]) -> dict[Role, str]:
    """One key secret per role used by the journeys."""
    return {
        Role.admin: make_key(Role.admin, "Admin Li")[1],
        Role.officer: make_key(Role.officer, "Officer Wang")[1],
    }
