"""A plain back office for documents: upload one file at a time.

(Bulk upload and certificate generation are separate staff workflows.)
"""

from django import forms
from django.contrib import admin
from django.db import transaction

from kundenportal.audit.admin import AuditedModelAdmin
from kundenportal.core.uploads import upload_check

from .models import Certificate, CourseDocument, OnlineLink
from .services import file_metadata_apply


class StoredFileForm(forms.ModelForm):
    """A new file passes the same check as every other upload (``uploads.upload_check``)."""

    upload_allowed: tuple[str, ...] | None = None  # None: DOCUMENT_UPLOAD_EXTENSIONS

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            problems = upload_check(upload, allowed=self.upload_allowed)
            if problems:
                raise forms.ValidationError(problems)
        return upload


class CertificateForm(StoredFileForm):
    upload_allowed = ("pdf",)


class StoredFileAdmin(admin.ModelAdmin):
    form = StoredFileForm
    readonly_fields = ["filename", "content_type", "size"]

    def save_model(self, request, obj, form, change):
        if "file" in form.changed_data and obj.file:
            file_metadata_apply(target=obj, upload=obj.file)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        _delete_files_on_commit([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        _delete_files_on_commit(list(queryset))
        super().delete_queryset(request, queryset)


def _delete_files_on_commit(objects) -> None:
    # The record goes first; the file only once that is committed (a rollback keeps both).
    for obj in objects:
        if obj.file:
            storage, name = obj.file.storage, obj.file.name
            transaction.on_commit(lambda s=storage, n=name: s.delete(n))


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
    form = CertificateForm
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
