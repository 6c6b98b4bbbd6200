"""Back office for accounts and personal data: deletion requests, and on the Person admin the
actions "Konten zusammenführen", "Konto löschen" and "Zugangsdaten erneut senden".

The Person admin's part is a mixin, so the accounts app need not know about participations,
certificates or mail; ``backoffice/admin.py`` assembles it into the one registered Person admin.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kundenportal.accounts.addresses import address_for_secrets
from kundenportal.accounts.models import Person
from kundenportal.audit.admin import AuditedModelAdmin, audit_list_view

from .credentials import credentials_resend
from .erasure import account_delete, account_deletion_plan
from .guards import staff_refusal
from .merge import accounts_for_usernames, accounts_merge, usernames_parse
from .models import DeletionRequest
from .selectors import accounts_merge_preview, events_booked_twice


class MergeForm(forms.Form):
    usernames = forms.CharField(
        label=_("Benutzernamen der Konten"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 50}),
        help_text=_(
            "Die Benutzernamen, die die Person nennt (FAQ: „Halten Sie dafür bitte Ihre "
            "zusammenzuführenden Benutzernamen bereit“), getrennt durch Komma oder Zeilenumbruch."
        ),
    )
    survivor = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_usernames(self) -> list[str]:
        names = usernames_parse(self.cleaned_data["usernames"])
        if len(names) < 2:
            raise ValidationError(
                _("Bitte geben Sie mindestens zwei verschiedene Benutzernamen an.")
            )
        try:
            self.accounts = accounts_for_usernames(usernames=names)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        for account in self.accounts:
            staff_refusal(account)
        return names


class PasswordStateFilter(admin.SimpleListFilter):
    title = _("Zugang")
    parameter_name = "zugang"

    def lookups(self, request, model_admin):
        return [
            ("eigenes", _("Eigenes Passwort gesetzt")),
            ("initial", _("Initialpasswort versandt, noch kein eigenes")),
            ("keiner", _("Noch keine Zugangsdaten")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "eigenes":
            return queryset.filter(own_password_set_at__isnull=False)
        if value == "initial":
            return queryset.filter(own_password_set_at__isnull=True).exclude(initial_password="")
        if value == "keiner":
            return queryset.filter(own_password_set_at__isnull=True, initial_password="")
        return queryset


class PersonPrivacyMixin:
    """Actions ``merge_accounts``, ``delete_accounts``, ``resend_credentials`` and their pages;
    the templates ``admin/privacy/person/change_form.html`` and ``change_list.html`` add the
    buttons, ``PasswordStateFilter`` the filter "Zugang"."""

    def has_delete_permission(self, request, obj=None):
        # An account is deleted only through "Konto löschen": the plain admin delete would
        # leave certificate files, outbox mails, sessions and names in booking records.
        return False

    def has_privacy_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.delete_person") and request.user.has_perm(
            "accounts.change_person"
        )

    def has_credentials_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.send_credentials")

    def has_merge_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.merge_person")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("zusammenfuehren/", view(self.merge_view), name="accounts_person_merge"),
            path(
                "<int:pk>/loeschen-auf-antrag/",
                view(self.delete_view_on_request),
                name="accounts_person_erase",
            ),
            path(
                "<int:pk>/zugangsdaten/",
                view(self.credentials_view),
                name="accounts_person_credentials",
            ),
            *super().get_urls(),
        ]

    def _person(self, request: HttpRequest, pk: int) -> Person:
        """The account a page works on; one the user may not change (a staff account, for
        anyone but a superuser) is refused before anything is shown."""
        person = get_object_or_404(Person, pk=pk)
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        return person

    # --- merge ---------------------------------------------------------------------------

    @admin.action(description=_("Konten zusammenführen"), permissions=["merge"])
    def merge_accounts(self, request, queryset):
        names = ",".join(queryset.order_by("pk").values_list("username", flat=True))
        url = reverse("admin:accounts_person_merge") + "?" + urlencode({"usernames": names})
        return HttpResponseRedirect(url)

    def merge_view(self, request: HttpRequest):
        """Staff type the usernames the person tells them by phone, see the accounts side by
        side, choose the one that stays, then merge."""
        if not self.has_merge_permission(request):
            raise PermissionDenied
        rows, twice = None, []
        if request.method == "POST":
            form = MergeForm(request.POST)
            if form.is_valid():
                rows = accounts_merge_preview(persons=form.accounts)
                twice = events_booked_twice(rows=rows)
                audit_list_view(
                    request,
                    object_type="accounts.person",
                    count=len(rows),
                    page="merge",
                    ids=[row.pk for row in rows],
                )
                survivor = form.cleaned_data["survivor"]
                if "merge" in request.POST:
                    if survivor not in form.cleaned_data["usernames"]:
                        form.add_error(None, _("Bitte wählen Sie das Konto, das bestehen bleibt."))
                    else:
                        try:
                            result = accounts_merge(
                                survivor_username=survivor,
                                usernames=form.cleaned_data["usernames"],
                                actor=request.user,
                            )
                        except ValidationError as exc:
                            form.add_error(None, exc)
                        else:
                            self._merge_messages(request, result)
                            return redirect("admin:accounts_person_change", result.survivor.pk)
        else:
            form = MergeForm(
                initial={"usernames": request.GET.get("usernames", "").replace(",", "\n")}
            )
        suggested = ""
        if rows:
            # Suggest the account the person uses: own password, latest login, most history.
            best = max(
                rows,
                key=lambda r: (
                    r.has_own_password,
                    r.last_login.timestamp() if r.last_login else 0,
                    r.participation_count,
                    -r.pk,
                ),
            )
            suggested = request.POST.get("survivor") or best.username
        context = {
            **self.admin_site.each_context(request),
            "title": _("Konten zusammenführen"),
            "opts": self.opts,
            "form": form,
            "rows": rows,
            "twice": twice,
            "suggested": suggested,
        }
        return TemplateResponse(request, "admin/privacy/person/merge.html", context)

    def _merge_messages(self, request, result) -> None:
        moved = ", ".join(f"{count} {label}" for label, count in result.moved.items()) or _(
            "keine Daten"
        )
        self.message_user(
            request,
            _(
                "Konten zusammengeführt: %(merged)s in %(survivor)s (übernommen: %(moved)s). Die "
                "zusammengeführten Konten wurden gelöscht, ihre Sitzungen beendet; ihre "
                "Benutzernamen werden nie wieder vergeben."
            )
            % {
                "merged": ", ".join(result.merged_usernames),
                "survivor": result.survivor.username,
                "moved": moved,
            },
            messages.SUCCESS,
        )
        for duplicate in result.duplicates:
            self.message_user(
                request,
                _(
                    "%(event)s war in beiden Konten gebucht: behalten wurde die Teilnahme von "
                    "%(kept)s (%(kept_status)s), entfernt die von %(removed)s (%(removed_status)s)."
                )
                % {
                    "event": duplicate.event,
                    "kept": duplicate.kept_username,
                    "kept_status": duplicate.kept_status,
                    "removed": duplicate.removed_username,
                    "removed_status": duplicate.removed_status,
                },
                messages.WARNING,
            )
        if not result.survivor.has_own_password:
            self.message_user(
                request,
                _(
                    "Das Konto %(username)s hat noch kein eigenes Passwort: die Zugangsdaten kommen mit der "
                    "nächsten Durchführungsbestätigung, oder Sie senden sie mit „Zugangsdaten "
                    "erneut senden“."
                )
                % {"username": result.survivor.username},
                messages.INFO,
            )

    # --- delete on request -----------------------------------------------------------------

    @admin.action(description=_("Konto löschen (auf Antrag)"), permissions=["privacy"])
    def delete_accounts(self, request, queryset):
        return deletion_confirm(self, request, list(queryset.order_by("last_name", "pk")))

    def delete_view_on_request(self, request: HttpRequest, pk: int):
        if not self.has_privacy_permission(request):
            raise PermissionDenied
        person = self._person(request, pk)
        if request.method == "POST" and request.POST.get("post") == "yes":
            if deletion_run(self, request, [person]):
                return redirect("admin:accounts_person_changelist")
            return redirect("admin:accounts_person_change", pk)
        return deletion_page(self, request, [person], single=True)

    # --- credentials -----------------------------------------------------------------------

    @admin.action(description=_("Zugangsdaten erneut senden"), permissions=["credentials"])
    def resend_credentials(self, request, queryset):
        for person in queryset.order_by("pk"):
            self._resend(request, person)

    def credentials_view(self, request: HttpRequest, pk: int):
        if not self.has_credentials_permission(request):
            raise PermissionDenied
        person = self._person(request, pk)
        if request.method == "POST":
            self._resend(request, person)
            return redirect("admin:accounts_person_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Zugangsdaten erneut senden"),
            "opts": self.opts,
            "person": person,
            "mail_to": address_for_secrets(person=person),
        }
        return TemplateResponse(request, "admin/privacy/person/credentials.html", context)

    def _resend(self, request, person: Person) -> None:
        try:
            mail = credentials_resend(person=person, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        kind = (
            _("Benutzername und Hinweis auf das eigene Passwort")
            if person.has_own_password
            else _("ein neues Initialpasswort")
        )
        self.message_user(
            request,
            _("Zugangsdaten für %(username)s (%(kind)s) gehen an %(to)s.")
            % {"username": person.username, "kind": kind, "to": ", ".join(mail.to)},
            messages.SUCCESS,
        )


def deletion_page(model_admin, request, persons: list[Person], *, single: bool):
    plans = [account_deletion_plan(person=p) for p in persons]
    return TemplateResponse(
        request,
        "admin/privacy/person/delete.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("Konto löschen"),
            "opts": model_admin.opts,
            "plans": plans,
            "single": single,
            "deletable": [p for p in plans if not p.refusal],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": request.POST.get("action", ""),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        },
    )


def deletion_run(model_admin, request, persons: list[Person]) -> int:
    done = 0
    for person in persons:
        try:
            result = account_delete(person=person, actor=request.user)
        except ValidationError as exc:
            model_admin.message_user(request, " ".join(exc.messages), messages.ERROR)
            continue
        done += 1
        note = (
            _("Die Bestätigung der Löschung geht an %(to)s.") % {"to": result.mail_sent_to}
            if result.mail_sent_to
            else _(
                "Es ist keine E-Mail-Adresse bekannt: bitte bestätigen Sie die Löschung auf anderem Weg."
            )
        )
        model_admin.message_user(
            request,
            _("Konto Nr. %(pk)s gelöscht.") % {"pk": result.person_id} + " " + note,
            messages.SUCCESS,
        )
    return done


def deletion_confirm(model_admin, request, persons: list[Person]):
    """The admin action's two steps: the page with counts, then "Ja, löschen"."""
    if request.POST.get("post") == "yes":
        deletion_run(model_admin, request, persons)
        return None
    return deletion_page(model_admin, request, persons, single=False)


@admin.register(DeletionRequest)
class DeletionRequestAdmin(AuditedModelAdmin, admin.ModelAdmin):
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
    actions = ["delete_accounts"]

    def has_add_permission(self, request):
        # Requests come from the participants themselves.
        return False

    def has_privacy_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.delete_person") and request.user.has_perm(
            "privacy.change_deletionrequest"
        )

    @admin.action(description=_("Konto löschen"), permissions=["privacy"])
    def delete_accounts(self, request, queryset):
        open_requests = list(
            queryset.filter(
                status=DeletionRequest.Status.OPEN, person__isnull=False
            ).select_related("person")
        )
        if not open_requests:
            self.message_user(
                request,
                _("Keiner der gewählten Anträge ist offen und hat noch ein Konto."),
                messages.WARNING,
            )
            return None
        # Deleting the account marks its open request done (``account_delete``).
        return deletion_confirm(self, request, [r.person for r in open_requests])

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.status != DeletionRequest.Status.OPEN:
            obj.handled_at = timezone.now()
            obj.handled_by = request.user
        super().save_model(request, obj, form, change)
