"""The plain Event admin: fields, list, search.

Not registered here: ``backoffice/admin.py`` assembles the one Event admin from this base and
the workflows of the apps above (confirmation, attendance, documents, certificates).
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import Event, Qualification


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    """Fachkunden: name, legal basis, refresh interval. Courses are marked on the event page
    (Grundlehrgang or Fortbildungslehrgang)."""

    list_display = ["name", "legal_basis", "refresh_months", "grants_count", "refreshes_count"]
    search_fields = ["name", "legal_basis"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        role = Event.QualificationRole
        return (
            super()
            .get_queryset(request)
            .annotate(
                grants_count=Count("events", filter=Q(events__qualification_role=role.GRANTS)),
                refreshes_count=Count(
                    "events", filter=Q(events__qualification_role=role.REFRESHES)
                ),
            )
        )

    @admin.display(description=_("Grundlehrgänge"), ordering="grants_count")
    def grants_count(self, obj) -> int:
        return obj.grants_count

    @admin.display(description=_("Fortbildungslehrgänge"), ordering="refreshes_count")
    def refreshes_count(self, obj) -> int:
        return obj.refreshes_count


class EventAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "first_day",
        "last_day",
        "format",
        "place",
        "capacity",
        "status",
    ]
    list_filter = ["status", "format", "qualification", "qualification_role"]
    search_fields = ["number", "title", "place"]
    date_hierarchy = "first_day"
    readonly_fields = ["confirmed_at", "created_at", "updated_at"]
