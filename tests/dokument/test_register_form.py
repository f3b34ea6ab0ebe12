"""The register form as a secretary meets it: quick by keyboard (the scope in a closed
disclosure, dates in one box each), focus on the error summary after a refused submit, and bad
input refused next to its field with nothing saved. (The browser's own count of Tab presses is
in tests/e2e/test_keyboard.py.)"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from dokument.models import Dokument, Dokumentversion

FOCUSABLE = {"input", "select", "textarea", "button", "summary"}


class _TabStops(HTMLParser):
    """The keyboard stops of the page's POST form in order, as a browser without script takes
    them: fields, buttons, links and summaries, skipping what a closed <details> hides."""

    def __init__(self):
        super().__init__()
        self.stops: list[str] = []
        self.in_form = False
        self.details: list[bool] = []  # open flags of the enclosing <details>
        self.summary_of: list[bool] = []

    def _hidden(self) -> bool:
        # Inside a closed <details> only its <summary> is reachable.
        return any(not is_open for is_open in self.details)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.in_form = True
        if not self.in_form:
            return
        if tag == "details":
            self.details.append("open" in attrs)
            return
        if tag == "summary":
            hidden = any(not is_open for is_open in self.details[:-1])
            if not hidden:
                self.stops.append("summary")
            return
        if self._hidden() or tag not in FOCUSABLE | {"a"}:
            return
        if tag == "input" and attrs.get("type") == "hidden":
            return
        if tag == "a" and "href" not in attrs:
            return
        self.stops.append(attrs.get("name") or attrs.get("type") or tag)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "details" and self.in_form and self.details:
            self.details.pop()


def _stops(html: str) -> list[str]:
    parser = _TabStops()
    parser.feed(html[html.index('<form method="post" enctype="multipart/form-data"') :])
    return parser.stops


@pytest.fixture
def page(client, org, typer, sekreterare_bun):
    client.force_login(sekreterare_bun)
    return client.get(reverse("dokument:registrera")).content.decode()


def test_register_button_is_few_tab_stops_from_the_first_field(page):
    stops = _stops(page)

    # Every scope checkbox (12 organisations and 4 quick choices here; 127 presses in the demo)
    # sits behind one summary; every date is one box.
    assert stops.index("submit") < 30
    assert stops.count("summary") == 1
    assert "giltighetsomrade" not in stops
    assert "giltighet_snabbval" not in stops
    assert stops[:3] == ["typ", "agare", "titel"]


def test_scope_is_a_closed_disclosure_whose_summary_says_what_is_chosen(client, org, page):
    assert '<details class="field omfattning-val">' in page
    assert "<summary>Dokumentet gäller för: inga valda</summary>" in page

    response = client.post(
        reverse("dokument:registrera"),
        {
            "titel": "",
            "giltighet_snabbval": ["namnder"],
            "giltighetsomrade": [org["buf"].pk, org["sof"].pk],
        },
    )

    refused = response.content.decode()
    assert "<summary>Dokumentet gäller för: Alla nämnder, 2 organisationer</summary>" in refused
    assert '<details class="field omfattning-val">' in refused  # closed: no error in it
    # The choices survive the refused submit, behind the closed disclosure.
    assert response.context["form"]["giltighetsomrade"].value() == [
        str(org["buf"].pk),
        str(org["sof"].pk),
    ]


def test_scope_disclosure_opens_on_an_error_in_it(client, org, page):
    html = client.post(
        reverse("dokument:registrera"), {"giltighetsomrade": ["9" * 30]}
    ).content.decode()

    assert '<details class="field omfattning-val" open>' in html
    assert 'id="id_giltighetsomrade_error"' in html


def test_dates_are_one_box_each_with_the_format_next_to_them(page):
    for name in ("beslutsdatum", "reviderad_datum", "giltig_fran", "giltig_till"):
        assert f'type="text" name="{name}"' in page
        assert f'aria-describedby="id_{name}_helptext"' in page
    assert page.count("Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2025-03-01.") == 4


def test_after_a_refused_submit_focus_lands_on_the_error_summary(client, org, typer, page):
    html = client.post(reverse("dokument:registrera"), {"typ": typer["Riktlinje"].pk}).content
    html = html.decode()

    start = html.index('<div class="form-errors"')
    summary = html[start : html.index(">", start) + 1]
    assert 'tabindex="-1"' in summary
    assert "autofocus" in summary
    assert 'role="alert"' in summary
    assert html.count("autofocus") == 1
    assert '<a href="#id_titel">Titel: Detta fält måste fyllas i.</a>' in html
    assert '<a href="#id_agare">Ägare: Detta fält måste fyllas i.</a>' in html


def test_an_unbound_form_has_no_error_summary(page):
    assert "form-errors" not in page
    assert "autofocus" not in page


@pytest.fixture
def post(client, org, typer, sekreterare_bun):
    client.force_login(sekreterare_bun)

    def send(**overrides):
        data = {
            "typ": typer["Riktlinje"].pk,
            "agare": org["bun"].pk,
            "titel": "Riktlinjer för skolskjuts",
            "text": "Text",
            **overrides,
        }
        return client.post(reverse("dokument:registrera"), data)

    return send


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\u202e"])
def test_a_control_character_in_a_text_field_is_refused_next_to_it(post, char):
    response = post(titel=f"Riktlinjer{char} för skolskjuts")

    assert response.status_code == 400
    assert response.context["form"].errors["titel"] == [
        f"Texten innehåller ett otillåtet tecken (U+{ord(char):04X}). Ta bort det; styrtecken "
        "kan inte sparas."
    ]
    assert (Dokument.objects.count(), Dokumentversion.objects.count()) == (0, 0)


@pytest.mark.parametrize("datum", ["0001-01-01", "1849-12-31", "2201-01-01"])
def test_a_decision_date_no_decision_can_have_is_refused_next_to_it(post, org, datum):
    response = post(faststalld_av=org["bun"].pk, beslutsdatum=datum)

    assert response.status_code == 400
    assert response.context["form"].errors["beslutsdatum"] == [
        "Ange ett datum mellan år 1850 och 2200."
    ]
    html = response.content.decode()
    assert '<ul class="field__errors" id="id_beslutsdatum_error">' in html
    assert (Dokument.objects.count(), Dokumentversion.objects.count()) == (0, 0)
