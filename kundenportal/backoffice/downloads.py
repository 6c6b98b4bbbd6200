"""The event's lists and files for staff: attendance PDF, participants CSV/Excel, certificates ZIP.

Views that produce a file, wired into the event admin by ``backoffice/admin.py``, which checks
the permission and looks the event up before calling them. Each download is logged (personal
data leaves the system) and never lands in a shared cache.
"""

import io

from django.contrib import messages
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from kundenportal.core.spreadsheet import private_download
from kundenportal.events.models import Event

from . import lists
from .selectors import SPREADSHEET_STATUSES, event_certificate_files, event_participant_rows
from .services import event_list_download_log

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attendance_pdf(request: HttpRequest, *, event: Event) -> HttpResponse:
    """Anwesenheitsliste: every active participation, to sign on the day."""
    rows = list(event_participant_rows(event=event))
    pdf = lists.attendance_pdf(event=event, rows=rows)
    event_list_download_log(event=event, kind="attendance_pdf", count=len(rows), actor=request.user)
    filename = f"Anwesenheitsliste {event.number}.pdf"
    response = FileResponse(io.BytesIO(pdf), content_type="application/pdf", filename=filename)
    return private_download(response, filename)


def _spreadsheet_rows(request: HttpRequest, event: Event, kind: str) -> list[dict]:
    rows = list(event_participant_rows(event=event, statuses=SPREADSHEET_STATUSES))
    event_list_download_log(event=event, kind=kind, count=len(rows), actor=request.user)
    return rows


def participants_csv(request: HttpRequest, *, event: Event) -> HttpResponse:
    rows = _spreadsheet_rows(request, event, "participants_csv")
    response = StreamingHttpResponse(
        lists.participants_csv(rows), content_type="text/csv; charset=utf-8"
    )
    return private_download(response, f"Teilnehmer {event.number}.csv")


def participants_xlsx(request: HttpRequest, *, event: Event) -> HttpResponse:
    rows = _spreadsheet_rows(request, event, "participants_xlsx")
    filename = f"Teilnehmer {event.number}.xlsx"
    response = FileResponse(
        lists.participants_xlsx(event=event, rows=rows),
        content_type=XLSX,
        as_attachment=True,
        filename=filename,
    )
    return private_download(response, filename)


def certificates_zip(request: HttpRequest, *, event: Event) -> HttpResponse:
    """Every valid certificate of the event in one ZIP, streamed while it is sent."""
    certificates = list(event_certificate_files(event=event))
    if not certificates:
        messages.info(
            request,
            _("Zu %(event)s gibt es keine gültige Bescheinigung.") % {"event": event.number},
        )
        return HttpResponseRedirect(reverse("admin:events_event_change", args=[event.pk]))
    event_list_download_log(
        event=event, kind="certificates_zip", count=len(certificates), actor=request.user
    )
    response = StreamingHttpResponse(
        lists.certificates_zip(certificates), content_type="application/zip"
    )
    return private_download(response, f"Bescheinigungen {event.number}.zip")
