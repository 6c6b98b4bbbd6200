"""A plain back office for documents: upload one file at a time.

(Bulk upload and certificate generation are separate staff workflows.)
"""

from django.contrib import admin

from kundenportal.audit.admin import AuditedModelAdmin
from kundenportal.core.files import file_delete_after_commit

from .models import Certificate, CourseDocument, OnlineLink
from .services import file_metadata_apply


class StoredFileAdmin(admin.ModelAdmin):
    readonly_fields = ["filename", "content_type", "size"]

    def save_model(self, request, obj, form, change):
        if "file" in form.changed_data and obj.file:
            file_metadata_apply(target=obj, upload=obj.file)
        super().save_model(request, obj, form, change)

    # The record goes first; the file once that is committed (a rollback keeps both, a
    # failed storage delete is finished by the worker).
    def delete_model(self, request, obj):
        file_delete_after_commit(files=[obj.file])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        file_delete_after_commit(files=[obj.file for obj in queryset])
        super().delete_queryset(request, queryset)


@admin.register(CourseDocument)
class CourseDocumentAdmin(StoredFileAdmin):
    list_display = ["title", "event", "filename", "uploaded_at"]
    search_fields = ["title", "filename", "event__number", "event__title"]
    list_select_related = ["event"]
    raw_id_fields = ["event"]
    fields = ["event", "title", "file", "filename", "content_type", "size"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(OnlineLink)
class OnlineLinkAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "url"]
    search_fields = ["title", "event__number", "event__title"]
    list_select_related = ["event"]
    raw_id_fields = ["event"]


@admin.register(Certificate)
class CertificateAdmin(AuditedModelAdmin, StoredFileAdmin):
    # Adding, changing and deleting are logged by AuditedModelAdmin (once each).
    list_display = ["title", "participation", "issued_on", "filename"]
    search_fields = [
        "participation__person__username",
        "participation__person__last_name",
        "participation__event__number",
    ]
    list_select_related = ["participation__person", "participation__event"]
    raw_id_fields = ["participation"]
    date_hierarchy = "issued_on"
    fields = ["participation", "title", "issued_on", "file", "filename", "content_type", "size"]
