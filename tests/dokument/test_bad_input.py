"""Bad input on the register form: refused with a Swedish message next to the field, and
nothing saved."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dokument.models import Dokument, Dokumentversion
from tests.dokument.filefixtures import (
    PNG,
    docx,
    minimal_docx,
    minimal_odt,
    minimal_pdf,
    odt,
    text_pdf,
)


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


def _errors(response, field):
    return response.context["form"].errors.get(field)


def _rows():
    return (Dokument.objects.count(), Dokumentversion.objects.count())


def test_png_named_pdf_is_refused(post):
    response = post(fil=SimpleUploadedFile("riktlinje.pdf", PNG))

    assert _errors(response, "fil") == ["Filen heter riktlinje.pdf men innehållet är inte PDF."]
    assert "Filen heter riktlinje.pdf men innehållet är inte PDF." in response.content.decode()
    assert _rows() == (0, 0)


def test_docx_named_odt_is_refused(post):
    response = post(fil=SimpleUploadedFile("riktlinje.odt", minimal_docx()))

    assert _errors(response, "fil") == [
        "Filen heter riktlinje.odt men innehållet är inte OpenDocument-text (ODT)."
    ]
    assert _rows() == (0, 0)


def test_unsupported_type_is_refused(post):
    response = post(fil=SimpleUploadedFile("riktlinje.exe", b"MZ\x90\x00"))

    assert _errors(response, "fil") == [
        "Filtypen stöds inte. Ladda upp en PDF-, DOCX- eller ODT-fil."
    ]
    assert _rows() == (0, 0)


def test_file_over_the_size_limit_is_refused(post, settings):
    settings.MAX_UPLOAD_SIZE = 100

    response = post(fil=SimpleUploadedFile("riktlinje.pdf", minimal_pdf()))

    assert _errors(response, "fil")[0].startswith("Filen är för stor")
    assert _rows() == (0, 0)


def test_corrupt_pdf_is_refused(post):
    response = post(fil=SimpleUploadedFile("riktlinje.pdf", b"%PDF-1.7\nthis is not a pdf"))

    assert _errors(response, "fil") == [
        "PDF-filen är skadad och kan inte läsas. Spara om den och försök igen."
    ]
    assert _rows() == (0, 0)


def test_valid_until_before_valid_from_is_refused(post):
    response = post(giltig_fran="2025-06-01", giltig_till="2025-05-31")

    assert _errors(response, "giltig_till") == [
        "Gäller till och med kan inte vara före gäller från."
    ]
    assert _rows() == (0, 0)


def test_decision_date_in_the_future_is_refused(post, org):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)

    response = post(faststalld_av=org["bun"].pk, beslutsdatum=tomorrow.isoformat())

    assert _errors(response, "beslutsdatum") == ["Beslutsdatumet kan inte ligga i framtiden."]
    assert _rows() == (0, 0)


def test_case_number_of_another_document_is_refused(post, make_dokument):
    holder = make_dokument(diarienummer="BUN 2024/17")
    before = _rows()

    response = post(diarienummer="bun 2024/17")

    # The user may see the holder: the message links to it.
    assert _errors(response, "diarienummer") == [
        f'Diarienumret bun 2024/17 används redan av <a href="/dokument/{holder.pk}/">'
        "Riktlinjer för skolskjuts</a>."
    ]
    assert _rows() == before


def test_adoption_by_a_body_without_the_right_is_refused_on_the_form(post, org, typer):
    response = post(typ=typer["Policy"].pk, faststalld_av=org["bun"].pk, beslutsdatum="2024-01-10")

    assert _errors(response, "faststalld_av") == [
        "Barn- och utbildningsnämnden får inte anta policyer: enligt regeln för dokumenttypen "
        "policy får den antas av kommunfullmäktige, inte av en nämnd."
    ]
    assert _rows() == (0, 0)


def test_confidential_without_paragraph_is_refused(post):
    response = post(sekretess="on")

    assert _errors(response, "sekretess_paragraf") == [
        "Ange vilken paragraf i OSL som sekretessen grundar sig på."
    ]
    assert _rows() == (0, 0)


@pytest.mark.parametrize(
    ("name", "content"),
    [("riktlinje.docx", minimal_docx()), ("riktlinje.odt", minimal_odt())],
)
def test_docx_and_odt_are_accepted(post, name, content):
    response = post(fil=SimpleUploadedFile(name, content))

    assert response.status_code == 302
    assert Dokumentversion.objects.get().fil.name.endswith(name.rsplit(".", 1)[1])


def test_text_of_an_uploaded_pdf_is_extracted(post):
    response = post(fil=SimpleUploadedFile("riktlinje.pdf", text_pdf("Skolskjuts beviljas")))

    assert response.status_code == 302
    assert Dokumentversion.objects.get().fil_text == "Skolskjuts beviljas"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("riktlinje.docx", docx("Skolskjuts beviljas", "Handläggare Eva")),
        ("riktlinje.odt", odt("Skolskjuts beviljas", "Handläggare Eva")),
    ],
)
def test_text_of_an_uploaded_docx_or_odt_is_extracted(post, name, content):
    response = post(fil=SimpleUploadedFile(name, content))

    assert response.status_code == 302
    assert Dokumentversion.objects.get().fil_text == "Skolskjuts beviljas\nHandläggare Eva"


def test_docx_without_its_text_part_is_refused(post):
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/styles.xml", "<styles/>")

    response = post(fil=SimpleUploadedFile("riktlinje.docx", broken.getvalue()))

    assert _errors(response, "fil") == [
        "Filen riktlinje.docx är skadad och kan inte läsas. Spara om den och försök igen."
    ]
    assert _rows() == (0, 0)
