import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_anonymous_reaches_the_skip_link_first_by_keyboard(live_server, page, org):
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Hoppa till innehållet"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#innehall"
    assert page.csp_errors == []


def test_secretary_signs_in_sees_own_start_page_and_signs_out(
    live_server, page, screenshot, sekreterare_bun
):
    page.goto(live_server.url + "/min-sida/")
    assert page.locator("h1").inner_text() == "Logga in"

    page.get_by_label("Användarnamn").fill("sekreterare")
    page.get_by_label("Lösenord").fill("losenord-for-test")
    page.get_by_role("button", name="Logga in").click()

    assert page.locator("h1").inner_text() == "Min sida"
    assert (
        "Nämndsekreterare i Barn- och utbildningsnämnden" in page.locator(".role-list").inner_text()
    )
    screenshot("min-sida-sekreterare")
    page.get_by_role("button", name="Logga ut").click()
    assert page.locator("h1").inner_text() == "Du är utloggad"
    assert page.csp_errors == []


def test_organisation_tree_is_browsable_without_javascript(live_server, browser, org):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/organisation/")

    page.get_by_role("link", name="Barn- och utbildningsnämnden").click()

    assert page.locator("h1").inner_text() == "Barn- och utbildningsnämnden"
    assert page.get_by_role("link", name="Barn- och utbildningsförvaltningen").is_visible()
    context.close()
