"""A plain back office for documents: upload one file at a time.

(Bulk upload and certificate generation are separate staff workflows.)
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kundenportal.audit.admin import AuditedModelAdmin
from kundenportal.core.files import file_delete_after_commit
from kundenportal.core.formatting import date_text
from kundenportal.core.uploads import upload_check

from .models import Certificate, CourseDocument, OnlineLink
from .services import certificate_reissue, certificate_revoke, file_metadata_apply


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


# A link typed without a scheme is an https link (Django 6's default, already now).
URL_FIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


@admin.register(OnlineLink)
class OnlineLinkAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ["title", "event", "url"]
    search_fields = ["title", "event__number", "event__title"]
    list_select_related = ["event"]
    raw_id_fields = ["event"]


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund des Widerrufs"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nur intern: der Grund steht im Protokoll, nicht auf der Prüfseite."),
        error_messages={"required": _("Bitte geben Sie den Grund des Widerrufs an.")},
    )


class CertificateReissueForm(CertificateRevokeForm):
    file = forms.FileField(
        label=_("Berichtigte Bescheinigung (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        help_text=_(
            "Leer lassen, um die Bescheinigung mit den aktuellen Daten (z. B. nach einer "
            "Namenskorrektur im Konto) neu zu erzeugen."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            errors = upload_check(upload, allowed=("pdf",))
            if errors:
                raise forms.ValidationError(errors)
        return upload or None


@admin.register(Certificate)
class CertificateAdmin(AuditedModelAdmin, StoredFileAdmin):
    # Adding, changing and deleting are logged by AuditedModelAdmin (once each); revocation
    # and re-issue by their services.
    form = CertificateForm
    list_display = ["title", "participation", "issued_on", "validity", "filename"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = [
        "participation__person__username",
        "participation__person__last_name",
        "participation__event__number",
        "verification_code",
    ]
    list_select_related = ["participation__person", "participation__event"]
    raw_id_fields = ["participation"]
    date_hierarchy = "issued_on"
    fields = [
        "participation",
        "title",
        "issued_on",
        "file",
        "filename",
        "content_type",
        "size",
        "verification_code",
        "validity",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
        "replaced_by_link",
        "replaces_link",
    ]
    readonly_fields = [
        *StoredFileAdmin.readonly_fields,
        "verification_code",
        "validity",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
        "replaced_by_link",
        "replaces_link",
    ]
    actions = ["revoke_certificates"]
    change_form_template = "admin/documents/certificate/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.revoked_at is not None:
            # A revoked certificate is a record of what was issued: it is not edited.
            return self.fields
        return super().get_readonly_fields(request, obj)

    @admin.display(description=_("Gültigkeit"), ordering="revoked_at")
    def validity(self, obj):
        if obj.pk is None:
            return "–"
        if obj.revoked_at is None:
            return _("gültig")
        return _("widerrufen am %(day)s") % {
            "day": date_text(timezone.localtime(obj.revoked_at).date())
        }

    def _link(self, certificate):
        if certificate is None:
            return "–"
        url = reverse("admin:documents_certificate_change", args=[certificate.pk])
        return format_html(
            '<a href="{}">{} ({})</a>', url, certificate.verification_code, certificate.issued_on
        )

    @admin.display(description=_("Ersetzt durch"))
    def replaced_by_link(self, obj):
        return self._link(obj.replaced_by if obj.pk else None)

    @admin.display(description=_("Ersetzt die Bescheinigung"))
    def replaces_link(self, obj):
        return self._link(Certificate.objects.filter(replaced_by=obj).first() if obj.pk else None)

    # --- Widerruf und Neuausstellung ---------------------------------------------------------
    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("documents.revoke_certificate")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/widerrufen/",
                wrap(self.revoke_view),
                name="documents_certificate_revoke",
            ),
            path(
                "<path:object_id>/neu-ausstellen/",
                wrap(self.reissue_view),
                name="documents_certificate_reissue",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_revoke"] = self.has_revoke_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(
            request,
            f"admin/documents/certificate/{template}",
            {**self.admin_site.each_context(request), "title": title, "opts": self.opts, **context},
        )

    def _revoke_all(self, request, certificates, reason: str) -> None:
        done = 0
        for certificate in certificates:
            try:
                certificate_revoke(certificate=certificate, reason=reason, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.WARNING)
            else:
                done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d Bescheinigung widerrufen.", "%(count)d Bescheinigungen widerrufen.", done
            )
            % {"count": done},
            messages.SUCCESS if done else messages.INFO,
        )

    @admin.action(description=_("Bescheinigungen widerrufen"), permissions=["revoke"])
    def revoke_certificates(self, request, queryset):
        certificates = list(
            queryset.filter(revoked_at__isnull=True).select_related(
                "participation__person", "participation__event"
            )
        )
        form = CertificateRevokeForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_valid():
            self._revoke_all(request, certificates, form.cleaned_data["reason"])
            return None
        return self._page(
            request,
            "revoke.html",
            _("Bescheinigungen widerrufen"),
            certificates=certificates,
            form=form,
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
            single=False,
        )

    def _certificate(self, request, object_id) -> Certificate:
        if not self.has_revoke_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            Certificate.objects.select_related("participation__person", "participation__event"),
            pk=object_id,
        )

    def revoke_view(self, request, object_id: str):
        certificate = self._certificate(request, object_id)
        form = CertificateRevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            self._revoke_all(request, [certificate], form.cleaned_data["reason"])
            return HttpResponseRedirect(
                reverse("admin:documents_certificate_change", args=[certificate.pk])
            )
        return self._page(
            request,
            "revoke.html",
            _("Bescheinigung widerrufen"),
            certificates=[certificate],
            form=form,
            single=True,
            original=certificate,
        )

    def reissue_view(self, request, object_id: str):
        certificate = self._certificate(request, object_id)
        bound = request.method == "POST"
        form = CertificateReissueForm(*((request.POST, request.FILES) if bound else ()))
        if bound and form.is_valid():
            try:
                new = certificate_reissue(
                    certificate=certificate,
                    reason=form.cleaned_data["reason"],
                    upload=form.cleaned_data["file"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    _(
                        "Berichtigte Bescheinigung %(code)s ausgestellt und per E-Mail "
                        "angekündigt; die bisherige ist widerrufen."
                    )
                    % {"code": new.verification_code},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:documents_certificate_change", args=[new.pk])
                )
        return self._page(
            request,
            "reissue.html",
            _("Bescheinigung berichtigt neu ausstellen"),
            certificate=certificate,
            form=form,
            original=certificate,
        )
