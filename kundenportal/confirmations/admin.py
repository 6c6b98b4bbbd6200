""" "Durchführung bestätigen" for the Event admin (changelist action and change-page button).

A mixin, so the events app need not know about mail; ``backoffice/admin.py`` assembles it
with the other parts into the one registered Event admin.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kundenportal.events.models import Event

from .selectors import events_with_confirmation_counts, events_with_held_back_count
from .services import event_confirm


class EventConfirmationMixin:
    """Column ``held_back``, action ``confirm_events``, page ``<id>/bestaetigen/``; its
    change-form template ``admin/confirmations/event/change_form.html`` adds the button."""

    def get_queryset(self, request):
        return events_with_held_back_count(events=super().get_queryset(request))

    @admin.display(description=_("In Prüfung zurückgehalten"), ordering="held_back")
    def held_back(self, obj: Event) -> int:
        return obj.held_back

    def get_urls(self):
        return [
            path(
                "<path:object_id>/bestaetigen/",
                self.admin_site.admin_view(self.confirm_view),
                name="events_event_confirm",
            ),
            *super().get_urls(),
        ]

    def has_confirm_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("events.confirm_event")

    def _confirm(self, request: HttpRequest, events: list[Event]) -> None:
        for event in events:
            try:
                result = event_confirm(event=event, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{event}: {' '.join(exc.messages)}", messages.ERROR)
                continue
            text = ngettext(
                "%(event)s: Durchführung bestätigt, %(mails)d Bestätigung mit Zugangsdaten "
                "in den Versand gegeben.",
                "%(event)s: Durchführung bestätigt, %(mails)d Bestätigungen mit Zugangsdaten "
                "in den Versand gegeben.",
                result.mails,
            ) % {"event": event, "mails": result.mails}
            if result.held_back:
                text += " " + ngettext(
                    "%(count)d Teilnahme wird zurückgehalten, bis die Prüfung ihrer "
                    "Anmeldung abgeschlossen ist.",
                    "%(count)d Teilnahmen werden zurückgehalten, bis die Prüfung ihrer "
                    "Anmeldung abgeschlossen ist.",
                    result.held_back,
                ) % {"count": result.held_back}
            self.message_user(
                request, text, messages.WARNING if result.held_back else messages.SUCCESS
            )

    def _confirm_page(self, request: HttpRequest, events, *, single: bool) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/confirmations/confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Durchführung bestätigen"),
                "opts": self.opts,
                "events": events,
                "single": single,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Durchführung bestätigen"), permissions=["confirm"])
    def confirm_events(self, request: HttpRequest, queryset: QuerySet[Event]):
        if request.POST.get("post") == "yes":
            self._confirm(request, list(queryset))
            return None
        events = events_with_confirmation_counts(events=Event.objects.filter(pk__in=queryset))
        return self._confirm_page(request, list(events), single=False)

    def confirm_view(self, request: HttpRequest, object_id: str):
        if not self.has_confirm_permission(request):
            raise PermissionDenied
        event = get_object_or_404(
            events_with_confirmation_counts(events=Event.objects.all()), pk=object_id
        )
        change_url = reverse("admin:events_event_change", args=[event.pk])
        if request.method == "POST":
            self._confirm(request, [event])
            return HttpResponseRedirect(change_url)
        return self._confirm_page(request, [event], single=True)
