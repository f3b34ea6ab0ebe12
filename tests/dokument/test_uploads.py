"""Uploads are read within bounds (zip bombs, XML entities, long texts) and a PDF that carries
code is refused, each with a Swedish message that names the file, next to the upload field."""

import io
import os
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from dokument import files
from dokument.files import check_upload
from dokument.models import Dokument, Dokumentversion
from tests.dokument.filefixtures import W_NS, docx, minimal_pdf, odt, pdf_with, text_pdf, zip_bomb


@pytest.fixture
def post(client, org, typer, sekreterare_bun):
    client.force_login(sekreterare_bun)

    def send(fil):
        data = {
            "typ": typer["Riktlinje"].pk,
            "agare": org["bun"].pk,
            "titel": "Riktlinjer för skolskjuts",
            "text": "Text",
            "fil": fil,
        }
        return client.post(reverse("dokument:registrera"), data)

    return send


def _refusal(name, content):
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(name, content))
    return refused.value.messages


def _rows():
    return (Dokument.objects.count(), Dokumentversion.objects.count())


def test_docx_zip_bomb_is_refused_by_name_next_to_the_field(post):
    response = post(SimpleUploadedFile("rapport.docx", zip_bomb("docx", megabytes=60)))

    assert response.context["form"].errors["fil"] == [
        "En del av filen rapport.docx (word/document.xml) packar upp till mer än 50 MB och "
        "tas inte emot."
    ]
    assert _rows() == (0, 0)


def test_docx_zip_bomb_is_refused_at_once():
    bomb = zip_bomb("docx", megabytes=60)
    started = time.monotonic()

    messages = _refusal("rapport.docx", bomb)

    assert (len(messages), time.monotonic() - started < 0.5) == (1, True)


def test_tightly_packed_docx_is_refused_before_it_is_unpacked():
    bomb = zip_bomb("docx", megabytes=20)
    started = time.monotonic()

    messages = _refusal("rapport.docx", bomb)

    assert messages == [
        "Filen rapport.docx är packad tätare än 100:1 (word/document.xml) och tas inte emot: "
        "så packas inte ett vanligt dokument."
    ]
    assert (len(bomb) < 100_000, time.monotonic() - started < 1) == (True, True)


def test_odt_zip_bomb_is_refused_by_name():
    assert _refusal("rapport.odt", zip_bomb("odt", megabytes=20)) == [
        "Filen rapport.odt är packad tätare än 100:1 (content.xml) och tas inte emot: "
        "så packas inte ett vanligt dokument."
    ]


def test_docx_unpacking_beyond_the_total_bound_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_UNPACKED_SIZE", 1 * files.MB)
    noise = os.urandom(600_000).hex()
    content = docx(noise[:600_000], noise[600_000:])

    assert _refusal("rapport.docx", content) == [
        "Filen rapport.docx packar upp till mer än 1 MB och tas inte emot."
    ]


def test_docx_with_too_many_parts_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W_NS}"/>')
        for n in range(files.MAX_MEMBERS):
            archive.writestr(f"word/media/bild{n}.png", b"")

    assert _refusal("rapport.docx", out.getvalue()) == [
        "Filen rapport.docx består av fler än 2000 delar och tas inte emot."
    ]


def test_docx_with_an_entity_declaration_is_refused_as_broken():
    laughs = "".join(f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [<!ENTITY l0 "ha">{laughs}]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )

    assert _refusal("rapport.docx", docx(body=body)) == [
        "Filen rapport.docx är skadad och kan inte läsas. Spara om den och försök igen."
    ]


def test_docx_in_another_encoding_is_refused_as_broken():
    body = f'<?xml version="1.0" encoding="UTF-16"?><w:document xmlns:w="{W_NS}"/>'.encode("utf-16")

    assert _refusal("rapport.docx", docx(body=body)) == [
        "Filen rapport.docx är skadad och kan inte läsas. Spara om den och försök igen."
    ]


def test_long_text_is_cut_and_numbers_past_the_cut_are_named(monkeypatch):
    monkeypatch.setattr(files, "MAX_TEXT_CHARS", 30)
    content = odt("Riktlinjer för skolskjuts", "Beviljas i regel", "Elev 811218-9876")

    text = check_upload(SimpleUploadedFile("riktlinje.odt", content))

    assert text == (
        "Riktlinjer för skolskjuts\nBevi\n\n[Texten ur filen är längre än 30 tecken och har "
        "kortats här. Personnummer i den kortade delen: 811218-9876.]"
    )


