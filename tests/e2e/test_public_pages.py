"""The public pages in a real browser: the strict Content Security Policy blocks nothing they
need (no inline style or script anywhere, SVG charts included), each has one h1, and every
form field has an accessible name."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    """The demo's organisation, documents and goal chain: what these pages show (the follow-up,
    which is most of the demo's loading time, is not among them)."""
    from dokument.demo import load_dokument
    from mal.demo import load_mal
    from styrning.demo import load_organisation

    for load in (load_organisation, load_dokument, load_mal):
        load(lambda _: None)


PAGES = [
    "/",
    "/organisation/",
    "/tillganglighet/",
    "/dokument/",
    "/dokument/?q=riktlinjer",
    "/dokument/forfattningssamling/",
    "/mal/",
    "/mal/jamforelse/",
]

UNNAMED_FIELDS = """
() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name)
"""


def _object_pages() -> list[str]:
    """A published document and an adopted goal with indicators (ids differ per database)."""
    from dokument.models import Dokument
    from mal.models import Mal

    dokument = Dokument.objects.filter(status=Dokument.Status.GALLANDE).order_by("pk").first()
    mal = (
        Mal.objects.filter(status=Mal.Status.ANTAGET, indikatorer__isnull=False)
        .order_by("pk")
        .first()
    )
    return [dokument.get_absolute_url(), mal.get_absolute_url()]


def test_public_pages_keep_the_csp_and_basic_accessibility(live_server, page, demo):
    for path in PAGES + _object_pages():
        response = page.goto(live_server.url + path)

        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert page.evaluate(UNNAMED_FIELDS) == [], path
    assert page.csp_errors == []
