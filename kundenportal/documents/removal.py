"""Deleting one course document or online link before its 42 days are over (the admin does
the same through its delete view)."""

from typing import Any

from django.db import transaction

from kundenportal.audit.services import audit_log
from kundenportal.core.files import file_delete_after_commit

from .models import CourseDocument, OnlineLink


@transaction.atomic
def course_document_delete(*, document: CourseDocument, actor: Any) -> None:
    # The record goes first; the file once that is committed.
    file_delete_after_commit(files=[document.file])
    audit_log(
        actor=actor,
        action="course_document.delete",
        obj=document,
        data={"event": document.event_id, "file": document.filename},
    )
    document.delete()


@transaction.atomic
def online_link_delete(*, link: OnlineLink, actor: Any) -> None:
    audit_log(actor=actor, action="online_link.delete", obj=link, data={"event": link.event_id})
    link.delete()
