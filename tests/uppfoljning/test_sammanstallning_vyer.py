"""The compilation page and its forms: who sees and who posts, the uploads refused by name,
the adoption form, and the page's query count at two sizes."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from styrning.models import Organisation, Roll
from tests.factories import OrganisationFactory, RollFactory, UserFactory
from tests.uppfoljning.factories import (
    RapportFactory,
    RapportperiodFactory,
    RapporttypFactory,
    RapportversionFactory,
)
from uppfoljning.models import Avsnittstext, Balanskrav, Bilaga, Rapport

S = Rapport.Status

AVSNITT = [
    {"kod": "handelser", "rubrik": "Viktiga händelser", "slag": "text", "obligatorisk": True},
    {"kod": "rr", "rubrik": "Resultaträkning", "slag": "fil", "obligatorisk": True},
    {"kod": "bk", "rubrik": "Balanskravsresultat", "slag": "balanskrav", "obligatorisk": False},
]


def innehall(prognos, analys=""):
    return {
        "schema": 1,
        "ekonomi": {"rader": [], "total": {"budget_ar": "1000.00", "prognos": prognos}},
        "mal": [
            {
                "id": 1,
                "nummer": "1",
                "titel": "Trygg skola",
                "malomrade": "Lärande",
                "utfall": "delvis",
                "forslag": "",
                "analys": analys,
            }
        ],
        "uppdrag": [],
        "atgarder": [{"id": 2, "beskrivning": "Se över bemanningen", "ansvarig": "Eva"}],
    }


@pytest.fixture
def buf_rapport(org, settings, tmp_path):
    """BUF's monthly report (adopted by BUN) compiling its two units' submitted reports."""
    settings.MEDIA_ROOT = str(tmp_path)
    typ = RapporttypFactory(
        kod="manad", namn="Månadsuppföljning", antas_av=Organisation.Typ.NAMND, avsnitt=AVSNITT
    )
    period = RapportperiodFactory(rapporttyp=typ, ar=2026, periodnummer=3)
    rapport = RapportFactory(rapportperiod=period, organisation=org["buf"], status=S.UTKAST)
    for kod, prognos in (("solrosen", "900.00"), ("blaklockan", "1100.00")):
        part = RapportFactory(rapportperiod=period, organisation=org[kod], status=S.GODKAND)
        RapportversionFactory(rapport=part, innehall=innehall(prognos, f"Analys {kod}"))
    return rapport


@pytest.fixture
def chef_buf(org):
    user = UserFactory(username="chef_buf")
    RollFactory(anvandare=user, organisation=org["buf"], roll=Roll.Typ.CHEF)
    return user


def url(rapport, name="sammanstallning", *args):
    return reverse(f"uppfoljning:{name}", args=[rapport.pk, *args])


def test_the_page_shows_the_compilation_to_the_editor(client, buf_rapport, chef_buf):
    client.force_login(chef_buf)

    response = client.get(url(buf_rapport))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Solrosens förskola" in html and "Blåklockans förskola" in html
    assert "Analys solrosen" in html
    assert "Se över bemanningen" in html
    # Summed forecast 900 + 1 100 = 2 000 kr, shown in tkr.
    assert response.context["ekonomi"]["total"]["prognos"] == "2000.00"
    # What adoption still needs, and the forms for the law's parts.
    assert response.context["saknas"] == [
        "rapportens egen inlämning (den är utkast)",
        "avsnittet ”Viktiga händelser”, skrivet och markerat klart",
        "Resultaträkning (en bifogad fil eller en importerad tabell)",
    ]
    assert "Det här saknas innan rapporten kan antas" in html
    assert f'action="/uppfoljning/sammanstallning/{buf_rapport.pk}/bilaga/"' in html
    assert f'action="/uppfoljning/sammanstallning/{buf_rapport.pk}/balanskrav/"' in html
    # The chef does not record BUN's decision.
    assert "anta_form" not in response.context


def test_goal_statuses_are_text_and_shape(client, buf_rapport, chef_buf):
    client.force_login(chef_buf)

    html = client.get(url(buf_rapport)).content.decode()

    assert 'class="status status--delvis"' in html
    assert "Delvis uppfyllt" in html


def test_a_politician_of_the_adopting_body_reads_and_may_not_post(
    client, buf_rapport, fortroendevald_bun
):
    client.force_login(fortroendevald_bun)

    assert client.get(url(buf_rapport)).status_code == 200
    assert client.post(url(buf_rapport, "sammanstallning_bilaga"), {}).status_code == 403
    assert client.post(url(buf_rapport, "sammanstallning_balanskrav"), {}).status_code == 403
    assert client.post(url(buf_rapport, "sammanstallning_anta"), {}).status_code == 403


@pytest.mark.parametrize("who", ["sekreterare_sn", "utomstaende", "chef_solrosen"])
def test_an_outsider_gets_404(client, buf_rapport, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(buf_rapport)).status_code == 404
    assert client.post(url(buf_rapport, "sammanstallning_anta"), {}).status_code == 404
    assert client.post(url(buf_rapport, "sammanstallning_bilaga"), {}).status_code == 404
    Bilaga.objects.create(rapport=buf_rapport, kod="rr", tabell={"rubriker": ["A"], "rader": []})
    assert client.get(url(buf_rapport, "sammanstallning_bilagefil", "rr")).status_code == 404


def test_anonymous_is_sent_to_login(client, buf_rapport):
    responses = [
        client.get(url(buf_rapport)),
        client.get(url(buf_rapport, "sammanstallning_bilagefil", "rr")),
        *(
            client.post(url(buf_rapport, name))
            for name in (
                "sammanstallning_anta",
                "sammanstallning_bilaga",
                "sammanstallning_balanskrav",
            )
        ),
    ]

    for response in responses:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def _upload(client, rapport, name, content, kod="rr"):
    return client.post(
        url(rapport, "sammanstallning_bilaga"),
        {"bilaga-kod": kod, "bilaga-fil": SimpleUploadedFile(name, content)},
    )


def test_an_upload_of_a_wrong_type_is_refused_by_name(client, buf_rapport, chef_buf):
    client.force_login(chef_buf)

    response = _upload(client, buf_rapport, "resultat.docx", b"PK\x03\x04whatever")

    assert response.status_code == 400
    assert response.context["bilaga_form"].errors["fil"] == [
        "Filen resultat.docx har en filtyp som inte tas emot här. Bifoga en PDF-, XLSX-, ODS- "
        "eller CSV-fil."
    ]
    assert not Bilaga.objects.exists()


def test_an_upload_whose_content_is_not_its_name_is_refused(client, buf_rapport, chef_buf):
    client.force_login(chef_buf)

    response = _upload(client, buf_rapport, "resultat.pdf", b"inte en pdf")

    assert response.context["bilaga_form"].errors["fil"] == [
        "Filen heter resultat.pdf men innehållet är inte PDF."
    ]
    assert not Bilaga.objects.exists()


def test_an_upload_too_large_is_refused_by_name(client, buf_rapport, chef_buf, settings):
    settings.MAX_UPLOAD_SIZE = 100
    client.force_login(chef_buf)

    response = _upload(client, buf_rapport, "resultat.csv", b"Post;Belopp\n" * 20)

    error = response.context["bilaga_form"].errors["fil"][0]
    assert error.startswith("Filen resultat.csv är för stor (240\xa0byte).")
    assert not Bilaga.objects.exists()


def test_a_csv_file_is_attached(client, buf_rapport, chef_buf):
    client.force_login(chef_buf)

    response = _upload(client, buf_rapport, "resultat.csv", "Post;Belopp\nIntäkter;100\n".encode())

    assert response.status_code == 302
    bilaga = Bilaga.objects.get(rapport=buf_rapport, kod="rr")
    assert (bilaga.filnamn, bilaga.tabell) == ("resultat.csv", None)
    download = client.get(url(buf_rapport, "sammanstallning_bilagefil", "rr"))
    assert b"".join(download.streaming_content) == "Post;Belopp\nIntäkter;100\n".encode()
    download.close()


def test_a_pasted_table_is_imported(client, buf_rapport, chef_buf):
    client.force_login(chef_buf)

    response = client.post(
        url(buf_rapport, "sammanstallning_bilaga"),
        {"bilaga-kod": "rr", "bilaga-tabell": "Post;Belopp\nIntäkter;1 200\nKostnader;-900\n"},
    )

    assert response.status_code == 302
    assert Bilaga.objects.get(rapport=buf_rapport).tabell == {
        "rubriker": ["Post", "Belopp"],
        "rader": [["Intäkter", "1 200"], ["Kostnader", "-900"]],
    }
    html = client.get(url(buf_rapport)).content.decode()
    assert "<td>Kostnader</td>" in html


def test_a_table_with_a_ragged_line_is_refused_with_the_line(client, buf_rapport, chef_buf):
    client.force_login(chef_buf)

    response = client.post(
        url(buf_rapport, "sammanstallning_bilaga"),
        {"bilaga-kod": "rr", "bilaga-tabell": "Post;Belopp\nIntäkter;1;2;3\n"},
    )

    assert response.context["bilaga_form"].errors["tabell"] == [
        "Rad 2 har 4 kolumner men rubrikraden 2."
    ]


def test_the_balanskrav_form_saves_and_shows_the_result(client, buf_rapport, chef_buf):
    client.force_login(chef_buf)

    response = client.post(
        url(buf_rapport, "sammanstallning_balanskrav"),
        {
            "balanskrav-andringsmarke": "",
            "balanskrav-arets_resultat": "12 500 000",
            "balanskrav-realisationsvinster": "500 000",
            "balanskrav-resultatutjamningsreserv": "−2 000 000",
        },
    )

    assert response.status_code == 302
    assert Balanskrav.objects.get(rapport=buf_rapport).balanskravsresultat == 10_000_000
    html = client.get(url(buf_rapport)).content.decode()
    assert "= Balanskravsresultat" in html


def test_the_adopting_bodys_secretary_records_the_decision(client, buf_rapport, sekreterare_bun):
    Avsnittstext.objects.create(rapport=buf_rapport, kod="handelser", text="Lugnt.", klar=True)
    Bilaga.objects.create(rapport=buf_rapport, kod="rr", tabell={"rubriker": ["A"], "rader": []})
    buf_rapport.status = S.INLAMNAD
    buf_rapport.save()
    client.force_login(sekreterare_bun)
    page = client.get(url(buf_rapport))
    assert "anta_form" in page.context

    response = client.post(
        url(buf_rapport, "sammanstallning_anta"),
        {"anta-beslutsdatum": "2026-04-22", "anta-paragraf": "§ 41", "anta-diarienummer": "BUN 1"},
    )

    assert response.status_code == 302
    buf_rapport.refresh_from_db()
    assert (buf_rapport.status, buf_rapport.beslutsdatum, buf_rapport.paragraf) == (
        S.ANTAGEN,
        datetime.date(2026, 4, 22),
        "§ 41",
    )
    html = client.get(url(buf_rapport)).content.decode()
    assert "Ändrat efter antagandet" in html
    assert "Inget har ändrats sedan rapporten antogs." in html

    Avsnittstext.objects.filter(rapport=buf_rapport).update(text="Lugnt, men rättat.")
    html = client.get(url(buf_rapport)).content.decode()
    assert "Lugnt, men rättat." in html


def test_the_adoption_form_shows_the_missing_parts(client, buf_rapport, sekreterare_bun):
    buf_rapport.status = S.INLAMNAD
    buf_rapport.save()
    client.force_login(sekreterare_bun)

    response = client.post(
        url(buf_rapport, "sammanstallning_anta"),
        {"anta-beslutsdatum": "2026-04-22", "anta-paragraf": "§ 41", "anta-diarienummer": "BUN 1"},
    )

    assert response.status_code == 400
    assert response.context["anta_form"].non_field_errors() == [
        "Rapporten kan inte antas: saknas avsnittet ”Viktiga händelser”, skrivet och markerat "
        "klart; Resultaträkning (en bifogad fil eller en importerad tabell)."
    ]
    buf_rapport.refresh_from_db()
    assert buf_rapport.status == S.INLAMNAD


def _more_units(org, rapport, first, n):
    for i in range(first, first + n):
        unit = OrganisationFactory(
            kod=f"E{i}", namn=f"Enhet {i}", typ=Organisation.Typ.ENHET, overordnad=org["forskola"]
        )
        part = RapportFactory(
            rapportperiod=rapport.rapportperiod, organisation=unit, status=S.GODKAND
        )
        RapportversionFactory(rapport=part, innehall=innehall("10.00", f"Analys {i}"))
        Bilaga.objects.get_or_create(
            rapport=rapport, kod="rr", defaults={"tabell": {"rubriker": ["A"], "rader": [["1"]]}}
        )


def _count(client, rapport):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(rapport))
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_with_few_and_many_parts(client, org, buf_rapport, chef_buf):
    client.force_login(chef_buf)
    _more_units(org, buf_rapport, 0, 1)
    few = _count(client, buf_rapport)

    _more_units(org, buf_rapport, 1, 15)
    many = _count(client, buf_rapport)

    assert len(client.get(url(buf_rapport)).context["delar"]) == 18
    # Session and user, roles and tree, the report, the reports compiled and their versions,
    # the attachments and balanskrav, the missing parts' rows, the adopted version.
    assert few == many == 13


def test_the_politicians_of_kommunstyrelsen_read_the_namnders_tertial_reports(client, org):
    """The tertial reports go to KS, which is beside the nämnder in the tree."""
    typ = RapporttypFactory(
        kod="tertial",
        namn="Tertialuppföljning",
        periodtyp="tertial",
        periodnummer=[1, 2],
        antas_av=Organisation.Typ.KOMMUNSTYRELSE,
    )
    period = RapportperiodFactory(rapporttyp=typ, periodtyp="tertial", periodnummer=1)
    rapport = RapportFactory(rapportperiod=period, organisation=org["bun"], status=S.INLAMNAD)
    ks_politiker, sn_politiker = UserFactory(), UserFactory()
    RollFactory(anvandare=ks_politiker, organisation=org["ks"], roll=Roll.Typ.FORTROENDEVALD)
    RollFactory(anvandare=sn_politiker, organisation=org["sn"], roll=Roll.Typ.FORTROENDEVALD)

    client.force_login(ks_politiker)
    assert client.get(url(rapport)).status_code == 200
    assert client.post(url(rapport, "sammanstallning_anta"), {}).status_code == 403
    client.force_login(sn_politiker)
    assert client.get(url(rapport)).status_code == 404


def test_a_controller_sees_the_page_with_every_form(client, buf_rapport, controller):
    client.force_login(controller)

    response = client.get(url(buf_rapport))

    assert response.status_code == 200
    assert {"bilaga_form", "balanskrav_form", "anta_form"} <= set(response.context.keys())
