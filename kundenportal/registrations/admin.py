"""Back office for registrations: review, company-change reassignment, waiting list, import."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kundenportal.accounts.models import Person
from kundenportal.audit.admin import AuditedModelAdmin
from kundenportal.companies.models import AddressFields
from kundenportal.core.admin_inlines import LabelledTabularInline
from kundenportal.core.uploads import upload_check
from kundenportal.events.models import Event
from kundenportal.events.presentation import event_date_range, event_place
from kundenportal.events.selectors import events_with_free_seats

from .customer_import import customers_import
from .models import Participation, Registration
from .rebooking import events_same_course, participation_rebook
from .selectors import CompanyChange, registrations_pending_review_count
from .services.corrections import (
    CompanyChangeUnconfirmed,
    participation_cancel,
    participation_promote,
    participation_reassign,
    registration_review_complete,
)


class ParticipationInline(LabelledTabularInline):
    model = Participation
    extra = 0
    can_delete = False
    fields = [
        "person_link",
        "username",
        "status",
        "email",
        "confirmation_sent_at",
        "namesakes",
        "reassign",
    ]
    # Status changes go through the actions (waiting list, cancellation): seats and audit.
    readonly_fields = [
        "person_link",
        "username",
        "status",
        "confirmation_sent_at",
        "namesakes",
        "reassign",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Teilnehmer/in"))
    def person_link(self, obj):
        url = reverse("admin:accounts_person_change", args=[obj.person_id])
        return format_html('<a href="{}">{}</a>', url, obj.person.get_full_name())

    @admin.display(description=_("Benutzername"))
    def username(self, obj):
        return obj.person.username

    @admin.display(description=_("Gleichnamige Konten"))
    def namesakes(self, obj):
        """Accounts with the same normalised name: the candidates in a company change."""
        others = (
            Person.objects.filter(name_key=obj.person.name_key, is_staff=False)
            .exclude(pk=obj.person_id)
            .select_related("company")
            .order_by("id")[:5]
        )
        return (
            format_html_join(
                mark_safe("<br>"),
                "{} ({})",
                ((p.username, p.company.name if p.company else "privat") for p in others),
            )
            or "–"
        )

    @admin.display(description=_("Konto"))
    def reassign(self, obj):
        if obj.pk is None or obj.confirmation_sent_at is not None:
            return "–"
        url = reverse("admin:registrations_participation_reassign", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Einem bestehenden Konto zuordnen"))


@admin.register(Registration)
class RegistrationAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = [
        "id",
        "event",
        "correspondence_email",
        "company_name",
        "participant_count",
        "review",
        "created_at",
    ]
    list_filter = ["review", "is_private_address", "event__status"]
    search_fields = [
        "correspondence_email",
        "company_name",
        "event__number",
        "event__title",
        "participations__person__username",
        "participations__person__last_name",
    ]
    list_select_related = ["event"]
    raw_id_fields = ["event"]
    readonly_fields = [
        "event",
        "created_at",
        "consent_at",
        "terms_version",
        "privacy_version",
        "review",
        "reviewed_at",
        "reviewed_by",
        "remarks",
    ]
    fieldsets = [
        (None, {"fields": ["event", "created_at", "review", "remarks"]}),
        (
            _("Anmelder/in und Anschrift"),
            {
                "fields": [
                    "correspondence_email",
                    "company_name",
                    "is_private_address",
                    "street",
                    "postal_code",
                    "city",
                    "country",
                    "phone",
                ]
            },
        ),
        (
            _("Verlauf"),
            {
                "fields": [
                    "consent_at",
                    "terms_version",
                    "privacy_version",
                    "reviewed_at",
                    "reviewed_by",
                ]
            },
        ),
    ]
    inlines = [ParticipationInline]
    actions = ["complete_review"]
    change_list_template = "admin/registrations/registration/change_list.html"
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _participants=Count("participations", filter=~Q(participations__status="cancelled"))
            )
        )

    def has_add_permission(self, request):
        # Registrations come from the public form or the import.
        return False

    def has_delete_permission(self, request, obj=None):
        # Participations are cancelled (the seat frees, the record stays for accounting);
        # deleting a person's data is the privacy workflow's job.
        return False

    @admin.display(description=_("Personen"), ordering="_participants")
    def participant_count(self, obj):
        return obj._participants

    @admin.action(description=_("Prüfung abschließen"), permissions=["change"])
    def complete_review(self, request, queryset):
        done = 0
        for registration in queryset.filter(review=Registration.Review.PENDING):
            registration_review_complete(registration=registration, actor=request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "Prüfung bei %(count)d Anmeldung abgeschlossen.",
                "Prüfung bei %(count)d Anmeldungen abgeschlossen.",
                done,
            )
            % {"count": done},
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "pending_review_count": registrations_pending_review_count(),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self):
        return [
            path(
                "kunden-importieren/",
                self.admin_site.admin_view(self.import_view),
                name="registrations_import_customers",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload of existing customers (same rules as ``manage.py import_customers``)."""
        if not request.user.has_perm("registrations.import_customers"):
            raise PermissionDenied
        report = None
        form = CustomerImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            report = customers_import(
                data=form.cleaned_data["file"].read(),
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            if report.imported:
                messages.success(request, report.summary)
            else:
                messages.error(request, _("Die Datei enthält Fehler. Es wurde nichts importiert."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Bestandskunden importieren"),
            "form": form,
            "report": report,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/registrations/import_customers.html", context)


class CustomerImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-Datei"),
        help_text=(
            "UTF-8, Trennzeichen „;“, Kopfzeile vorname;nachname;email;firma;strasse;plz;ort, "
            "optional ;veranstaltungsnummer;titel;erster_tag;letzter_tag (TT.MM.JJJJ)."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Nur prüfen (Probelauf, nichts speichern)"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        problems = upload_check(upload, allowed=("csv", "txt"))
        if problems:
            raise forms.ValidationError(problems)
        return upload


class ReassignForm(forms.Form):
    username = forms.CharField(
        label=_("Benutzername des bestehenden Kontos"),
        max_length=150,
        help_text=_("Zum Beispiel aus der Bemerkung: „bisheriger Benutzername max.mustermann“."),
    )


class RebookForm(forms.Form):
    target = forms.ModelChoiceField(
        label="Neuer Termin",
        queryset=Event.objects.none(),
        empty_label=None,
        help_text=(
            "Andere Termine derselben Veranstaltung (gleicher Titel, gleiches Nummernkürzel), "
            "die noch buchbar sind. Ist der Termin ausgebucht, kommt die Person auf die "
            "Warteliste."
        ),
        error_messages={
            "required": "Bitte wählen Sie den neuen Termin.",
            "invalid_choice": "Bitte wählen Sie einen der angebotenen Termine.",
        },
    )

    def __init__(self, *args, source: Event, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        field.queryset = events_with_free_seats(events_same_course(event=source))
        field.label_from_instance = _rebook_label


def _rebook_label(event: Event) -> str:
    seats = (
        _("%(count)s Plätze frei") % {"count": event.free_seats}
        if event.free_seats
        else _("ausgebucht – Warteliste")
    )
    return f"{event.number}, {event_date_range(event)}, {event_place(event)} ({seats})"


@admin.register(Participation)
class ParticipationAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ["person", "event", "status", "registration_review", "confirmation_sent_at"]
    list_filter = ["status", "registration__review"]
    search_fields = ["person__username", "person__last_name", "event__number"]
    list_select_related = ["person", "event", "registration"]
    raw_id_fields = ["person", "event", "registration"]
    readonly_fields = [
        "person",
        "event",
        "registration",
        "status",
        "confirmation_sent_at",
        "rebooked_from",
    ]
    actions = ["promote_from_waiting_list", "cancel", "rebook"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Prüfung der Anmeldung"), ordering="registration__review")
    def registration_review(self, obj):
        return obj.registration.get_review_display()

    def _each(self, request, participations, service) -> int:
        """Run ``service`` per participation; refusals are shown, the rest go on."""
        done = 0
        for participation in participations:
            try:
                service(participation=participation, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.WARNING)
            else:
                done += 1
        return done

    @admin.action(description=_("Von Warteliste nachrücken"), permissions=["change"])
    def promote_from_waiting_list(self, request, queryset):
        moved = self._each(
            request,
            queryset.filter(status=Participation.Status.WAITLISTED).order_by("created_at", "id"),
            participation_promote,
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d Teilnahme von der Warteliste nachgerückt.",
                "%(count)d Teilnahmen von der Warteliste nachgerückt.",
                moved,
            )
            % {"count": moved},
        )

    @admin.action(description=_("Stornieren (Platz wird frei)"), permissions=["change"])
    def cancel(self, request, queryset):
        cancelled = self._each(
            request, queryset.exclude(status=Participation.Status.CANCELLED), participation_cancel
        )
        waiting = Participation.objects.filter(
            event__in=queryset.values("event"), status=Participation.Status.WAITLISTED
        ).count()
        note = (
            " "
            + ngettext(
                "%(count)d Person steht auf der Warteliste.",
                "%(count)d Personen stehen auf der Warteliste.",
                waiting,
            )
            % {"count": waiting}
            if waiting
            else ""
        )
        self.message_user(
            request,
            ngettext("%(count)d Teilnahme storniert.", "%(count)d Teilnahmen storniert.", cancelled)
            % {"count": cancelled}
            + note,
        )

    def has_rebook_permission(self, request) -> bool:
        return request.user.has_perm("registrations.rebook_participation")

    @admin.action(description=_("Auf anderen Termin umbuchen"), permissions=["rebook"])
    def rebook(self, request, queryset):
        """Move the selected participations of one event to another run of the course."""
        participations = list(
            queryset.select_related("person", "event").order_by("created_at", "id")
        )
        events = {p.event_id for p in participations}
        if len(events) != 1:
            self.message_user(
                request,
                _("Bitte wählen Sie Teilnahmen einer einzigen Veranstaltung zum Umbuchen."),
                messages.WARNING,
            )
            return None
        source = participations[0].event
        form = RebookForm(
            request.POST if request.POST.get("post") == "yes" else None, source=source
        )
        if form.is_valid():
            target = form.cleaned_data["target"]
            moved = waitlisted = waiting = 0
            for participation in participations:
                try:
                    result = participation_rebook(
                        participation=participation, target=target, actor=request.user
                    )
                except ValidationError as exc:
                    self.message_user(
                        request,
                        f"{participation.person.get_full_name()}: {' '.join(exc.messages)}",
                        messages.WARNING,
                    )
                    continue
                moved += 1
                waitlisted += result.waitlisted
                # The service counted the source's waiting list after this move.
                waiting = result.waiting_at_source
            if moved:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d Teilnahme auf %(target)s umgebucht, davon %(waiting)d "
                        "auf die Warteliste. Die Korrespondenzadresse erhält eine E-Mail.",
                        "%(count)d Teilnahmen auf %(target)s umgebucht, davon %(waiting)d "
                        "auf die Warteliste. Die Korrespondenzadressen erhalten eine E-Mail.",
                        moved,
                    )
                    % {"count": moved, "target": target.number, "waiting": waitlisted}
                    + (
                        " "
                        + ngettext(
                            "Für %(source)s wartet %(count)d Person auf einen Platz.",
                            "Für %(source)s warten %(count)d Personen auf einen Platz.",
                            waiting,
                        )
                        % {"source": source.number, "count": waiting}
                        if waiting
                        else ""
                    ),
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Auf anderen Termin umbuchen",
            "participations": participations,
            "source": source,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/registrations/rebook.html", context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/zuordnen/",
                self.admin_site.admin_view(self.reassign_view),
                name="registrations_participation_reassign",
            ),
            *super().get_urls(),
        ]

    def reassign_view(self, request, pk: int):
        """The company-change case: attach the participation to the person's old account.

        When the booking's company or address differ from the account's, the second step
        shows both side by side; only the confirmed form moves the account.
        """
        participation = get_object_or_404(
            Participation.objects.select_related("person", "event", "registration"), pk=pk
        )
        if not self.has_change_permission(request, participation):
            raise PermissionDenied
        form = ReassignForm(request.POST or None)
        change = target = None
        if request.method == "POST" and form.is_valid():
            confirmed = request.POST.get("company_change") == "confirm"
            try:
                participation, deleted = participation_reassign(
                    participation=participation,
                    username=form.cleaned_data["username"],
                    actor=request.user,
                    company_change_confirmed=confirmed,
                )
            except CompanyChangeUnconfirmed as exc:
                change = exc.change
                target = Person.objects.select_related("company").get(
                    username=form.cleaned_data["username"].strip().lower()
                )
            except ValidationError as exc:
                form.add_error("username", exc)
            else:
                note = (
                    " " + _("Das bei der Anmeldung neu angelegte Konto wurde gelöscht.")
                    if deleted
                    else " "
                    + _(
                        "Das bei der Anmeldung angelegte Konto bleibt bestehen "
                        "(es enthält weitere Daten)."
                    )
                )
                if confirmed:
                    note += " " + _(
                        "Das Konto hat die Firma und die Anschrift der Anmeldung übernommen."
                    )
                messages.success(
                    request,
                    _("Die Teilnahme gehört jetzt zum Konto %(username)s.")
                    % {"username": participation.person.username}
                    + note,
                )
                return redirect(
                    "admin:registrations_registration_change", participation.registration_id
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Teilnehmer/in einem bestehenden Konto zuordnen"),
            "participation": participation,
            "form": form,
            "opts": self.model._meta,
        }
        if change is not None:
            context.update(
                title=_("Firmenwechsel bestätigen"),
                target=target,
                change=change,
                rows=_company_change_rows(target, change),
            )
        return TemplateResponse(request, "admin/registrations/reassign.html", context)


def _company_change_rows(person: Person, change: CompanyChange) -> list[dict]:
    """The account's data and the booking's, row by row, for the side-by-side view."""
    stored_company = person.company.name if person.company else ""
    rows = [
        {
            "label": _("Firma"),
            "stored": stored_company or _("privat"),
            "proposed": change.company_name or _("privat"),
            "differs": change.company_differs,
        }
    ]
    for field in AddressFields.ADDRESS_FIELDS:
        rows.append(
            {
                "label": AddressFields._meta.get_field(field).verbose_name,
                "stored": getattr(person, field),
                "proposed": change.address[field],
                "differs": field in change.address_fields,
            }
        )
    rows.append(
        {
            "label": _("E-Mail-Adresse"),
            "stored": person.email,
            "proposed": change.email,
            "differs": bool(change.email) and change.email.lower() != person.email.lower(),
        }
    )
    return rows
