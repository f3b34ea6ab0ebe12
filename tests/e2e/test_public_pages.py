"""The public pages in a real browser: the strict Content Security Policy blocks nothing they
need (no inline style or script anywhere, SVG charts included), each has one h1, and every
form field has an accessible name."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    import io

    call_command("demo", stdout=io.StringIO())


PAGES = [
    "/",
    "/organisation/",
    "/tillganglighet/",
    "/dokument/",
    "/dokument/?q=riktlinjer",
    "/dokument/forfattningssamling/",
    "/dokument/1/",
    "/mal/",
    "/mal/4/",
    "/mal/jamforelse/",
]

UNNAMED_FIELDS = """
() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name)
"""


def test_public_pages_keep_the_csp_and_basic_accessibility(live_server, page, demo):
    for path in PAGES:
        response = page.goto(live_server.url + path)

        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert page.evaluate(UNNAMED_FIELDS) == [], path
    assert page.csp_errors == []
