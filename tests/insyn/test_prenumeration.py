"""Subscribing by mail without an account: the form (prefilled from the page it came from),
double opt-in with a signed expiring link, the same address twice, one-click unsubscribe
(RFC 8058), changing a subscription from a mail's link, the purge of unconfirmed ones, the
flood limit and the privacy page. Mail goes to a real local SMTP server."""

import datetime
import io
import re

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from insyn import prenumeration as tjanst
from insyn.handelser import Urval
from insyn.models import Prenumeration
from insyn.tasks import skicka_bekraftelse
from styrning.models import Handelse

URL = "/prenumerera/"
EPOST = "anna@exempel.se"


def _post(client, **data):
    values = {"epost": EPOST, "slag": "dokument", "frekvens": "direkt", **data}
    return client.post(URL, values)


def _link(message, kind: str) -> str:
    body = message.get_content()
    return re.search(rf"https://styrning\.example(/prenumerera/{kind}/[^/\s]+/)", body).group(1)


def _subscribe(client, smtp_server, django_capture_on_commit_callbacks, **data):
    """Subscribe through the form and run the worker: the confirmation mail."""
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, **data)
    assert response.status_code == 302
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO()
    )
    return smtp_server.inbox.to(EPOST)[-1]


def test_form_is_prefilled_from_the_query_string(client, org, typer):
    response = client.get(URL, {"organ": org["kf"].pk, "typ": typer["Policy"].pk})

    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial["organ"] == org["kf"].pk
    assert form.initial["typ"] == typer["Policy"].pk
    assert response.context["beskrivning"] == (
        "Nya, reviderade och upphävda styrdokument fastställda av Kommunfullmäktige av typen Policy"
    )


def test_form_with_a_bad_query_string_says_so_and_shows_an_empty_form(client, db):
    response = client.get(URL, {"organ": "abc"})

    assert response.status_code == 200
    assert "Länken hit hade ett urval som inte gick att läsa" in response.text
    assert response.context["form"].initial["organ"] is None


def test_form_is_accessible(client, db):
    text = client.get(URL).text

    assert text.count("<h1") == 1
    assert '<label for="id_epost">' in text
    assert 'href="/om-personuppgifter/"' in text


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_subscribe_sends_a_confirmation_and_nothing_before_it(
    client, org, smtp_server, django_capture_on_commit_callbacks
):
    mail = _subscribe(client, smtp_server, django_capture_on_commit_callbacks)

    prenumeration = Prenumeration.objects.get()
    assert prenumeration.epost == EPOST
    assert prenumeration.bekraftad is None
    assert mail["Subject"] == "Bekräfta din prenumeration hos Ådalens kommun"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https://styrning\.example/prenumerera/avsluta/[^/]+/>", mail["List-Unsubscribe"]
    )
    assert tjanst.forbered() == 0  # nothing due for an unconfirmed subscription


def test_the_neutral_page_after_subscribing(client, db):
    response = _post(client)

    assert response["Location"] == "/prenumerera/skickat/"
    assert "Titta i din e-post" in client.get(response["Location"]).text


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_confirm_link_shows_a_button_and_post_confirms_once(
    client, org, smtp_server, django_capture_on_commit_callbacks
):
    link = _link(_subscribe(client, smtp_server, django_capture_on_commit_callbacks), "bekrafta")

    page = client.get(link)
    assert page.status_code == 200
    assert Prenumeration.objects.get().bekraftad is None  # a link scanner confirms nothing
    assert "Bekräfta prenumerationen" in page.text

    done = client.post(link)
    assert done.status_code == 200
    assert "Prenumerationen är bekräftad" in done.text
    assert Prenumeration.objects.get().bekraftad is not None

    again = client.post(link)  # a used link
    assert again.status_code == 404
    assert "Länken gäller inte" in again.text


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_expired_confirm_link_changes_nothing(
    client, org, smtp_server, django_capture_on_commit_callbacks, settings
):
    link = _link(_subscribe(client, smtp_server, django_capture_on_commit_callbacks), "bekrafta")
    settings.INSYN_BEKRAFTELSE_GILTIG = -1

    response = client.post(link)

    assert response.status_code == 404
    assert "Länken gäller inte" in response.text
    assert Prenumeration.objects.get().bekraftad is None


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "a" * 400,
        "eyJwIjoxLCJuIjoiYSJ9:forged:signature",
        "%00",
        "a:b:c",
    ],
)
def test_forged_links_get_the_same_page_and_change_nothing(client, db, token):
    prenumeration = tjanst.prenumerera(epost=EPOST, urval=Urval(), frekvens="direkt")
    for kind in ("bekrafta", "avsluta", "hantera"):
        for method in (client.get, client.post):
            response = method(f"/prenumerera/{kind}/{token}/")
            assert response.status_code == 404, (kind, method)
            assert "Länken gäller inte" in response.text
    assert Prenumeration.objects.get() == prenumeration
    assert prenumeration.bekraftad is None


