"""Browser tests: a real Chromium (Debian's), driven by Playwright, against the live server.

Playwright's sync API runs an event loop in the test thread, so Django's async-safety check
must be relaxed for these tests only.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(
                    pytest.mark.skip(reason=f"{CHROMIUM} saknas (apt-get install chromium)")
                )


@pytest.fixture(scope="session")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda msg: (
            page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


NARROW = {"width": 320, "height": 640}


@pytest.fixture
def demo(db):
    """The demo municipality (the same data `make demo` shows): every page kind has content."""
    import io

    from django.core.management import call_command

    call_command("demo", allow_without_debug=True, stdout=io.StringIO())


@pytest.fixture
def narrow_page(browser):
    """A page 320 CSS pixels wide: WCAG 1.4.10's reflow width (1280 px at 400 % zoom)."""
    context = browser.new_context(locale="sv-SE", viewport=NARROW)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.locator("main").get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
