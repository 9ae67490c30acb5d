"""What a document upload must be before anything is stored: not too large, one of the allowed kinds by
its content (not by its name or the browser's word), nothing executable, and a clean file name.

The content decides (`puremagic` reads the first bytes): a PDF, a PNG or JPEG image, or an office file
(Office Open XML: docx, xlsx, pptx; OpenDocument: odt, ods, odp). Office files are zip archives: their
declared content types decide which kind, and a macro project (`vbaProject.bin`, a macro-enabled type,
OpenDocument Basic or scripts), ActiveX, embedded OLE objects or any executable inside refuse them; so
does a PDF that carries JavaScript, a launch action or embedded files. The name typed by the user must
fit what the content is (an executable renamed `.pdf` is refused, so is a PNG called `.pdf`). Every
refusal is a Dutch `ValidationError` under `document`; nothing is written."""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

import puremagic
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

NAME_MAX = 120
HEAD = 8192

# (content type, the extensions a name of that kind may have)
PDF = ("application/pdf", (".pdf",))
PNG = ("image/png", (".png",))
JPEG = ("image/jpeg", (".jpg", ".jpeg"))
OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
    ),
}
ODF = {
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
}
# What the page's file input offers (the content decides all the same).
ACCEPT = ",".join(
    [
        *PDF[1],
        *PNG[1],
        *JPEG[1],
        *(e for _t, exts in OOXML.values() for e in exts),
        *(e for exts in ODF.values() for e in exts),
    ]
)

EXECUTABLE = re.compile(
    r"\.(exe|dll|com|scr|bat|cmd|vbs|vbe|js|jse|wsf|wsh|hta|msi|msp|ps1|jar|lnk|sh|app|pif|cpl|reg)$", re.I
)
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)\b")
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_RATIO = 100  # uncompressed bytes per stored byte: a zip bomb goes far beyond


@dataclass(frozen=True)
class Checked:
    name: str  # the sanitised original name
    content_type: str
    extension: str  # for the stored name
    size: int
    sha256: str


def refuse(message: str) -> ValidationError:
    return ValidationError({"document": [message]})


def max_bytes() -> int:
    return int(settings.DOCUMENT_MAX_BYTES)


def check(upload: UploadedFile) -> Checked:
    """The upload as it may be stored, or a Dutch refusal (nothing is written)."""
    size = upload.size or 0
    if size > max_bytes():
        raise refuse(
            _("The file is larger than %(max)s MB. Make it smaller (for example as PDF) or split it.")
            % {"max": settings.DOCUMENT_MAX_MB}
        )
    if size == 0:
        raise refuse(_("The file is empty."))
    name = clean_name(upload.name or "")
    upload.seek(0)
    head = upload.read(HEAD)
    content_type, extensions = _kind(upload, head)
    extension = os.path.splitext(name)[1].lower()
    if extension not in extensions:
        raise refuse(
            _("The file's name (%(extension)s) does not fit what it contains. Save it again with the right "
              "extension, or choose another file.") % {"extension": extension or _("no extension")}
        )  # fmt: skip
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Checked(name, content_type, extensions[0], size, digest.hexdigest())


def clean_name(raw: str) -> str:
    """The file's own name (no folders), in safe characters, at most NAME_MAX long with its extension."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
    try:
        name = get_valid_filename(base)
    except SuspiciousFileOperation:
        name = ""
    stem, extension = os.path.splitext(name)
    extension = extension[:10]
    stem = stem[: NAME_MAX - len(extension)] or _("document")
    return f"{stem}{extension}"


def _not_allowed() -> ValidationError:
    return refuse(
        _("Verband keeps only PDF files, images (PNG, JPEG) and office documents (Word, Excel, PowerPoint, "
          "OpenDocument) without macros. This file is something else and was not stored.")
    )  # fmt: skip


def _kind(upload: UploadedFile, head: bytes) -> tuple[str, tuple[str, ...]]:
    try:
        found = [m for m in puremagic.magic_string(head) if m.offset == 0]
    except puremagic.PureError:
        found = []
    mimes = {m.mime_type for m in found}
    if head.startswith(b"%PDF-") and PDF[0] in mimes:
        _check_pdf(upload)
        return PDF
    if PNG[0] in mimes and head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if JPEG[0] in mimes and head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04") and any(m.byte_match.startswith(b"PK\x03\x04") for m in found):
        return _office(upload)
    raise _not_allowed()


def _check_pdf(upload: UploadedFile) -> None:
    upload.seek(0)
    tail = b""
    for chunk in upload.chunks():
        if PDF_ACTIVE.search(tail + chunk):
            raise refuse(
                _("This PDF contains a script, an action that starts a program or embedded files. Print it "
                  "to a new PDF and upload that.")
            )  # fmt: skip
        tail = chunk[-64:]


def _macro() -> ValidationError:
    return refuse(
        _("This office document contains macros or programs. Save it without macros (as .docx, .xlsx or "
          ".odt, for example) and upload that.")
    )  # fmt: skip


def _office(upload: UploadedFile) -> tuple[str, tuple[str, ...]]:
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_allowed() from None
    names = [e.filename for e in entries]
    stored = max(upload.size or 1, 1)
    if len(entries) > ZIP_MAX_ENTRIES or sum(e.file_size for e in entries) > ZIP_MAX_RATIO * stored:
        raise _not_allowed()
    lowered = [n.lower() for n in names]
    if any(
        EXECUTABLE.search(n)
        or n.endswith("vbaproject.bin")
        or "/activex/" in f"/{n}"
        or n.startswith(("basic/", "scripts/"))
        or "/embeddings/oleobject" in f"/{n}"
        for n in lowered
    ):
        raise _macro()
    try:
        if "[Content_Types].xml" in names:
            return _ooxml(archive.read("[Content_Types].xml"))
        if "mimetype" in names:
            declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
            if declared in ODF:
                return declared, ODF[declared]
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        pass
    raise _not_allowed()


def _ooxml(types_xml: bytes) -> tuple[str, tuple[str, ...]]:
    if len(types_xml) > 1_000_000 or b"<!DOCTYPE" in types_xml or b"<!ENTITY" in types_xml:
        raise _not_allowed()
    try:
        root = ET.fromstring(types_xml)  # noqa: S314  (no DTD or entities, checked above)
    except ET.ParseError:
        raise _not_allowed() from None
    declared = {el.get("ContentType", "") for el in root.iter() if el.get("ContentType")}
    if any(
        "macroenabled" in t.lower() or "vbaproject" in t.lower() or "activex" in t.lower() for t in declared
    ):
        raise _macro()
    mains = [OOXML[t] for t in declared if t in OOXML]
    if len(mains) != 1:
        raise _not_allowed()
    return mains[0]
