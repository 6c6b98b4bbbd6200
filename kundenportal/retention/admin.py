"""The back office's view of the purge: "Aufbewahrung: Was als Nächstes gelöscht wird"."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from kundenportal.audit.admin import audit_list_view

from .models import RetentionSchedule
from .selectors import (
    retention_next_run,
    retention_samples,
    retention_schedule,
    retention_state,
    retention_technical_counts,
)

SAMPLE_LIMIT = 20


@admin.register(RetentionSchedule)
class RetentionScheduleAdmin(admin.ModelAdmin):
    """A page, not a list: linked from the admin index like a model, it shows per category
    what the next run deletes and the next 30 days' schedule (counts; names only for the
    first few items of a category, which staff may need to check)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # Only the list URL: there are no objects to open.
        return [url for url in super().get_urls() if url.name and url.name.endswith("_changelist")]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        next_run = retention_next_run()
        schedule = retention_schedule(first=next_run, days=30)
        samples = retention_samples(moment=next_run, limit=SAMPLE_LIMIT)
        # The page names the first accounts, participations … that go.
        audit_list_view(request, object_type=self.model._meta.label_lower)
        rows = [
            {
                "label": row["policy"].label,
                "first": row["first"],
                "later": sum(row["per_day"][1:]),
                "samples": samples.get(row["policy"].key),
                "more": max(row["first"] - SAMPLE_LIMIT, 0),
            }
            for row in schedule["rows"]
        ]
        days = [
            {
                "day": day,
                "counts": [
                    {"label": row["policy"].label, "count": row["per_day"][i]}
                    for row in schedule["rows"]
                    if row["per_day"][i]
                ],
            }
            for i, day in enumerate(schedule["days"])
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": self.model._meta.verbose_name_plural,
            "opts": self.model._meta,
            "next_run": next_run,
            "rows": rows,
            "days": days,
            "technical": retention_technical_counts(moment=next_run),
            **retention_state(),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/retention/schedule.html", context)
