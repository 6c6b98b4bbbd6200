import json
from functools import wraps

from django.contrib import admin

from .models import AuditEntry
from .services import audit_log, audit_username_hash

# An admin action on many rows keeps the first ids; the count is always complete.
MAX_LOGGED_IDS = 200


def _changed_fields(message) -> list[str]:
    """Field labels from an admin change message (``construct_change_message``)."""
    try:
        parts = json.loads(message) if isinstance(message, str) else message
    except ValueError:
        return []
    fields: list[str] = []
    for part in parts if isinstance(parts, list) else []:
        for verb in ("added", "changed", "deleted"):
            if isinstance(part, dict) and isinstance(part.get(verb), dict):
                fields.extend(part[verb].get("fields", []))
    return fields


class AuditedModelAdmin:
    """Mixin for the admin of a model with personal data: every add, change, delete and
    admin action of staff writes an ``AuditEntry`` in the same transaction.

    Only field NAMES are logged, never values (so no password, hash or token can get into
    the log). Put it before the ModelAdmin base: ``class PersonAdmin(AuditedModelAdmin,
    UserAdmin)``.
    """

    def save_model(self, request, obj, form, change):
        # The form knows the field names; log_addition/log_change (called right after) log.
        request._audit_changed_fields = sorted(getattr(form, "changed_data", []) or [])
        super().save_model(request, obj, form, change)

    def _audit_fields(self, request, message) -> list[str]:
        fields = getattr(request, "_audit_changed_fields", None)
        if fields is not None:
            del request._audit_changed_fields
            return fields
        return _changed_fields(message)

    def log_addition(self, request, obj, message):
        audit_log(
            actor=request.user,
            action="admin.add",
            obj=obj,
            data={"fields": self._audit_fields(request, message)},
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        fields = self._audit_fields(request, message)
        if not fields and message and not _changed_fields(message):
            # E.g. UserAdmin's password form: "Changed password." — a name, no value.
            fields = ["password"] if "password" in str(message).lower() else []
        audit_log(actor=request.user, action="admin.change", obj=obj, data={"fields": fields})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        # Django ≥ 5.1 calls this for the delete page and "delete selected" alike.
        for obj in queryset:
            audit_log(actor=request.user, action="admin.delete", obj=obj)
        return super().log_deletions(request, queryset)

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {
            name: (self._audited_action(func, name), name, description)
            for name, (func, name, description) in actions.items()
        }

    def _audited_action(self, func, name: str):
        opts = self.model._meta

        @wraps(func)
        def action(modeladmin, request, queryset):
            ids = list(queryset.values_list("pk", flat=True)[: MAX_LOGGED_IDS + 1])
            count = len(ids) if len(ids) <= MAX_LOGGED_IDS else queryset.count()
            response = func(modeladmin, request, queryset)
            audit_log(
                actor=request.user,
                action="admin.action",
                object_type=opts.label_lower,
                data={
                    "action": name,
                    "ids": ids[:MAX_LOGGED_IDS],
                    "count": count,
                    # An intermediate page (e.g. "Sind Sie sicher?") was shown, nothing done yet.
                    "confirmation_page": response is not None,
                },
            )
            return response

        return action


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "object_type", "object_label"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_label", "object_id", "action"]
    date_hierarchy = "created_at"
    list_select_related = False

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term and " " not in term:
            # The username of an erased account is kept only as a keyed hash.
            queryset |= self.model.objects.filter(data__username_hash=audit_username_hash(term))
        return queryset, may_have_duplicates

    # The log is evidence: nobody edits or deletes it by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
