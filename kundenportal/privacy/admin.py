from django.contrib import admin
from django.utils import timezone

from .models import DeletionRequest


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "username", "person", "status", "handled_at"]
    list_filter = ["status"]
    search_fields = ["username", "person__last_name", "person__first_name"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    readonly_fields = ["person", "username", "reason", "created_at", "handled_at", "handled_by"]
    fields = [
        "person",
        "username",
        "reason",
        "created_at",
        "status",
        "staff_note",
        "handled_at",
        "handled_by",
    ]

    def has_add_permission(self, request):
        # Requests come from the participants themselves.
        return False

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.status != DeletionRequest.Status.OPEN:
            obj.handled_at = timezone.now()
            obj.handled_by = request.user
        super().save_model(request, obj, form, change)
