"""The register form by keyboard: a secretary reaches its button quickly, and after a refused
submit the keyboard focus is on the error summary, which says what is wrong."""

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_FIELD = (
    "main form[method=post] :is(input:not([type=hidden]), select, textarea, button, summary)"
)
MAX_TABS = 300


def _tabs_until(page, selector: str) -> int | None:
    """Tab presses from the focused element until the element matching `selector` has focus."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    return None


@pytest.fixture
def demo_organisation(db):
    """The demo's organisation tree, people and document types: the register form as the demo's
    secretary sees it, without the demo's documents and goals (seconds to load)."""
    from dokument.demo import load_types
    from styrning.demo import load_organisation

    load_organisation(lambda message: None)
    load_types()


def test_register_form_button_is_under_30_tab_presses_from_the_first_field(
    live_server, page, demo_organisation
):
    """127 presses in the demo before, most of them the scope checkboxes of every unit."""
    sign_in(page, live_server.url, "sekreterare", "styrning-demo")
    page.goto(live_server.url + "/dokument/nytt/")
    submit = page.locator("main").get_by_role("button", name="Registrera", exact=True)
    assert submit.count() == 1
    page.locator(FIRST_FIELD).first.focus()

    presses = _tabs_until(page, "main form[method=post] button[type=submit]")

    assert presses is not None
    assert submit.evaluate("button => button === document.activeElement")
    assert presses < 30


def test_register_form_puts_focus_on_the_error_summary_after_a_refused_submit(
    live_server, page, sekreterare_bun
):
    sign_in(page, live_server.url, "sekreterare", "losenord-for-test")
    page.goto(live_server.url + "/dokument/nytt/")

    page.locator("main").get_by_role("button", name="Registrera", exact=True).click()
    page.wait_for_load_state()

    summary = page.locator(".form-errors")
    assert summary.count() == 1
    assert summary.locator("h2").inner_text() == "Formuläret innehåller fel"
    assert summary.evaluate("box => box.contains(document.activeElement)")
    assert page.csp_errors == []
