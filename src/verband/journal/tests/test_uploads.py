"""What an upload must be: checked by its content, nothing executable, a clean name, within the limit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from verband.journal import uploads
from verband.journal.tests.conftest import (
    DOCM,
    DOCX,
    EXE,
    HTML,
    JPEG,
    ODT,
    PDF,
    PNG,
    XLSX,
    odf,
    ooxml,
    upload,
)


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        uploads.check(upload(name, content))
    return " ".join(caught.value.message_dict["document"])


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("verslag.pdf", PDF, "application/pdf"),
        ("foto.png", PNG, "image/png"),
        ("foto.jpg", JPEG, "image/jpeg"),
        ("foto.JPEG", JPEG, "image/jpeg"),
        ("brief.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("lijst.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("brief.odt", ODT, "application/vnd.oasis.opendocument.text"),
        (
            "lijst.ods",
            odf("application/vnd.oasis.opendocument.spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
    ],
)
def test_allowed_kinds_are_recognised_by_their_content(settings, name, content, content_type):
    checked = uploads.check(upload(name, content, "text/plain"))  # the browser's word does not count
    assert checked.content_type == content_type
    assert checked.name == name and checked.size == len(content) and len(checked.sha256) == 64


def test_an_executable_renamed_pdf_is_refused():
    assert "PDF" in refusal("verslag.pdf", EXE)


def test_html_renamed_png_is_refused():
    assert "niet bewaard" in refusal("foto.png", HTML) or "not stored" in refusal("foto.png", HTML)


def test_a_macro_enabled_document_is_refused_also_when_named_docx():
    for name in ("brief.docm", "brief.docx"):
        assert "macro" in refusal(name, DOCM).lower()


def test_macros_hidden_in_other_ways_are_refused():
    # A vbaProject.bin under a normal content type, an OpenDocument with Basic, an executable inside.
    assert "macro" in refusal("a.docx", ooxml(uploads_main(), extra={"word/vbaProject.bin": b"x"})).lower()
    assert "macro" in refusal("a.odt", odf(extra={"Basic/Standard/Module1.xml": b"<x/>"})).lower()
    assert "macro" in refusal("a.docx", ooxml(uploads_main(), extra={"word/media/setup.exe": EXE})).lower()
    assert (
        "macro"
        in refusal("a.docx", ooxml(uploads_main(), extra={"word/embeddings/oleObject1.bin": b"x"})).lower()
    )


def uploads_main() -> str:
    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def test_a_zip_that_is_no_office_document_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("setup.txt", "hello")
    assert refusal("archief.docx", buffer.getvalue())


def test_a_pdf_with_javascript_or_a_launch_action_is_refused():
    assert refusal("a.pdf", PDF + b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")
    assert refusal("a.pdf", PDF + b"<< /Type /Action /S /Launch /F (cmd.exe) >>")


def test_the_name_must_fit_the_content():
    assert ".pdf" in refusal("foto.pdf", PNG)
    assert refusal("verslag", PDF)


def test_too_large_or_empty_is_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 100
    settings.DOCUMENT_MAX_MB = 1
    assert "1 MB" in refusal("groot.pdf", PDF + b" " * 200)
    settings.DOCUMENT_MAX_BYTES = 1024
    assert refusal("leeg.pdf", b"")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\anna\\brief aan school.pdf", "brief_aan_school.pdf"),
        ("rapport<script>.pdf", "rapportscript.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        ("..", "document"),
        ("verslag\x00.pdf", "verslag.pdf"),
    ],
)
def test_file_names_are_sanitised(raw, clean):
    assert uploads.clean_name(raw) == clean
