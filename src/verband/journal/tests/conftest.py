"""The shielding tests' family (Anna the victim, Bram the child, Dirk the perpetrator; the neighbourhood
team works with the whole household, probation with Dirk only), with two more partners: the police
working with the whole household (another organisation) and youth care working with Bram only. Uploaded
files go to a folder of the test's own."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from verband.actors import SYSTEM
from verband.network.models import Organisation, Role, Team
from verband.sharing import services as sharing_services
from verband.shielding.members import scope_involvement
from verband.shielding.tests.test_scope import family  # noqa: F401  (fixture)
from verband.testing import make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def ooxml(main_type: str, part: str = "/word/document.xml", extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="{part}" ContentType="{main_type}"/></Types>',
        )
        z.writestr(part.lstrip("/"), "<document>Verslag</document>")
        for name, content in (extra or {}).items():
            z.writestr(name, content)
    return buffer.getvalue()


def odf(
    mimetype: str = "application/vnd.oasis.opendocument.text", extra: dict[str, bytes] | None = None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
        for name, content in (extra or {}).items():
            z.writestr(name, content)
    return buffer.getvalue()


DOCX = ooxml(WORD_MAIN)
XLSX = ooxml(EXCEL_MAIN, "/xl/workbook.xml")
ODT = odf()
DOCM = ooxml(WORD_MACRO_MAIN, extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _documents_folder(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "documents")
    settings.DOCUMENT_MAX_MB = 1
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    return tmp_path / "documents"


@pytest.fixture
def documents_folder(_documents_folder):
    return _documents_folder


def stored_files(folder) -> list[str]:
    return (
        sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        if folder.exists()
        else []
    )


@pytest.fixture
def journal_family(family):  # noqa: F811
    """The family, with the police (whole household) and youth care (Bram only) involved."""
    w = family
    h = w.household
    sharing_services.involve(
        SYSTEM, h, team=w.team_b1, purpose="protection", legal_basis="legal_task", started_on=date(2026, 1, 5)
    )
    youth = Organisation.objects.create(region=w.region, name="Jeugdzorg Testdorp", kind="youth_care")
    youth_team = Team.objects.create(organisation=youth, name="Jeugdzorg Team")
    involvement = sharing_services.involve(
        SYSTEM, h, team=youth_team, purpose="help", legal_basis="legal_task", started_on=date(2026, 1, 5)
    )
    scope_involvement(involvement, [w.bram.pk])
    w.youth = make_user("jeugdzorg", youth, Role.PROFESSIONAL, youth_team)
    w.earlier = timezone.now() - timedelta(hours=2)
    return w
