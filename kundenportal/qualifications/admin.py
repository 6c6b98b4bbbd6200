"""The back office's "Fachkunde läuft ab": per qualification and month how many people's
qualification lapses and how many of them have booked a refresher; as CSV and XLSX too
(the participant lists' guards: formula cells defused, private no-store, an audit entry)."""

import tempfile

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from kundenportal.audit.services import audit_log
from kundenportal.core.spreadsheet import csv_safe, private_download, xlsx_cell

from .models import QualificationExpiry
from .selectors import qualification_expiry_overview

HEADER = [
    "Fachkunde",
    "Rechtsgrundlage",
    "Monat",
    "Läuft ab (Personen)",
    "Fortbildung gebucht",
    "Noch ohne Fortbildung",
]
MONTHS = 12


def _month_text(day) -> str:
    return day.strftime("%m/%Y")


def _rows(overview) -> list[list]:
    return [
        [
            entry["qualification"].name,
            entry["qualification"].legal_basis,
            _month_text(month["month"]),
            month["lapsing"],
            month["booked"],
            month["open"],
        ]
        for entry in overview
        for month in entry["months"]
    ]


@admin.register(QualificationExpiry)
class QualificationExpiryAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.csv_view),
                name="{}_{}_csv".format(*info),
            ),
            path(
                "export.xlsx",
                self.admin_site.admin_view(self.xlsx_view),
                name="{}_{}_xlsx".format(*info),
            ),
            # Only the overview: there are no objects to open.
            *[u for u in super().get_urls() if u.name and u.name.endswith("_changelist")],
        ]

    def _overview(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return qualification_expiry_overview(today=timezone.localdate(), months=MONTHS)

    def changelist_view(self, request, extra_context=None):
        overview = self._overview(request)
        context = {
            **self.admin_site.each_context(request),
            "title": self.model._meta.verbose_name_plural,
            "opts": self.model._meta,
            "overview": overview,
            "months": [m["month"] for m in overview[0]["months"]] if overview else [],
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/qualifications/expiry.html", context)

    def _download(self, request, kind: str, rows: list[list]) -> None:
        with transaction.atomic():
            audit_log(
                actor=request.user,
                action=f"qualifications.download_expiry_{kind}",
                data={"rows": len(rows)},
            )

    def csv_view(self, request):
        import csv
        import io

        rows = _rows(self._overview(request))
        self._download(request, "csv", rows)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([csv_safe(v) for v in row])
        response = HttpResponse(
            ("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8"
        )
        return private_download(response, "Fachkunde läuft ab.csv")

    def xlsx_view(self, request):
        rows = _rows(self._overview(request))
        self._download(request, "xlsx", rows)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title="Fachkunde läuft ab")
        bold = Font(bold=True)

        sheet.append([xlsx_cell(sheet, title, font=bold) for title in HEADER])
        for row in rows:
            sheet.append([xlsx_cell(sheet, v) for v in row])
        target = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - the response closes it
        workbook.save(target)
        target.seek(0)
        filename = "Fachkunde läuft ab.xlsx"
        response = FileResponse(
            target,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            filename=filename,
        )
        return private_download(response, filename)
