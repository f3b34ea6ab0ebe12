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


def minimal_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def minimal_odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
