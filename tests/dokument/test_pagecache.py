"""The shared page cache for anonymous readers (styrning.pagecache, issue 9): a cached page
costs no query, a change invalidates exactly the pages that show it, no draft and no signed-in
page is ever stored, and public responses carry validators, a short public max-age and gzip."""

import datetime
import gzip

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse

from dokument import services
from mal.models import Mal
from styrning import pagecache
from tests.dokument.conftest import header
from tests.mal.factories import MalFactory


def _get(client, url, **headers):
    return client.get(url, headers=headers)


def _hit(response) -> str | None:
    return response.headers.get(pagecache.HIT_HEADER)


def _stored_pages() -> int:
    """Pages in the test's locmem cache."""
    return sum(1 for key in cache._cache if ":sida:" in key)


@pytest.fixture
def docs(make_dokument):
    """Two published rules of the statute book and a third one adopted, not yet published."""
    return {
        "a": make_dokument(typ="Taxa", agare="kf", titel="Taxa för bygglov"),
        "b": make_dokument(titel="Riktlinje för skolskjuts"),
        "c": make_dokument(typ="Taxa", agare="kf", titel="Taxa för färdtjänst", publish=False),
    }


def _urls(docs):
    return {
        "lista": reverse("dokument:lista"),
        "sok": reverse("dokument:lista") + "?q=taxa",
        "fs": reverse("dokument:forfattningssamling"),
        "a": reverse("dokument:detalj", args=[docs["a"].pk]),
        "b": reverse("dokument:detalj", args=[docs["b"].pk]),
    }


def test_cached_anonymous_page_is_served_without_the_database(
    client, docs, django_assert_num_queries
):
    url = reverse("dokument:detalj", args=[docs["a"].pk])
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert (first.status_code, _hit(first), second.status_code, _hit(second)) == (
        200,
        "miss",
        200,
        "hit",
    )
    assert second.content == first.content
    assert "Taxa för bygglov" in second.content.decode()


def test_a_hit_is_answered_before_the_session_the_user_and_the_csrf_check(client, docs):
    url = reverse("dokument:detalj", args=[docs["a"].pk])
    first = client.get(url)

    second = client.get(url)

    # The middleware below the page cache never saw the hit: no session, no user, no token.
    assert (_hit(first), _hit(second)) == ("miss", "hit")
    assert hasattr(first.wsgi_request, "session") and hasattr(first.wsgi_request, "user")
    assert not hasattr(second.wsgi_request, "session")
    assert not hasattr(second.wsgi_request, "user")
    assert "CSRF_COOKIE" not in second.wsgi_request.META


