"""No input makes a server error: the class of bug, not its examples.

1. Every form and every list filter of the project stands on the shared guard
   (`styrning.forms.GuardMixin`: control characters, impossible dates, ids beyond 64 bits).
2. Every page of the project that shows a form or a list filter is sent hostile values for each
   of its fields (huge and negative numbers, year 10000 and year 1, control characters, very long
   strings, any unicode, repeated values, nothing), as an anonymous visitor and as a signed-in
   administrator who may use every form, and never answers 500.

The forms are found the way a visitor finds them: in the HTML of each page (method, action and
field names), so a new form is tried without anyone adding it here. A new URL with parameters
needs an example in `_ARGS` (the test says so)."""

import datetime
import importlib
import inspect
import pkgutil
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import django_filters
import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mal.models import Aktivitet
from styrning.forms import GuardMixin
from styrning.models import Organisation
from tests.dokument.factories import DokumentFactory, DokumentversionFactory, published
from tests.mal.factories import (
    IndikatorFactory,
    MalFactory,
    UppdragFactory,
)
from tests.uppfoljning.factories import (
    RapportFactory,
    RapportperiodFactory,
    RapporttypFactory,
    RapportversionFactory,
)
from uppfoljning.models import Atgard, Bilaga

PACKAGES = ("dokument", "mal", "styrning", "uppfoljning", "insyn", "oppnadata")


# 1. Every form class on the guard ----------------------------------------------------------------


def _project_modules():
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if ".migrations" in info.name:
                continue
            yield importlib.import_module(info.name)


def _form_classes() -> dict[str, type]:
    """Every form class and every FilterSet's form class defined in the project's modules."""
    found = {}
    for module in _project_modules():
        for name, obj in vars(module).items():
            if not inspect.isclass(obj) or obj.__module__ != module.__name__:
                continue
            if issubclass(obj, forms.BaseForm):
                found[f"{module.__name__}.{name}"] = obj
            elif issubclass(obj, django_filters.FilterSet) and obj._meta.model is not None:
                found[f"{module.__name__}.{name} (its form)"] = obj._meta.form
    return found


FORM_CLASSES = _form_classes()


def test_the_project_has_forms_to_check():
    assert {"mal.forms.MalForm", "mal.filters.UppdragFilter (its form)"} <= set(FORM_CLASSES)


@pytest.mark.parametrize("name", sorted(FORM_CLASSES))
def test_every_form_and_filter_stands_on_the_guard(name):
    assert issubclass(FORM_CLASSES[name], GuardMixin), (
        f"{name} does not derive from styrning.forms (Form, ModelForm, LockedForm, OnceForm)"
    )


@pytest.mark.parametrize("name", sorted(FORM_CLASSES))
def test_every_multiple_choice_of_models_is_bounded(name):
    """Django's ModelMultipleChoiceField sends ids beyond 64 bits to the database, which fails;
    `styrning.forms.ModelMultipleChoiceField` refuses them as invalid choices."""
    from styrning.forms import ModelMultipleChoiceField

    unbounded = [
        field_name
        for field_name, field in FORM_CLASSES[name].base_fields.items()
        if isinstance(field, forms.ModelMultipleChoiceField)
        and not isinstance(field, ModelMultipleChoiceField)
    ]
    assert unbounded == []


# 2. Every page with a form, fed hostile values --------------------------------------------------

# Pages not tried: the admin (Django's own, behind is_staff) and the PDFs (no forms, slow).
_SKIPPED_PREFIXES = ("admin/",)
_SKIPPED_NAMES = {
    "dokument:pdf",
    "dokument:version_pdf",
    "halsa",
    "uppfoljning:pdf",
    "uppfoljning:version_pdf",
    "uppfoljning:aret_som_gick_pdf",
}


