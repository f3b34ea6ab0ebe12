"""Small real files for upload tests."""

import io
import zipfile

from pypdf import PdfWriter


def minimal_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with(change) -> bytes:
    """A one-page PDF after change(writer) has added to it (an action, an attachment ...)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html lang='sv'><body><p>{text}</p></body></html>").write_pdf()


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


def word_paragraphs(*paragraphs: str) -> str:
    """Word paragraphs, each split over two runs, as Word does."""
    return "".join(
        f"<w:p><w:r><w:t>{p[: len(p) // 2]}</w:t></w:r><w:r><w:t>{p[len(p) // 2 :]}</w:t></w:r>"
        "</w:p>"
        for p in paragraphs
    )


def word_part(root: str, *paragraphs: str) -> str:
    """A Word XML part other than the body (w:hdr, w:ftr, w:footnotes, w:comments ...)."""
    return f'<w:{root} xmlns:w="{W_NS}">{word_paragraphs(*paragraphs)}</w:{root}>'


def docx(*paragraphs: str, parts: dict[str, str | bytes] | None = None, body: str = "") -> bytes:
    """A DOCX file whose body holds the paragraphs (or the given body XML), with more parts
    (headers, footers, notes, comments) by name."""
    xml = (
        body
        or f'<w:document xmlns:w="{W_NS}"><w:body>{word_paragraphs(*paragraphs)}</w:body>'
        "</w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
        for name, content in (parts or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def odt(
    *paragraphs: str, styles: str = "", body: str = "", parts: dict[str, str] | None = None
) -> bytes:
    """An ODT file whose body holds the paragraphs (the first as a heading), or the given body
    XML, and styles.xml and more parts when given."""
    body = body or "".join(
        f"<text:h>{p}</text:h>" if i == 0 else f"<text:p><text:span>{p}</text:span></text:p>"
        for i, p in enumerate(paragraphs)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            f'<office:document-content xmlns:office="{OFFICE_NS}" xmlns:text="{TEXT_NS}">'
            f"<office:body><office:text>{body}</office:text></office:body>"
            "</office:document-content>",
        )
        if styles:
            archive.writestr("styles.xml", styles)
        for name, content in (parts or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def odt_styles_with_header(header: str, footer: str = "") -> str:
    """An ODT styles.xml whose master page has the header (and footer): where ODT keeps them."""
    return (
        f'<office:document-styles xmlns:office="{OFFICE_NS}" xmlns:text="{TEXT_NS}" '
        f'xmlns:style="{STYLE_NS}"><office:master-styles>'
        f'<style:master-page style:name="Standard"><style:header><text:p>{header}</text:p>'
        f"</style:header><style:footer><text:p>{footer}</text:p></style:footer>"
        "</style:master-page></office:master-styles></office:document-styles>"
    )


def zip_bomb(kind: str, megabytes: int = 60) -> bytes:
    """A DOCX or ODT whose body part unpacks to many MB of blanks but packs to a few KB."""
    padding = b" " * (megabytes * 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        if kind == "docx":
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr(
                "word/document.xml",
                f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode()
                + padding
                + b"</w:t></w:r></w:p></w:body></w:document>",
            )
        else:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr(
                "content.xml",
                f'<office:document-content xmlns:office="{OFFICE_NS}" xmlns:text="{TEXT_NS}">'
                "<office:body><office:text><text:p>".encode()
                + padding
                + b"</text:p></office:text></office:body></office:document-content>",
            )
    return out.getvalue()


def minimal_docx() -> bytes:
    return docx()


def minimal_odt() -> bytes:
    return odt()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