def test_extracted_text_is_kept_within_the_bound(monkeypatch):
    monkeypatch.setattr(files, "MAX_TEXT_CHARS", 1000)
    content = docx(*(["Skolskjuts beviljas enligt riktlinjen."] * 500))

    text = check_upload(SimpleUploadedFile("riktlinje.docx", content))

    assert (len(text) < 1200, text.endswith("har kortats här.]")) == (True, True)


def _open_action_javascript(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hej')"),
        }
    )


def _javascript_action():
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hej')"),
        }
    )


def _javascript_link(writer):
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 100, 100)]),
            NameObject("/A"): _javascript_action(),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


def _javascript_bookmark(writer):
    writer.add_outline_item(title="Start", page_number=0)
    writer.add_outline_item(title="Mer", page_number=0).get_object()[NameObject("/A")] = (
        _javascript_action()
    )


def _javascript_name_tree(writer):
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hej')"),
        }
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("hej"), action])}
            )
        }
    )


def _launch_on_open(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )


def _page_additional_action(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("x")}
            )
        }
    )


def _attachment(writer):
    writer.add_attachment("lista.txt", b"811218-9876")


def test_pdf_with_open_action_javascript_is_refused_by_name(post):
    response = post(SimpleUploadedFile("rapport.pdf", pdf_with(_open_action_javascript)))

    assert response.context["form"].errors["fil"] == [
        "Filen rapport.pdf innehåller JavaScript och tas inte emot. Spara den som en vanlig PDF "
        "utan skript och bilagor (till exempel med Skriv ut som PDF) och försök igen."
    ]
    assert _rows() == (0, 0)


@pytest.mark.parametrize(
    ("change", "what"),
    [
        (_javascript_name_tree, "JavaScript"),
        (_javascript_link, "JavaScript"),
        (_javascript_bookmark, "JavaScript"),
        (_launch_on_open, "en åtgärd som startar ett program (/Launch)"),
        (_page_additional_action, "åtgärder som körs automatiskt (/AA)"),
        (_attachment, "inbäddade filer"),
    ],
)
def test_pdf_that_carries_code_or_files_is_refused(change, what):
    assert _refusal("rapport.pdf", pdf_with(change)) == [
        f"Filen rapport.pdf innehåller {what} och tas inte emot. Spara den som en vanlig PDF "
        "utan skript och bilagor (till exempel med Skriv ut som PDF) och försök igen."
    ]


def test_pdf_that_opens_at_a_page_is_accepted():
    def open_at_first_page(writer):
        writer._root_object[NameObject("/OpenAction")] = writer.pages[0].indirect_reference

    assert check_upload(SimpleUploadedFile("rapport.pdf", pdf_with(open_at_first_page))) == ""


def test_pdf_with_more_pages_than_the_bound_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_PDF_PAGES", 2)

    assert _refusal("rapport.pdf", minimal_pdf(pages=3)) == [
        "Filen rapport.pdf har fler än 2 sidor och tas inte emot."
    ]


def test_pdf_text_is_cut_at_the_bound(monkeypatch):
    monkeypatch.setattr(files, "MAX_TEXT_CHARS", 10)

    text = check_upload(
        SimpleUploadedFile("rapport.pdf", text_pdf("Skolskjuts beviljas 811218-9876"))
    )

    assert text == (
        "Skolskjuts\n\n[Texten ur filen är längre än 10 tecken och har kortats här. "
        "Personnummer i den kortade delen: 811218-9876.]"
    )


def test_files_stored_before_the_rules_are_checked_again(make_dokument):
    """Files uploaded before today's rules are checked by `dokument_filkontroll`, which names
    each that does not hold and changes nothing."""
    clean = make_dokument(titel="Ren fil")
    with_code = make_dokument(titel="Fil med kod")
    with_number = make_dokument(titel="Fil med personnummer", publish=False)
    for dokument, name, content in [
        (clean, "ren.pdf", minimal_pdf()),
        (with_code, "kod.pdf", pdf_with(_open_action_javascript)),
        (with_number, "nummer.docx", docx("Elev 811218-9876")),
    ]:
        version = dokument.versioner.get()
        version.fil.save(name, ContentFile(content), save=False)
        Dokumentversion.objects.filter(pk=version.pk).update(fil=version.fil.name)
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError):
        call_command("dokument_filkontroll", stdout=out, stderr=err)

    assert "3 filer kontrollerade: 1 håller inte, 1 med personnummer" in out.getvalue()
    assert f"dokument {with_code.pk} version 1 (Fil med kod)" in err.getvalue()
    assert "JavaScript" in err.getvalue()
    assert f"dokument {with_number.pk} version 1 (Fil med personnummer): 811218-9876" in (
        err.getvalue()
    )
    assert "Ren fil" not in err.getvalue()