def _patterns(patterns=None, prefix="", namespace=None):
    """(name, route, converters) of every URL pattern of the project."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                pattern.namespace or namespace,
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern), pattern.pattern.converters


PAGES = sorted(
    name
    for name, route, _ in _patterns()
    if not route.startswith(_SKIPPED_PREFIXES) and name not in _SKIPPED_NAMES
)


def _world(org):
    """Something behind every URL: a document with a published and a draft version, one never
    published, a goal with an indicator, an activity and an assignment."""
    dokument = DokumentFactory(agare=org["bun"])
    published(dokument, versionsnummer=1, titel="Riktlinjer för skolskjuts")
    DokumentversionFactory(dokument=dokument, versionsnummer=2, titel="Riktlinjer, utkast")
    never_published = DokumentFactory(agare=org["bun"])
    DokumentversionFactory(dokument=never_published, titel="Rutin som aldrig publicerades")
    mal = MalFactory(agare=org["bun"], titel="Fler elever klarar kraven")
    ind = IndikatorFactory(mal=mal, namn="Andel behöriga")
    aktivitet = Aktivitet.objects.create(mal=mal, titel="Läxhjälp")
    uppdrag = UppdragFactory(givet_av=org["bun"], givet_till=org["buf"])
    typ = RapporttypFactory(
        kod="manad",
        namn="Månadsuppföljning",
        antas_av=Organisation.Typ.NAMND,
        avsnitt=[
            {
                "kod": "handelser",
                "rubrik": "Viktiga händelser",
                "slag": "text",
                "obligatorisk": True,
            },
            {"kod": "rr", "rubrik": "Resultaträkning", "slag": "fil", "obligatorisk": True},
            {
                "kod": "bk",
                "rubrik": "Balanskravsresultat",
                "slag": "balanskrav",
                "obligatorisk": False,
            },
        ],
    )
    period = RapportperiodFactory(rapporttyp=typ, ar=2026, periodnummer=3)
    rapport = RapportFactory(rapportperiod=period, organisation=org["buf"])
    RapportversionFactory(rapport=rapport, nummer=1)
    atgard = Atgard.objects.create(
        rapport=rapport, beskrivning="Se över bemanningen", ansvarig="Eva", datum="2026-06-30"
    )
    Bilaga.objects.create(rapport=rapport, kod="rr", tabell={"rader": []})
    from insyn import prenumeration as insyn_prenumeration  # the links carry signed tokens
    from insyn.handelser import Urval

    prenumeration = insyn_prenumeration.prenumerera(
        epost="anna@exempel.se", urval=Urval(), frekvens="direkt"
    )
    return {
        "organisation_detalj": [org["bun"].pk],
        "dokument:detalj": [dokument.pk],
        "dokument:jamfor": [dokument.pk],
        "dokument:revidera": [dokument.pk],
        "dokument:granska": [dokument.pk],
        "dokument:granskningsdatum": [dokument.pk],
        "dokument:upphav": [dokument.pk],
        "dokument:makulera": [never_published.pk],
        "dokument:lanka": [dokument.pk],
        "dokument:version": [dokument.pk, 1],
        "dokument:fil": [dokument.pk, 1],
        "dokument:andra": [dokument.pk, 2],
        "dokument:faststall": [dokument.pk, 2],
        "dokument:publicera": [dokument.pk, 2],
        "mal:detalj": [mal.pk],
        "mal:andra": [mal.pk],
        "mal:bedomning": [mal.pk],
        "mal:indikator_ny": [mal.pk],
        "mal:aktivitet_ny": [mal.pk],
        "mal:organ": [org["bun"].pk],
        "mal:indikator_andra": [ind.pk],
        "mal:aktivitet_andra": [aktivitet.pk],
        "mal:varde": [ind.pk],
        "mal:malvarde": [ind.pk],
        "mal:uppdrag": [uppdrag.pk],
        "mal:uppdrag_kommentar": [uppdrag.pk],
        "mal:export": ["mal", "csv"],
        "uppfoljning:kalender_typ": [typ.pk],
        "uppfoljning:kalender_ar": [typ.pk, 2026],
        "uppfoljning:kalender_skapa": [typ.pk, 2026],
        "uppfoljning:kalender_organisationer": [typ.pk, 2026],
        "uppfoljning:kalender_frist": [period.pk],
        "uppfoljning:kalender_stang": [period.pk],
        "uppfoljning:las": [rapport.pk],
        "uppfoljning:version": [rapport.pk, 1],
        "uppfoljning:aret_som_gick": [2026],
        "uppfoljning:aret_som_gick_andra": [2026],
        "uppfoljning:rapport": [rapport.pk],
        "uppfoljning:rapport_avsnitt": [rapport.pk, "handelser"],
        "uppfoljning:rapport_bedomning": [rapport.pk, mal.pk],
        "uppfoljning:rapport_varde": [rapport.pk, ind.pk],
        "uppfoljning:rapport_uppdrag": [rapport.pk, uppdrag.pk],
        "uppfoljning:rapport_atgard_ny": [rapport.pk],
        "uppfoljning:rapport_atgard": [rapport.pk, atgard.pk],
        "uppfoljning:rapport_uppfoljning": [rapport.pk, atgard.pk],
        "uppfoljning:lamna_in": [rapport.pk],
        "uppfoljning:skicka_tillbaka": [rapport.pk],
        "uppfoljning:godkann": [rapport.pk],
        "uppfoljning:oppna_igen": [rapport.pk],
        "uppfoljning:ekonomi_prognos": [rapport.pk],
        "uppfoljning:ekonomi_rad": [rapport.pk],
        "uppfoljning:sammanstallning": [rapport.pk],
        "uppfoljning:sammanstallning_bilaga": [rapport.pk],
        "uppfoljning:sammanstallning_bilagefil": [rapport.pk, "rr"],
        "uppfoljning:sammanstallning_balanskrav": [rapport.pk],
        "uppfoljning:sammanstallning_anta": [rapport.pk],
        "insyn:flode_ett_dokument": [dokument.pk],
        "insyn:sitemap_avsnitt": ["dokument"],
        "insyn:bekrafta": [insyn_prenumeration.bekrafta_token(prenumeration)],
        "insyn:avsluta": [insyn_prenumeration.avsluta_token(prenumeration)],
        "insyn:hantera": [insyn_prenumeration.hantera_token(prenumeration)],
        "api:organisation": [org["bun"].pk],
        "api:dokument": [dokument.pk],
        "api:mal": [mal.pk],
        "api:indikator": [ind.pk],
        "api:rapport": [rapport.pk],
        "oparl_organization": [org["bun"].pk],
        "oparl_legislative_term": [2023],
        "oparl_paper": [dokument.pk, 1],
        "oparl_file_pdf": [dokument.pk, 1],
        "oparl_file_original": [dokument.pk, 1],
        "oparl_consultation": [dokument.pk, 1],
    }


class _Forms(HTMLParser):
    """The forms of a page as a browser sees them: method, action, and the names of their
    fields with the values the page offers (options, checkbox values, hidden values); and the
    query parameters of the page's links to itself (pages, periods, sorting)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "?" in (attrs.get("href") or ""):
            self.links.append(attrs["href"])
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": {},
                "files": set(),
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "textarea", "select", "button") and attrs.get("name"):
            name = attrs["name"]
            if name == "csrfmiddlewaretoken":
                return
            offered = self._form["fields"].setdefault(name, [])
            if attrs.get("type") == "file":
                self._form["files"].add(name)
            elif attrs.get("value"):
                offered.append(attrs["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            self._form["fields"][self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _forms_of(page_url: str, html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    link_params: dict[str, list[str]] = {}
    for href in parser.links:
        link = urlsplit(urljoin(page_url, href))
        if link.path == page_url and link.netloc in ("", "testserver"):
            for name, value in parse_qsl(link.query, keep_blank_values=True):
                link_params.setdefault(name, []).append(value)
    # Parameters views read from the query string without a form or a link on this page.
    for name in ("period", "ar", "page", "sida", "q", "visa"):
        link_params.setdefault(name, [])
    parser.forms.append(
        {"method": "get", "action": page_url, "fields": link_params, "files": set()}
    )
    forms_found = []
    seen = set()
    for form in parser.forms:
        action = urljoin(page_url, form["action"])
        if urlsplit(action).netloc not in ("", "testserver"):
            continue
        if urlsplit(action).path == reverse("logout"):
            continue  # in every page's header; it would sign the editor out
        key = (form["method"], action, tuple(sorted(form["fields"])))
        if (form["fields"] or form["method"] == "post") and key not in seen:
            seen.add(key)
            forms_found.append({**form, "action": urlsplit(action)._replace(netloc="").geturl()})
    return forms_found


# The hostile values: what a careless import, a fuzzer or an attacker sends.
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
_SCALARS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1.5",
            "1,5",
            "0001-01-01",
            "10000-01-01",
            "9999-12-31",
            "1849-12-31",
            "2025-02-30",
            "31.12.10000",
            "10000",
            "99999999999999999999999999",
            str(2**63),
            str(2**64 + 1),
            str(-(2**63) - 1),
            "1e400",
            "NaN",
            "-inf",
            "2025T9",
            "2025M00",
            "10000T1",
            "\x00",
            "a\x00b",
            "\x1b[2J",
            "\u202eevil",
            "\ufeff",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%",
            "_",
            "\\",
            "../../etc/passwd",
            "x" * 100_000,
        ]
    ),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat),
    _TEXT,
)


