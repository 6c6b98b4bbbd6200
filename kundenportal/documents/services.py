import datetime as dt
import mimetypes
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from django.core.files import File
from django.db import transaction

from kundenportal.audit.services import audit_log
from kundenportal.events.models import Event
from kundenportal.registrations.models import Participation

from .models import Certificate, CourseDocument, OnlineLink, StoredFile


def clean_filename(name: str, *, default: str = "Dokument.pdf") -> str:
    """The name a download gets: no folders, no control characters, umlauts kept."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if ch.isprintable())
    name = name.strip(" .")
    return name[:200] or default


def file_metadata_apply(*, target: StoredFile, upload: File) -> None:
    """Fill ``filename``, ``content_type`` and ``size`` from an uploaded file.

    The content type is derived from the file name, never taken from the browser.
    """
    target.filename = clean_filename(getattr(upload, "name", ""))
    guessed, _encoding = mimetypes.guess_type(target.filename)
    target.content_type = guessed or "application/octet-stream"
    target.size = upload.size or 0


@transaction.atomic
def course_document_create(*, event: Event, title: str, upload: File, actor=None) -> CourseDocument:
    document = CourseDocument(event=event, title=title.strip(), uploaded_by=actor)
    file_metadata_apply(target=document, upload=upload)
    document.file.save(document.filename, upload, save=False)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def online_link_create(*, event: Event, url: str, title: str = "", note: str = "") -> OnlineLink:
    link = OnlineLink(event=event, url=url.strip(), note=note.strip())
    if title:
        link.title = title.strip()
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def certificate_create(
    *,
    participation: Participation,
    upload: File,
    issued_on: dt.date,
    title: str = "",
    actor=None,
) -> Certificate:
    certificate = Certificate(participation=participation, issued_on=issued_on)
    if title:
        certificate.title = title.strip()
    file_metadata_apply(target=certificate, upload=upload)
    certificate.file.save(certificate.filename, upload, save=False)
    certificate.full_clean()
    certificate.save()
    audit_log(
        actor=actor,
        action="certificate.create",
        obj=certificate,
        data={"participation": participation.pk},
    )
    return certificate