def test_a_token_signed_for_another_purpose_is_refused(client, db):
    prenumeration = tjanst.prenumerera(epost=EPOST, urval=Urval(), frekvens="direkt")
    hantera = tjanst.hantera_token(prenumeration)

    assert client.post(f"/prenumerera/avsluta/{hantera}/").status_code == 404
    assert client.post(f"/prenumerera/bekrafta/{hantera}/").status_code == 404
    assert Prenumeration.objects.count() == 1


def test_a_link_to_a_deleted_subscription_says_nothing_about_the_address(client, db):
    """Forged-but-well-signed: a subscription id that does not exist gets the same page."""
    token = signing.dumps({"p": 999999, "n": "x"}, salt=tjanst.SALT_AVSLUTA)

    response = client.get(f"/prenumerera/avsluta/{token}/")

    assert response.status_code == 404
    assert "Länken gäller inte" in response.text


def test_same_address_and_selection_twice_makes_no_second_subscription(client, org):
    first = _post(client, epost="Anna@Exempel.se", organ=org["kf"].pk)
    second = _post(client, organ=org["kf"].pk)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Prenumeration.objects.count() == 1


def test_same_address_another_selection_is_another_subscription(client, org):
    _post(client, organ=org["kf"].pk)
    _post(client, organ=org["bun"].pk)

    assert Prenumeration.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_confirmed_address_subscribing_again_gets_no_new_mail(
    client, org, smtp_server, django_capture_on_commit_callbacks
):
    link = _link(_subscribe(client, smtp_server, django_capture_on_commit_callbacks), "bekrafta")
    client.post(link)
    count = len(smtp_server.inbox.messages)

    _subscribe_again = _post(client)
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO()
    )

    assert _subscribe_again.status_code == 302
    assert len(smtp_server.inbox.messages) == count
    assert Prenumeration.objects.get().bekraftad is not None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"epost": "inte en adress"}, "epost", "Ange en e-postadress som namn@exempel.se."),
        ({"epost": ""}, "epost", "Ange din e-postadress."),
        ({"epost": "a@b.se\r\nBcc: x@y.se"}, "epost", "Ange en e-postadress som namn@exempel.se."),
        ({"frekvens": "varje sekund"}, "frekvens", None),
        ({"organ": "999999"}, "organ", None),
        ({"q": "ord\x00"}, "q", None),
        ({"q": "a" * 201}, "q", None),
    ],
)
def test_bad_input_gets_a_swedish_error_tied_to_its_field_and_saves_nothing(
    client, db, data, field, message
):
    response = _post(client, **data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert f'id="id_{field}_error"' in response.text
    assert Prenumeration.objects.count() == 0


def test_a_draft_document_cannot_be_subscribed_to(client, make_dokument):
    utkast = make_dokument(publish=False)

    response = _post(client, dokument=utkast.pk)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Dokumentet finns inte."]
    assert Prenumeration.objects.count() == 0


def test_reports_keep_only_the_body(client, org, typer):
    _post(client, slag="rapporter", organ=org["bun"].pk, typ=typer["Policy"].pk)

    assert Prenumeration.objects.get().urval == Urval(slag="rapporter", organ=org["bun"].pk)


def test_one_click_unsubscribe_post_deletes_the_row_without_csrf(db):
    prenumeration = tjanst.prenumerera(epost=EPOST, urval=Urval(), frekvens="direkt")
    token = tjanst.avsluta_token(prenumeration)
    client = Client(enforce_csrf_checks=True)

    looked = client.get(f"/prenumerera/avsluta/{token}/")
    assert looked.status_code == 200
    assert Prenumeration.objects.count() == 1  # a GET (a link scanner) changes nothing

    response = client.post(f"/prenumerera/avsluta/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Prenumerationen är avslutad" in response.text
    assert Prenumeration.objects.count() == 0

    again = client.post(f"/prenumerera/avsluta/{token}/", {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 404


def test_other_forms_still_need_csrf(db):
    client = Client(enforce_csrf_checks=True)

    assert client.post(URL, {"epost": EPOST}).status_code == 403
    prenumeration = tjanst.prenumerera(epost=EPOST, urval=Urval(), frekvens="direkt")
    token = tjanst.hantera_token(prenumeration)
    assert client.post(f"/prenumerera/hantera/{token}/", {"slag": "dokument"}).status_code == 403


def test_manage_link_changes_selection_and_frequency(client, org, typer):
    prenumeration = tjanst.prenumerera(epost=EPOST, urval=Urval(), frekvens="direkt")
    url = f"/prenumerera/hantera/{tjanst.hantera_token(prenumeration)}/"

    page = client.get(url)
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    response = client.post(
        url, {"slag": "dokument", "typ": typer["Policy"].pk, "frekvens": "veckovis"}
    )

    prenumeration.refresh_from_db()
    assert response.status_code == 200
    assert "Ändringen är sparad" in response.text
    assert prenumeration.urval == Urval(typ=typer["Policy"].pk)
    assert prenumeration.frekvens == "veckovis"


def test_manage_refuses_a_selection_the_address_already_has(client, org):
    first = tjanst.prenumerera(epost=EPOST, urval=Urval(), frekvens="direkt")
    tjanst.prenumerera(epost=EPOST, urval=Urval(organ=org["kf"].pk), frekvens="direkt")
    url = f"/prenumerera/hantera/{tjanst.hantera_token(first)}/"

    response = client.post(url, {"slag": "dokument", "organ": org["kf"].pk, "frekvens": "daglig"})

    first.refresh_from_db()
    assert "Du prenumererar redan på det urvalet" in response.text
    assert first.urval == Urval()
    assert first.frekvens == "direkt"


def test_unconfirmed_subscriptions_are_purged_after_a_week(db):
    old = tjanst.prenumerera(epost="gammal@exempel.se", urval=Urval(), frekvens="direkt")
    Prenumeration.objects.filter(pk=old.pk).update(
        skapad=timezone.now() - datetime.timedelta(days=7, minutes=1)
    )
    young = tjanst.prenumerera(epost="ny@exempel.se", urval=Urval(), frekvens="direkt")
    confirmed = tjanst.prenumerera(epost="bekraftad@exempel.se", urval=Urval(), frekvens="direkt")
    Prenumeration.objects.filter(pk=confirmed.pk).update(
        skapad=timezone.now() - datetime.timedelta(days=30), bekraftad=timezone.now()
    )
    out = io.StringIO()

    call_command("insyn_rensa", stdout=out)

    assert out.getvalue() == "1 obekräftade prenumerationer raderade.\n"
    assert set(Prenumeration.objects.values_list("pk", flat=True)) == {young.pk, confirmed.pk}


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_purge_runs_as_a_task_for_the_worker(db, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    old = tjanst.prenumerera(epost="gammal@exempel.se", urval=Urval(), frekvens="direkt")
    Prenumeration.objects.filter(pk=old.pk).update(
        skapad=timezone.now() - datetime.timedelta(days=8)
    )

    call_command("insyn_rensa", "--i-kon", stdout=io.StringIO())
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO()
    )

    assert Prenumeration.objects.count() == 0


def test_a_flood_from_one_client_is_refused_and_saves_nothing(client, db, settings):
    settings.INSYN_PRENUMERATIONER_PER_TIMME = 3
    for n in range(3):
        assert _post(client, epost=f"a{n}@exempel.se").status_code == 302

    refused = _post(client, epost="a9@exempel.se")

    assert refused.status_code == 429
    assert "För många anmälningar" in refused.text
    assert refused["Retry-After"] == "3600"
    assert Prenumeration.objects.count() == 3
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert _post(other, epost="b@exempel.se").status_code == 302


def test_privacy_page_says_what_is_kept_and_for_how_long(client, db):
    response = client.get("/om-personuppgifter/")

    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert "raderas efter 7 dagar" in response.text
    assert "raderas den och adressen direkt" in response.text


def test_the_confirmation_task_does_nothing_for_a_gone_subscription(db, smtp_server):
    assert skicka_bekraftelse.call(999999) is False
    assert smtp_server.inbox.messages == []


def test_the_log_of_acts_holds_no_address(client, org):
    _post(client)
    prenumeration = Prenumeration.objects.get()
    tjanst.bekrafta(token=tjanst.bekrafta_token(prenumeration))
    tjanst.avsluta(token=tjanst.avsluta_token(prenumeration))

    assert not Handelse.objects.filter(objekt_text__icontains="exempel.se").exists()
    assert not Handelse.objects.filter(data__icontains="exempel.se").exists()


def test_pages_link_to_the_form_with_their_selection(client, org, make_dokument):
    dokument = make_dokument(agare="kf")

    lista = client.get("/dokument/", {"organ": org["kf"].pk, "status": "gallande"}).text
    detalj = client.get(f"/dokument/{dokument.pk}/").text
    organ = client.get(f"/organisation/{org['bun'].pk}/").text
    rapporter = client.get("/uppfoljning/", {"organ": org["bun"].pk}).text

    link = re.search(r'href="(/prenumerera/\?[^"]*)"', lista).group(1).replace("&amp;", "&")
    assert link == f"/prenumerera/?organ={org['kf'].pk}&status=gallande"
    assert client.get(link).context["form"].initial["organ"] == org["kf"].pk
    assert f'href="/prenumerera/?dokument={dokument.pk}"' in detalj
    assert f'href="/prenumerera/?organ={org["bun"].pk}"' in organ
    assert f'href="/prenumerera/?slag=rapporter&amp;organ={org["bun"].pk}"' in organ
    assert f'href="/prenumerera/?slag=rapporter&amp;organ={org["bun"].pk}"' in rapporter