# One of each kind, each sent in every field of every form (the sweep before the random part).
REPRESENTATIVES = [
    str(2**64 + 1),  # an id or a number beyond 64 bits
    str(-(2**63) - 1),
    "10000-01-01",
    "0001-01-01",
    "a\x00b\x1b[2J",
    "x" * 100_000,
    "\u202eÅäö 𝔘\ufeff",
    ["1", str(2**70)],  # several values, as a multiple choice sends them
    "",
]


def _value(offered: list[str]):
    scalar = st.one_of(_SCALARS, st.sampled_from(offered)) if offered else _SCALARS
    return st.one_of(st.none(), scalar, st.lists(scalar, min_size=2, max_size=3))


def _file():
    return st.sampled_from(
        [
            None,
            ("fil.pdf", b"%PDF-1.7\n%\xff\x00 not really"),
            ("fil.docx", b"PK\x03\x04 not a zip"),
            ("fil.odt", b""),
            ("\x00.pdf", b"%PDF-"),
        ]
    )


def _payload(draw, form: dict) -> dict:
    """Mostly one hostile value in many fields at once, the rest chosen field by field: a
    hostile value, a value the page offers (to get past the fields that must be right) or
    nothing."""
    attack = draw(st.one_of(st.sampled_from(REPRESENTATIVES), _SCALARS))
    data = {}
    for name, offered in form["fields"].items():
        if name in form["files"]:
            chosen = draw(_file())
            if chosen is not None:
                data[name] = SimpleUploadedFile(chosen[0], chosen[1])
            continue
        how = draw(st.sampled_from(["attack", "attack", "own", "offered", "omitted"]))
        if how == "attack":
            data[name] = attack
        elif how == "own":
            value = draw(_value(offered))
            if value is not None:
                data[name] = value
        elif how == "offered" and offered:
            data[name] = draw(st.sampled_from(offered))
    return data


