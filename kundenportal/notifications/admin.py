from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kundenportal.audit.admin import AuditedModelAdmin

from .models import OutboxMail
from .services import outbox_requeue


@admin.register(OutboxMail)
class OutboxMailAdmin(AuditedModelAdmin, admin.ModelAdmin):
    # A row holds names and addresses: its deletion (page or "delete selected") and the
    # actions are logged like those on any other personal data.
    list_display = [
        "created_at",
        "template",
        "recipients",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["status", "template"]
    search_fields = ["dedupe_key", "template"]
    readonly_fields = [f.name for f in OutboxMail._meta.fields if f.name != "nonce"]
    exclude = ["nonce"]
    actions = ["requeue"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Rows change only through the worker and the "Erneut senden" action.
        return False

    def audit_target(self, obj: OutboxMail) -> dict:
        # Not the addresses: the entry outlives the mail, and an erasure would not find it.
        ids = obj.context.get("person_ids") or [obj.context.get("person_id")]
        return {
            "object_type": obj._meta.label_lower,
            "object_id": str(obj.pk),
            "object_label": f"E-Mail {obj.template} Nr. {obj.pk}",
            "data": {
                "template": obj.template,
                "status": obj.status,
                "recipients": len(obj.to),
                "person_ids": [i for i in ids if i],
            },
        }

    @admin.display(description=_("Empfänger"))
    def recipients(self, obj: OutboxMail) -> str:
        return ", ".join(obj.to)

    @admin.display(description=_("Letzter Fehler"))
    def short_error(self, obj: OutboxMail) -> str:
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    def has_requeue_permission(self, request) -> bool:
        return request.user.has_perm("notifications.change_outboxmail")

    @admin.action(description=_("Erneut senden"), permissions=["requeue"])
    def requeue(self, request, queryset: QuerySet[OutboxMail]):
        count = outbox_requeue(mails=list(queryset), actor=request.user)
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext(
                "%(count)d E-Mail erneut in den Versand gegeben.",
                "%(count)d E-Mails erneut in den Versand gegeben.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        if skipped > 0:
            self.message_user(
                request,
                ngettext(
                    "%(count)d E-Mail übersprungen: nur fehlgeschlagene oder entfallene "
                    "E-Mails können erneut gesendet werden.",
                    "%(count)d E-Mails übersprungen: nur fehlgeschlagene oder entfallene "
                    "E-Mails können erneut gesendet werden.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