def test_a_hit_is_one_round_trip_to_the_cache(client, docs, monkeypatch):
    from django.core.cache import caches

    url = reverse("dokument:detalj", args=[docs["a"].pk])
    client.get(url)
    backend = caches["default"]
    calls, depth = [], [0]

    def counted(name, real):
        def call(*args, **kwargs):
            if not depth[0]:  # the base get_many of the test's locmem cache calls get per key
                calls.append(name)
            depth[0] += 1
            try:
                return real(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for name in ("get", "get_many", "add", "set", "set_many", "has_key"):
        monkeypatch.setattr(backend, name, counted(name, getattr(backend, name)))

    hit = client.get(url)

    assert (_hit(hit), calls) == ("hit", ["get_many"])


def test_a_hit_carries_the_headers_the_miss_had(client, docs):
    url = reverse("dokument:detalj", args=[docs["a"].pk])
    first = client.get(url)

    second = client.get(url)

    def headers(response):
        return {k: v for k, v in response.headers.items() if k != pagecache.HIT_HEADER}

    assert headers(second) == headers(first)
    # Those the middleware below the page cache sets, which a hit no longer passes through.
    assert {"X-Frame-Options", "Content-Security-Policy", "Content-Language"} <= set(
        headers(second)
    )


def test_a_stale_page_is_rendered_anew_and_replaces_the_stored_one(client, docs, org):
    url = reverse("dokument:detalj", args=[docs["a"].pk])
    client.get(url)

    pagecache.invalidate([f"dokument:{docs['a'].pk}"])
    stale = client.get(url)
    again = client.get(url)

    assert (_hit(stale), _hit(again), _stored_pages()) == ("miss", "hit", 1)


def test_a_request_with_a_session_cookie_is_never_served_from_the_cache(client, docs):
    url = reverse("dokument:detalj", args=[docs["a"].pk])
    client.get(url)
    client.cookies["sessionid"] = "en-session-som-inte-finns"

    response = client.get(url)

    assert (response.status_code, _hit(response)) == (200, None)
    assert hasattr(response.wsgi_request, "user")


def test_a_page_is_cached_per_host_it_names(client, docs, settings):
    settings.ALLOWED_HOSTS = ["testserver", "styrning.example"]
    url = reverse("dokument:detalj", args=[docs["a"].pk])
    client.get(url)

    other = client.get(url, headers={"host": "styrning.example"})

    assert _hit(other) == "miss"
    assert f"http://styrning.example{url}" in other.content.decode()


def test_a_publication_invalidates_exactly_the_pages_it_changes(client, docs, administrator):
    urls = _urls(docs)
    for url in urls.values():
        assert _hit(client.get(url)) == "miss"

    services.publicera_version(
        user=administrator, version=docs["c"].versioner.get(), bekraftat_personnummer=True
    )
    after = {name: client.get(url) for name, url in urls.items()}

    assert {name: _hit(r) for name, r in after.items()} == {
        "lista": "miss",
        "sok": "miss",
        "fs": "miss",
        "a": "hit",
        "b": "hit",
    }
    assert "Taxa för färdtjänst" in after["lista"].content.decode()
    assert "Taxa för färdtjänst" in after["sok"].content.decode()
    assert "Taxa för färdtjänst" in after["fs"].content.decode()


def test_a_revision_invalidates_its_own_page_and_not_an_unrelated_one(
    client, docs, administrator, org
):
    urls = _urls(docs)
    for url in urls.values():
        client.get(url)

    ny = services.revidera_dokument(
        user=administrator,
        dokument=docs["a"],
        data=header(
            titel="Taxa för bygglov och kartor",
            faststalld_av=org["kf"],
            beslutsdatum=datetime.date(2025, 1, 1),
        ),
    )
    draft = {name: client.get(url) for name, url in urls.items()}
    services.publicera_version(user=administrator, version=ny, bekraftat_personnummer=True)
    published = {name: client.get(url) for name, url in urls.items()}

    # The draft does not show, the published revision does, everywhere it is shown.
    assert "Taxa för bygglov och kartor" not in draft["a"].content.decode()
    assert "Taxa för bygglov och kartor" in published["a"].content.decode()
    assert "Taxa för bygglov och kartor" in published["fs"].content.decode()
    assert {name: _hit(r) for name, r in published.items()} == {
        "lista": "miss",
        "sok": "miss",
        "fs": "miss",
        "a": "miss",
        "b": "hit",
    }


def test_a_link_invalidates_both_documents_pages(client, docs, administrator):
    urls = _urls(docs)
    for url in urls.values():
        client.get(url)

    services.add_lank(user=administrator, fran=docs["a"], till=docs["b"], typ="konkretiserar")
    after = {name: client.get(url) for name, url in urls.items()}

    assert (_hit(after["a"]), _hit(after["b"])) == ("miss", "miss")
    assert "Riktlinje för skolskjuts" in after["a"].content.decode()
    assert "Taxa för bygglov" in after["b"].content.decode()


def test_a_draft_never_enters_the_cache(client, docs, administrator):
    url = reverse("dokument:detalj", args=[docs["c"].pk])
    client.force_login(administrator)

    signed_in = client.get(url)
    stored = _stored_pages()
    client.logout()
    anonymous = client.get(url)

    assert (signed_in.status_code, _hit(signed_in), stored) == (200, None, 0)
    assert "Taxa för färdtjänst" in signed_in.content.decode()
    assert anonymous.status_code == 404
    assert _stored_pages() == 0


def test_signed_in_pages_are_neither_read_from_nor_written_to_the_cache(
    client, docs, sekreterare_bun
):
    url = reverse("dokument:lista")
    anonymous = client.get(url)
    client.force_login(sekreterare_bun)

    signed_in = client.get(url)
    again = client.get(url)

    assert (_hit(anonymous), _hit(signed_in), _hit(again)) == ("miss", None, None)
    assert signed_in.headers["Cache-Control"] == "private, no-store"
    assert _stored_pages() == 1
    # The signed-in page is the user's own (they may register), not the anonymous one.
    assert signed_in.content != anonymous.content


def test_a_page_that_used_the_csrf_token_is_not_stored(db):
    """A POST form's token is the first reader's: such a page renders for every reader."""

    @pagecache.public_page()
    def with_form(request):
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    request = RequestFactory().get("/med-formular/")
    response = with_form(request)

    assert (_hit(response), response.has_header("ETag"), _stored_pages()) == (None, False, 0)
    assert "public" not in response.get("Cache-Control", "")


def test_cached_pages_keep_the_login_link_and_the_search_box_without_a_token(client, docs):
    url = reverse("dokument:lista")
    client.get(url)

    html = client.get(url).content.decode()

    assert reverse("login") in html
    assert 'method="get"' in html
    assert "csrfmiddlewaretoken" not in html


def test_an_organisation_edit_outside_the_services_invalidates_every_page(client, docs, org):
    urls = _urls(docs)
    for url in urls.values():
        client.get(url)

    org["kf"].namn = "Fullmäktige i Ådalen"
    org["kf"].save()
    after = {name: client.get(url) for name, url in urls.items()}

    assert set(map(_hit, after.values())) == {"miss"}
    assert "Fullmäktige i Ådalen" in after["a"].content.decode()


def test_a_goal_change_invalidates_the_goal_pages_and_the_documents_it_rests_on(client, docs, org):
    mal = MalFactory(agare=org["kf"], titel="Trygg skolväg")
    mal.dokument.add(docs["b"])
    urls = {**_urls(docs), "trad": reverse("mal:trad"), "mal": mal.get_absolute_url()}
    for url in urls.values():
        client.get(url)

    mal.titel = "Trygg och säker skolväg"
    mal.save()
    after = {name: client.get(url) for name, url in urls.items()}

    assert {name: _hit(r) for name, r in after.items()} == {
        "lista": "hit",
        "sok": "hit",
        "fs": "hit",
        "a": "hit",
        "b": "miss",
        "trad": "miss",
        "mal": "miss",
    }
    assert "Trygg och säker skolväg" in after["b"].content.decode()
    assert "Trygg och säker skolväg" in after["mal"].content.decode()


def test_a_goal_value_saved_outside_the_services_invalidates_the_goal_pages(client, org):
    mal = MalFactory(agare=org["kf"], titel="Trygg skolväg", status=Mal.Status.ANTAGET)
    url = mal.get_absolute_url()
    client.get(url)

    mal.indikatorer.create(matt_for=org["kf"], namn="Andel som går till skolan", enhet="%")
    after = client.get(url)

    assert _hit(after) == "miss"
    assert "Andel som går till skolan" in after.content.decode()


def test_public_pages_carry_validators_a_short_public_max_age_and_answer_304(client, docs):
    url = reverse("dokument:detalj", args=[docs["a"].pk])
    first = client.get(url)

    conditional = client.get(url, headers={"if-none-match": first.headers["ETag"]})

    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in first.headers["Vary"].split(", ")
    assert (conditional.status_code, conditional.content) == (304, b"")


def test_stored_pdf_is_public_with_validators_for_anonymous_readers(client, docs, settings):
    from dokument.pdf import store_version_pdf

    store_version_pdf(docs["a"].aktuell_version.pk)
    url = reverse("dokument:pdf", args=[docs["a"].pk])

    first = client.get(url)
    conditional = client.get(url, headers={"if-modified-since": first.headers["Last-Modified"]})

    assert (first.status_code, first.headers["Cache-Control"]) == (200, "public, max-age=60")
    assert first.has_header("ETag")
    assert conditional.status_code == 304


def test_anonymous_pages_are_gzipped_and_signed_in_pages_are_not(client, docs, administrator):
    url = reverse("dokument:lista")

    anonymous = client.get(url, headers={"accept-encoding": "gzip"})
    client.force_login(administrator)
    signed_in = client.get(url, headers={"accept-encoding": "gzip"})

    assert anonymous.headers["Content-Encoding"] == "gzip"
    assert "Taxa för bygglov" in gzip.decompress(anonymous.content).decode()
    assert not signed_in.has_header("Content-Encoding")
    assert "Taxa för bygglov" in signed_in.content.decode()


def test_a_cached_page_is_served_compressed_as_stored_not_compressed_again(
    client, docs, monkeypatch
):
    url = reverse("dokument:lista")
    first = client.get(url, headers={"accept-encoding": "gzip"})
    compressions = []
    real = pagecache.compress_string
    monkeypatch.setattr("django.middleware.gzip.compress_string", compressions.append)
    monkeypatch.setattr(pagecache, "compress_string", lambda s: compressions.append(s) or real(s))

    hit = client.get(url, headers={"accept-encoding": "gzip"})
    plain = client.get(url)
    conditional = client.get(
        url, headers={"accept-encoding": "gzip", "if-none-match": hit.headers["ETag"]}
    )

    assert (_hit(first), _hit(hit), _hit(plain)) == ("miss", "hit", "hit")
    assert compressions == []
    assert hit.headers["Content-Encoding"] == "gzip"
    assert hit.headers["ETag"].startswith('W/"')
    assert "Accept-Encoding" in hit.headers["Vary"]
    assert gzip.decompress(hit.content) == plain.content == gzip.decompress(first.content)
    assert int(hit.headers["Content-Length"]) == len(hit.content)
    assert not plain.has_header("Content-Encoding")
    assert conditional.status_code == 304


def test_the_login_page_with_its_token_is_not_gzipped(client, db):
    response = client.get(reverse("login"), headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_an_organisation_page_is_cached_and_an_edit_of_its_parent_invalidates_it(client, org):
    url = org["bun"].get_absolute_url()

    first, second = client.get(url), client.get(url)
    org["kf"].namn = "Fullmäktige i Ådalen"
    org["kf"].save()
    after = client.get(url)

    assert (_hit(first), _hit(second), _hit(after)) == ("miss", "hit", "miss")
    assert "Fullmäktige i Ådalen" in after.content.decode()