def _short(payload: dict) -> str:
    """The payload for a failure message, long values cut."""
    return repr(
        {
            k: v if len(repr(v)) < 80 else f"{repr(v)[:60]}… ({len(repr(v))})"
            for k, v in payload.items()
        }
    )


def _send(client: Client, form: dict, data: dict):
    if form["method"] == "post":
        return client.post(form["action"], data)
    data = {k: v for k, v in data.items() if not isinstance(v, SimpleUploadedFile)}
    return client.get(form["action"], data)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_no_hostile_value_makes_a_server_error(name, org, administrator):
    args = _world(org)
    route_has_args = any(converters for n, _, converters in _patterns() if n == name)
    assert not route_has_args or name in args, f"add an example of {name}'s arguments to _world"
    url = reverse(name, args=args.get(name, []))
    editor = Client(raise_request_exception=False)
    editor.force_login(administrator)
    anonymous = Client(raise_request_exception=False)

    page = editor.get(url)
    assert (page.status_code, anonymous.get(url).status_code).count(500) == 0
    if page.get("Content-Type", "").startswith("text/html"):
        page_forms = _forms_of(url, page.content.decode())
    else:
        page_forms = []
    if not page_forms:
        return

    def check(form, payload):
        for who, client in (("editor", editor), ("anonymous", anonymous)):
            answer = _send(client, form, payload).status_code
            assert answer != 500, f"{who} {form['method']} {form['action']} {_short(payload)}"

    for form in page_forms:
        for value in REPRESENTATIVES:
            check(form, {name: value for name in form["fields"] if name not in form["files"]})

    @settings(
        max_examples=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.data())
    def feed(data):
        form = data.draw(st.sampled_from(page_forms))
        check(form, _payload(data.draw, form))

    feed()


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_no_page_offers_an_english_empty_choice(name, org, administrator):
    """Django 6.1's "- Select an option -" has no Swedish translation (styrning.apps sets ours),
    and the older "---------" (django-filter's default) says nothing in any language."""
    args = _world(org)
    client = Client(raise_request_exception=False)
    client.force_login(administrator)

    response = client.get(reverse(name, args=args.get(name, [])))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    page = content.decode(errors="replace")

    assert ("Select an option" in page, ">---------<" in page) == (False, False)
