"""Checks for files staff upload: size, type by extension, and a content check of the type.

The extension decides the type a participant's browser gets (never the uploader's claimed
content type); the first bytes must fit that type, so a renamed executable or HTML page is
refused instead of being served to participants under a harmless name.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# Extension → accepted first bytes.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "odp": _ZIP,
    "zip": _ZIP,
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


# Plain-text types with no signature (the customer import's CSV): refused if they start like
# markup (an HTML or SVG page renamed) or hold NUL bytes (a binary renamed).
TEXT_TYPES = ("csv", "txt")
_MARKUP_START = (b"<",)


def _content_fits(extension: str, head: bytes) -> bool:
    if extension in TEXT_TYPES:
        text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        return b"\x00" not in head and not text.startswith(_MARKUP_START)
    return head.startswith(SIGNATURES[extension])


def allowed_extensions() -> tuple[str, ...]:
    return tuple(ext for ext in settings.DOCUMENT_UPLOAD_EXTENSIONS if ext in SIGNATURES)


def upload_check(upload: File, *, allowed: tuple[str, ...] | None = None) -> list[ValidationError]:
    """Problems of one uploaded file (empty if it may be stored), in German.

    The one check for every path that takes a file from staff: bulk upload, the document and
    certificate admin forms, a certificate upload, the customer import."""
    allowed = allowed or allowed_extensions()
    name = PurePosixPath(getattr(upload, "name", "") or "").name
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    limit = settings.DOCUMENT_UPLOAD_MAX_BYTES
    if extension not in allowed:
        return [
            ValidationError(
                _("„%(name)s“: Dateien dieses Typs sind nicht erlaubt (erlaubt: %(allowed)s).")
                % {"name": name, "allowed": ", ".join(allowed)},
                code="file_type",
            )
        ]
    if not upload.size:
        return [ValidationError(_("„%(name)s“ ist leer.") % {"name": name}, code="empty")]
    if upload.size > limit:
        return [
            ValidationError(
                _("„%(name)s“ ist %(size)s groß; erlaubt sind höchstens %(limit)s.")
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(limit),
                },
                code="file_size",
            )
        ]
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if not _content_fits(extension, head):
        return [
            ValidationError(
                _("„%(name)s“ ist keine gültige %(type)s-Datei.")
                % {"name": name, "type": extension.upper()},
                code="file_content",
            )
        ]
    return []
