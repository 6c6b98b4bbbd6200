"""The back office's admin: the one place where the Event and the Person admin are assembled.

Each app below brings its part — a base with fields and lists (``events``, ``accounts``) and
mixins with workflows (``confirmations``: "Durchführung bestätigen"; ``privacy``: merge,
deletion, credentials; this module: "Teilnahme erfassen", "Veranstaltung absagen",
"Unterlagen hochladen", "Bescheinigungen erzeugen", "Bescheinigung hochladen", the event's
online links and documents inline; the lists and files staff download are views in
``downloads.py`` that this module only wires to URLs). Only this module registers them, once each, so the order
of ``INSTALLED_APPS`` decides nothing.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kundenportal.accounts.admin import PersonAdmin as PersonAdminBase
from kundenportal.accounts.models import Person
from kundenportal.audit.admin import audit_list_view
from kundenportal.confirmations.admin import EventConfirmationMixin
from kundenportal.core.admin_inlines import LabelledTabularInline
from kundenportal.core.text import number_or_none
from kundenportal.core.uploads import allowed_extensions
from kundenportal.documents.admin import URL_FIELD_OVERRIDES
from kundenportal.documents.models import CourseDocument, OnlineLink
from kundenportal.documents.services import (
    certificate_upload,
    certificates_generate,
    course_documents_upload,
)
from kundenportal.events.admin import EventAdmin as EventAdminBase
from kundenportal.events.models import Event
from kundenportal.privacy.admin import PasswordStateFilter, PersonPrivacyMixin
from kundenportal.registrations.models import Participation

from . import downloads
from .forms import CertificateUploadForm, CourseDocumentsUploadForm
from .selectors import attendance_list, event_certificate_counts, events_with_cancel_counts
from .services import attendance_record, event_cancel, event_has_begun
from .work_queue import EventWorkFilter


class OnlineLinkInline(LabelledTabularInline):
    model = OnlineLink
    formfield_overrides = URL_FIELD_OVERRIDES
    extra = 0
    fields = ["title", "url", "note"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            # Staff paste full links; a bare host is taken as https (Django 6's default).
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CourseDocumentInline(LabelledTabularInline):
    """The event's documents, to see and open; new ones come through "Unterlagen hochladen"
    (several at once), deletion through the document's own page (which also deletes the
    file)."""

    model = CourseDocument
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["title", "filename", "file_size", "uploaded_at"]
    readonly_fields = ["title", "filename", "file_size", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Größe"))
    def file_size(self, obj):
        return filesizeformat(obj.size)


class EventBackofficeMixin:
    """Actions ``cancel_events``, ``generate_certificates`` and the event's pages; the
    template ``admin/backoffice/event/change_form.html`` adds the buttons."""

    def get_urls(self):
        def view(fn, suffix, route):
            return path(
                f"<path:object_id>/{route}/",
                self.admin_site.admin_view(fn),
                name=f"events_event_{suffix}",
            )

        participants = self.has_export_participants_permission
        files = [
            (downloads.attendance_pdf, participants, "attendance_pdf", "anwesenheitsliste.pdf"),
            (downloads.participants_csv, participants, "participants_csv", "teilnehmer.csv"),
            (downloads.participants_xlsx, participants, "participants_xlsx", "teilnehmer.xlsx"),
            (
                downloads.certificates_zip,
                self.has_export_certificates_permission,
                "certificates_zip",
                "bescheinigungen.zip",
            ),
        ]
        return [
            view(self.attendance_view, "attendance", "teilnahme"),
            view(self.cancel_view, "cancel", "absagen"),
            view(self.documents_upload_view, "documents_upload", "unterlagen"),
            view(self.certificates_view, "certificates", "bescheinigungen"),
            *(view(self._download(fn, perm), suffix, route) for fn, perm, suffix, route in files),
            path(
                "<path:object_id>/bescheinigungen/<int:participation_id>/hochladen/",
                self.admin_site.admin_view(self.certificate_upload_view),
                name="events_event_certificate_upload",
            ),
            *super().get_urls(),
        ]

    # --- permissions -------------------------------------------------------------------
    # Each page and action its own permission (backoffice/roles.py).
    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("events.cancel_event")

    def has_attendance_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("events.record_attendance")

    def has_documents_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request) and request.user.has_perm(
            "documents.add_coursedocument"
        )

    def has_certificates_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request) and request.user.has_perm(
            "documents.add_certificate"
        )

    def has_export_participants_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request) and request.user.has_perm(
            "registrations.export_participants"
        )

    def has_export_certificates_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request) and request.user.has_perm(
            "documents.export_certificates"
        )

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_export_participants"] = self.has_export_participants_permission(request)
        context["can_export_certificates"] = self.has_export_certificates_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def _event(self, request: HttpRequest, object_id: str, *, perm: bool) -> Event:
        if not perm:
            raise PermissionDenied
        return get_object_or_404(Event, pk=object_id)

    def _page(self, request, template: str, title: str, event: Event | None, **context):
        return TemplateResponse(
            request,
            f"admin/backoffice/{template}",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.opts,
                "event": event,
                **context,
            },
        )

    def _change_url(self, event: Event) -> str:
        return reverse("admin:events_event_change", args=[event.pk])

    # --- Teilnahme erfassen ---------------------------------------------------------------
    def attendance_view(self, request: HttpRequest, object_id: str):
        event = self._event(request, object_id, perm=self.has_attendance_permission(request))
        if request.method == "POST":
            try:
                attended = {number_or_none(v) for v in request.POST.getlist("attended")} - {None}
                result = attendance_record(event=event, attended_ids=attended, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return HttpResponseRedirect(self._change_url(event))
            self.message_user(
                request,
                _(
                    "Teilnahme gespeichert: %(marked)d als teilgenommen erfasst, "
                    "%(unmarked)d zurückgenommen."
                )
                % {"marked": result.marked, "unmarked": result.unmarked},
                messages.SUCCESS,
            )
            if result.kept_with_certificate:
                self.message_user(
                    request,
                    _(
                        "Bleibt als teilgenommen erfasst, weil bereits eine Bescheinigung "
                        "existiert (löschen Sie zuerst die Bescheinigung): %(names)s"
                    )
                    % {"names": ", ".join(result.kept_with_certificate)},
                    messages.WARNING,
                )
            return HttpResponseRedirect(reverse("admin:events_event_attendance", args=[event.pk]))
        participations = list(attendance_list(event=event))
        audit_list_view(
            request,
            object_type="registrations.participation",
            count=len(participations),
            page="attendance",
            event_id=event.pk,
        )
        return self._page(
            request,
            "attendance.html",
            _("Teilnahme erfassen"),
            event,
            participations=participations,
            has_begun=event_has_begun(event),
            can_certify=self.has_certificates_permission(request),
        )

    # --- Veranstaltung absagen --------------------------------------------------------------
    def _cancel(self, request: HttpRequest, events: list[Event]) -> None:
        for event in events:
            try:
                result = event_cancel(event=event, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                continue
            if not result.newly_cancelled and not result.participations:
                self.message_user(
                    request, _("%(event)s war bereits abgesagt.") % {"event": event}, messages.INFO
                )
                continue
            self.message_user(
                request,
                _("%(event)s abgesagt: %(cancelled)s, %(mailed)s.")
                % {
                    "event": event,
                    "cancelled": ngettext(
                        "%(count)d Teilnahme storniert",
                        "%(count)d Teilnahmen storniert",
                        result.participations,
                    )
                    % {"count": result.participations},
                    "mailed": ngettext(
                        "%(count)d Absage-E-Mail in den Versand gegeben",
                        "%(count)d Absage-E-Mails in den Versand gegeben",
                        result.mails,
                    )
                    % {"count": result.mails},
                },
                messages.SUCCESS,
            )

    def _cancel_page(self, request, events, *, single: bool):
        return self._page(
            request,
            "cancel.html",
            _("Veranstaltung absagen"),
            events[0] if single else None,
            events=events,
            single=single,
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
        )

    @admin.action(description=_("Veranstaltung absagen"), permissions=["cancel"])
    def cancel_events(self, request: HttpRequest, queryset: QuerySet[Event]):
        if request.POST.get("post") == "yes":
            self._cancel(request, list(queryset))
            return None
        return self._cancel_page(
            request,
            list(events_with_cancel_counts(events=Event.objects.filter(pk__in=queryset))),
            single=False,
        )

    def cancel_view(self, request: HttpRequest, object_id: str):
        event = self._event(request, object_id, perm=self.has_cancel_permission(request))
        if request.method == "POST":
            self._cancel(request, [event])
            return HttpResponseRedirect(self._change_url(event))
        events = list(events_with_cancel_counts(events=Event.objects.filter(pk=event.pk)))
        return self._cancel_page(request, events, single=True)

    # --- Unterlagen hochladen ---------------------------------------------------------------
    def documents_upload_view(self, request: HttpRequest, object_id: str):
        event = self._event(
            request,
            object_id,
            perm=self.has_documents_permission(request),
        )
        bound = request.method == "POST"
        form = CourseDocumentsUploadForm(*((request.POST, request.FILES) if bound else ()))
        if bound and form.is_valid():
            try:
                documents = course_documents_upload(
                    event=event, uploads=form.cleaned_data["files"], actor=request.user
                )
            except ValidationError as exc:
                form.add_error("files", exc)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d Unterlage für %(event)s gespeichert: %(names)s",
                        "%(count)d Unterlagen für %(event)s gespeichert: %(names)s",
                        len(documents),
                    )
                    % {
                        "count": len(documents),
                        "event": event.number,
                        "names": ", ".join(d.filename for d in documents),
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(event))
        return self._page(
            request,
            "documents_upload.html",
            _("Unterlagen hochladen"),
            event,
            form=form,
            extensions=", ".join(allowed_extensions()),
            max_size=settings.DOCUMENT_UPLOAD_MAX_BYTES,
            documents=list(event.documents.order_by("title", "id")),
        )

    # --- Bescheinigungen --------------------------------------------------------------------
    def _generate(self, request: HttpRequest, events: list[Event]) -> None:
        for event in events:
            try:
                result = certificates_generate(event=event, actor=request.user)
            except ValidationError as exc:
                self.message_user(
                    request, f"{event.number}: {' '.join(exc.messages)}", messages.ERROR
                )
                continue
            self.message_user(
                request,
                ngettext(
                    "%(event)s: %(created)d Bescheinigung erzeugt und per E-Mail angekündigt; "
                    "%(present)d waren bereits vorhanden.",
                    "%(event)s: %(created)d Bescheinigungen erzeugt und per E-Mail "
                    "angekündigt; %(present)d waren bereits vorhanden.",
                    result.created,
                )
                % {
                    "event": event.number,
                    "created": result.created,
                    "present": result.already_present,
                },
                messages.SUCCESS if result.created else messages.INFO,
            )

    @admin.action(description=_("Bescheinigungen erzeugen"), permissions=["certificates"])
    def generate_certificates(self, request: HttpRequest, queryset: QuerySet[Event]):
        self._generate(request, list(queryset))

    def certificates_view(self, request: HttpRequest, object_id: str):
        event = self._event(request, object_id, perm=self.has_certificates_permission(request))
        if request.method == "POST":
            self._generate(request, [event])
            return HttpResponseRedirect(self._change_url(event))
        counts = event_certificate_counts(event=event)
        return self._page(
            request,
            "certificates.html",
            _("Bescheinigungen erzeugen"),
            event,
            counts=counts,
            missing=counts["attended"] - counts["with_certificate"],
        )

    def certificate_upload_view(self, request: HttpRequest, object_id: str, participation_id: int):
        event = self._event(request, object_id, perm=self.has_certificates_permission(request))
        participation = get_object_or_404(
            Participation.objects.select_related("person"), pk=participation_id, event=event
        )
        bound = request.method == "POST"
        form = CertificateUploadForm(*((request.POST, request.FILES) if bound else ()))
        if bound and form.is_valid():
            try:
                certificate_upload(
                    participation=participation,
                    upload=form.cleaned_data["file"],
                    issued_on=form.cleaned_data["issued_on"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    _("Bescheinigung für %(name)s gespeichert und per E-Mail angekündigt.")
                    % {"name": participation.person.get_full_name()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:events_event_attendance", args=[event.pk])
                )
        return self._page(
            request,
            "certificate_upload.html",
            _("Bescheinigung hochladen"),
            event,
            form=form,
            participation=participation,
        )

    # --- Listen und Downloads (the views are in downloads.py) ----------------------------
    def _download(self, fn, has_permission):
        """The download view ``fn`` for one event, once the permission is checked."""

        def view(request: HttpRequest, object_id: str):
            event = self._event(request, object_id, perm=has_permission(request))
            return fn(request, event=event)

        return view


# --- assembly: the one registered admin per model ---------------------------------------------
@admin.register(Event)
class EventAdmin(EventBackofficeMixin, EventConfirmationMixin, EventAdminBase):
    list_display = [*EventAdminBase.list_display, "held_back"]
    list_filter = [*EventAdminBase.list_filter, EventWorkFilter]
    actions = ["confirm_events", "cancel_events", "generate_certificates"]
    inlines = [OnlineLinkInline, CourseDocumentInline]
    # Extends the confirmations' template, which extends the admin's.
    change_form_template = "admin/backoffice/event/change_form.html"


@admin.register(Person)
class PersonAdmin(PersonPrivacyMixin, PersonAdminBase):
    list_display = [*PersonAdminBase.list_display, "last_login"]
    list_filter = [*PersonAdminBase.list_filter, PasswordStateFilter]
    actions = ["merge_accounts", "delete_accounts", "resend_credentials"]
    change_form_template = "admin/privacy/person/change_form.html"
    change_list_template = "admin/privacy/person/change_list.html"
