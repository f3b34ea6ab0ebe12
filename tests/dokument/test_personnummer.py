"""The personnummer scan before publishing, and confidential versions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dokument.files import check_upload
from dokument.markdown import render_markdown
from dokument.models import Dokumentversion
from dokument.personnummer import find_personnummer, luhn_ok
from tests.dokument.filefixtures import (
    W_NS,
    docx,
    odt,
    odt_styles_with_header,
    word_part,
)


def test_luhn_check_digit():
    assert (luhn_ok("8112189876"), luhn_ok("8112189875")) == (True, False)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Kontakta 811218-9876 vid frågor.", ["811218-9876"]),
        ("Med sekel: 19811218-9876.", ["19811218-9876"]),
        ("Utan bindestreck 8112189876 här.", ["8112189876"]),
        ("Samordningsnummer 701063-2391.", ["701063-2391"]),
        ("Fel kontrollsiffra 811218-9875.", []),
        ("Omöjligt datum 811318-9876.", []),
        ("Diarienummer KS 2025/39 och telefon 070-123 45 67.", []),
    ],
)
def test_finds_personnummer_with_valid_check_digit(text, found):
    assert [f.text for f in find_personnummer(text)] == found


def test_samordningsnummer_is_named_as_such():
    assert [f.slag for f in find_personnummer("701063-2391 och 811218-9876")] == [
        "samordningsnummer",
        "personnummer",
    ]


def test_publish_page_lists_what_the_scan_found(client, make_dokument, sekreterare_bun):
    dokument = make_dokument(publish=False, text="Handläggare: Eva, 811218-9876.")
    client.force_login(sekreterare_bun)

    response = client.get(reverse("dokument:publicera", args=[dokument.pk, 1]))

    assert [f.text for f in response.context["fynd"]] == ["811218-9876"]
    assert "<code>811218-9876</code> (personnummer)" in response.content.decode()


def test_publish_with_personnummer_needs_confirmation(client, make_dokument, sekreterare_bun):
    dokument = make_dokument(publish=False, text="Handläggare: Eva, 811218-9876.")
    client.force_login(sekreterare_bun)
    url = reverse("dokument:publicera", args=[dokument.pk, 1])

    refused = client.post(url, {})
    status_after_refusal = dokument.versioner.get().status
    confirmed = client.post(url, {"bekrafta": "on"})

    assert refused.status_code == 400
    assert refused.context["form"].errors["bekrafta"] == [
        "Texten innehåller det som ser ut som person- eller samordningsnummer (811218-9876). "
        "Ta bort dem, eller bekräfta att de får publiceras."
    ]
    assert status_after_refusal == "faststalld"
    assert (confirmed.status_code, dokument.versioner.get().status) == (302, "publicerad")


def test_personnummer_in_the_file_text_is_found_too(client, make_dokument, sekreterare_bun):
    dokument = make_dokument(publish=False, text="Ren text.")
    dokument.versioner.update(fil_text="Bilaga: 19811218-9876")
    client.force_login(sekreterare_bun)

    response = client.post(reverse("dokument:publicera", args=[dokument.pk, 1]), {})

    assert response.status_code == 400
    assert dokument.versioner.get().status == "faststalld"


def test_publish_without_findings_needs_no_confirmation(client, make_dokument, sekreterare_bun):
    dokument = make_dokument(publish=False)
    client.force_login(sekreterare_bun)

    response = client.post(reverse("dokument:publicera", args=[dokument.pk, 1]), {})

    assert (response.status_code, dokument.versioner.get().status) == (302, "publicerad")


def test_confidential_version_cannot_be_published_from_the_page(
    client, make_dokument, sekreterare_bun
):
    dokument = make_dokument(publish=False, sekretess=True, sekretess_paragraf="26 kap. 1 § OSL")
    client.force_login(sekreterare_bun)

    response = client.post(reverse("dokument:publicera", args=[dokument.pk, 1]), {"bekrafta": "on"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Versionen innehåller sekretessbelagda uppgifter (26 kap. 1 § OSL) och kan inte publiceras."
    ]
    assert dokument.versioner.get().status == "faststalld"


def test_markdown_is_sanitised():
    html = render_markdown(
        "# Rubrik\n\n<script>alert(1)</script>\n\n[länk](javascript:alert(1)) **fet**"
    )

    assert html == (
        '<h2>Rubrik</h2>\n\n\n<p><a rel="noopener noreferrer">länk</a> <strong>fet</strong></p>'
    )


def test_personnummer_in_an_uploaded_docx_needs_confirmation(client, org, typer, sekreterare_bun):
    client.force_login(sekreterare_bun)
    client.post(
        reverse("dokument:registrera"),
        {
            "typ": typer["Riktlinje"].pk,
            "agare": org["bun"].pk,
            "titel": "Riktlinjer för skolskjuts",
            "faststalld_av": org["bun"].pk,
            "beslutsdatum": "2025-02-03",
            "fil": SimpleUploadedFile(
                "riktlinje.docx", docx("Beslut om skolskjuts", "Elev: 811218-9876")
            ),
        },
    )
    version = Dokumentversion.objects.get()
    url = reverse("dokument:publicera", args=[version.dokument_id, 1])

    refused = client.post(url, {})
    status_after_refusal = Dokumentversion.objects.get().status
    confirmed = client.post(url, {"bekrafta": "on"})

    assert refused.context["form"].errors["bekrafta"] == [
        "Texten innehåller det som ser ut som person- eller samordningsnummer (811218-9876). "
        "Ta bort dem, eller bekräfta att de får publiceras."
    ]
    assert status_after_refusal == "faststalld"
    assert (confirmed.status_code, Dokumentversion.objects.get().status) == (302, "publicerad")


def test_confirmation_of_personnummer_is_recorded_and_shown_to_staff(
    client, make_dokument, sekreterare_bun
):
    dokument = make_dokument(
        publish=False, text="Handläggare: Eva, 811218-9876. Igen: 811218-9876, 19811218-9876."
    )
    client.force_login(sekreterare_bun)
    client.post(reverse("dokument:publicera", args=[dokument.pk, 1]), {"bekrafta": "on"})
    version = dokument.versioner.get()
    staff = client.get(reverse("dokument:detalj", args=[dokument.pk])).content.decode()
    client.logout()
    public = client.get(reverse("dokument:detalj", args=[dokument.pk])).content.decode()

    assert (
        version.personnummer_bekraftat_av,
        version.personnummer_bekraftat_tid,
        version.personnummer_maskerade,
    ) == (sekreterare_bun, version.publicerad_tid, "811218-XXXX, 19811218-XXXX")
    assert staff.count("811218-XXXX, 19811218-XXXX: publicering bekräftad av ") == 1
    assert public.count("Personnummer vid publicering") == 0
    assert version.history.first().personnummer_bekraftat_av_id == sekreterare_bun.pk


def test_publish_without_findings_records_no_confirmation(make_dokument):
    dokument = make_dokument()

    version = dokument.versioner.get()
    assert (version.personnummer_bekraftat_av, version.personnummer_maskerade) == (None, "")


def _numbers_in_upload(name, content):
    return [f.text for f in find_personnummer(check_upload(SimpleUploadedFile(name, content)))]


@pytest.mark.parametrize(
    ("part", "root"),
    [
        ("word/header1.xml", "hdr"),
        ("word/footer2.xml", "ftr"),
        ("word/footnotes.xml", "footnotes"),
        ("word/endnotes.xml", "endnotes"),
        ("word/comments.xml", "comments"),
    ],
)
def test_personnummer_outside_the_body_of_a_docx_is_found(part, root):
    content = docx("Beslut om skolskjuts", parts={part: word_part(root, "Elev: 811218-9876")})

    assert _numbers_in_upload("riktlinje.docx", content) == ["811218-9876"]


def test_personnummer_in_a_docx_text_box_and_with_a_non_breaking_hyphen_is_found():
    body = (
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>Elev: 811218</w:t>'
        "<w:noBreakHyphen/><w:t>9876</w:t></w:r></w:p></w:body></w:document>"
    )

    assert _numbers_in_upload("riktlinje.docx", docx(body=body)) == ["811218-9876"]


def test_personnummer_in_a_tracked_deletion_is_found_but_not_kept_as_text():
    """A deletion with track changes on is still in the file: whoever opens it reads it."""
    body = (
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>Beslut om skolskjuts</w:t></w:r>'
        "<w:del><w:r><w:delText>Elev 811218-9876</w:delText></w:r></w:del></w:p>"
        "</w:body></w:document>"
    )

    text = check_upload(SimpleUploadedFile("riktlinje.docx", docx(body=body)))

    assert [f.text for f in find_personnummer(text)] == ["811218-9876"]
    assert text.startswith("Beslut om skolskjuts\n\n[Personnummer i filens dolda text")
    assert "Elev" not in text


def test_personnummer_in_the_properties_of_a_docx_and_an_odt_is_found():
    core = (
        '<cp:coreProperties xmlns:cp="urn:cp" xmlns:dc="urn:dc">'
        "<dc:title>Skolskjuts</dc:title><dc:description>Gäller 811218-9876</dc:description>"
        "</cp:coreProperties>"
    )
    meta = (
        '<office:document-meta xmlns:office="urn:office" xmlns:meta="urn:meta"><office:meta>'
        "<meta:user-defined>701063-2391</meta:user-defined></office:meta></office:document-meta>"
    )

    assert _numbers_in_upload(
        "riktlinje.docx", docx("Beslut", parts={"docProps/core.xml": core})
    ) == ["811218-9876"]
    assert _numbers_in_upload("riktlinje.odt", odt("Beslut", parts={"meta.xml": meta})) == [
        "701063-2391"
    ]


def test_personnummer_in_an_odt_header_and_footer_is_found():
    styles = odt_styles_with_header("Elev: 811218-9876", footer="Handläggare: 701063-2391")
    content = odt("Beslut om skolskjuts", styles=styles)

    assert _numbers_in_upload("riktlinje.odt", content) == ["811218-9876", "701063-2391"]


def test_personnummer_in_an_odt_comment_and_after_it_is_found():
    body = (
        "<text:p>Beslut<office:annotation><text:p>Fråga 701063-2391</text:p>"
        "</office:annotation> om elev 811218-9876</text:p>"
    )
    content = odt(body=body)

    assert _numbers_in_upload("riktlinje.odt", content) == ["701063-2391", "811218-9876"]


def test_personnummer_in_an_odt_footnote_is_found():
    body = (
        "<text:p>Beslut<text:note><text:note-citation>1</text:note-citation><text:note-body>"
        "<text:p>Elev 811218-9876</text:p></text:note-body></text:note></text:p>"
    )

    assert _numbers_in_upload("riktlinje.odt", odt(body=body)) == ["811218-9876"]


def test_personnummer_in_a_docx_header_needs_confirmation_before_publishing(
    client, org, typer, sekreterare_bun
):
    client.force_login(sekreterare_bun)
    content = docx(
        "Beslut om skolskjuts", parts={"word/header1.xml": word_part("hdr", "Elev 811218-9876")}
    )
    client.post(
        reverse("dokument:registrera"),
        {
            "typ": typer["Riktlinje"].pk,
            "agare": org["bun"].pk,
            "titel": "Riktlinjer för skolskjuts",
            "faststalld_av": org["bun"].pk,
            "beslutsdatum": "2025-02-03",
            "fil": SimpleUploadedFile("riktlinje.docx", content),
        },
    )
    version = Dokumentversion.objects.get()

    refused = client.post(reverse("dokument:publicera", args=[version.dokument_id, 1]), {})

    assert refused.status_code == 400
    assert Dokumentversion.objects.get().status == "faststalld"
