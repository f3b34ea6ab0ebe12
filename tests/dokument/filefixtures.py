"""Small real files for upload tests."""

import io
import zipfile

from pypdf import PdfWriter


def minimal_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html lang='sv'><body><p>{text}</p></body></html>").write_pdf()


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def docx(*paragraphs: str) -> bytes:
    """A DOCX file whose body holds the paragraphs (each split over two runs, as Word does)."""
    body = "".join(
        f"<w:p><w:r><w:t>{p[: len(p) // 2]}</w:t></w:r><w:r><w:t>{p[len(p) // 2 :]}</w:t></w:r>"
        "</w:p>"
        for p in paragraphs
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>',
        )
    return out.getvalue()


def odt(*paragraphs: str) -> bytes:
    """An ODT file whose body holds the paragraphs (the first as a heading)."""
    body = "".join(
        f"<text:h>{p}</text:h>" if i == 0 else f"<text:p><text:span>{p}</text:span></text:p>"
        for i, p in enumerate(paragraphs)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            f'<office:document-content xmlns:office="{OFFICE_NS}" xmlns:text="{TEXT_NS}">'
            f"<office:body><office:text>{body}</office:text></office:body>"
            "</office:document-content>",
        )
    return out.getvalue()


def minimal_docx() -> bytes:
    return docx()


def minimal_odt() -> bytes:
    return odt()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
