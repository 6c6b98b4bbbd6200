import json
from functools import wraps

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from kundenportal.core.text import number_or_none

from .models import AuditEntry
from .services import audit_log, audit_search_hash, audit_username_q

# An admin action on many rows keeps the first ids; the count is always complete.
MAX_LOGGED_IDS = 200


# Query parameters of a list that say nothing about what was looked for (page, order).
_LIST_NOISE = {"p", "o", "_changelist_filters", "e"}
# Typed text (a name, an e-mail, usernames): kept only as a keyed hash, so the log names
# nobody (an erasure could not find the name in an entry that is about no one row).
_FREE_TEXT = {"q", "usernames", "person"}


def audit_list_view(request, *, object_type: str, count: int | None = None, **data) -> None:
    """One entry per view of a list or page with personal data by staff (never one per row):
    who looked, at what (filters; the search as ``audit_search_hash``, which the log's search
    finds), how many rows it had."""
    query, search = {}, {}
    for key in request.GET:
        value = request.GET.getlist(key)[-1]
        if key in _FREE_TEXT:
            if value.strip():
                search[key] = audit_search_hash(value)
        elif key not in _LIST_NOISE:
            query[key] = value[:100]
    audit_log(
        actor=request.user,
        action="admin.view",
        object_type=object_type,
        data={
            "path": request.path[:200],
            "query": query,
            **({"search_hash": search} if search else {}),
            "count": count,
            **data,
        },
    )


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


class ListViewAuditedMixin:
    """Each GET of the admin list (search, filters, raw-id pop-up) writes one ``admin.view``
    entry (``audit_list_view``)."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if request.method == "GET" and changelist is not None:
            audit_list_view(
                request, object_type=self.model._meta.label_lower, count=changelist.result_count
            )
        return response


class AuditedModelAdmin(ListViewAuditedMixin):
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

    def audit_target(self, obj) -> dict:
        """What a deletion's entry says about the row (``audit_log`` keywords). By default the
        row's own label; an admin whose rows are no one's record (an outbox mail) says less."""
        return {"obj": obj}

    def log_deletions(self, request, queryset):
        # Django ≥ 5.1 calls this for the delete page and "delete selected" alike.
        for obj in queryset:
            audit_log(actor=request.user, action="admin.delete", **self.audit_target(obj))
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


class PersonFilter(admin.ListFilter):
    """Entries about one person: the account itself, whatever hangs on it (participations,
    address changes, requests, and their certificates …, found through the model's relations),
    and what the person did. Typed, not chosen: there are tens of thousands of accounts."""

    title = _("Person (Benutzername oder Nr.)")
    parameter_name = "person"
    template = "admin/audit/input_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        value = params.pop(self.parameter_name, "")
        self.value = (value[-1] if isinstance(value, list) else value).strip()

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name]

    def choices(self, changelist):
        yield {
            "value": self.value,
            "parameter_name": self.parameter_name,
            "reset_url": changelist.get_query_string(remove=[self.parameter_name]),
            # The other filters and the search stay as they are.
            "hidden": [
                (key, value)
                for key, value in changelist.params.items()
                if key != self.parameter_name
            ],
        }

    def queryset(self, request, queryset):
        if not self.value:
            return queryset
        Person = get_user_model()
        pk = number_or_none(self.value)
        lookup = {"pk": pk} if pk is not None else {"username": self.value.lower()}
        pk = Person.objects.filter(**lookup).values_list("pk", flat=True).first()
        if pk is None:
            # An erased account: only the keyed hash of its username is left.
            return queryset.filter(audit_username_q(self.value))
        return queryset.filter(person_entries_q(Person, pk))


def person_entries_q(Person, pk) -> Q:
    """Entries about the account ``pk`` and about rows that hang on it (two levels deep)."""
    query = Q(object_type=Person._meta.label_lower, object_id=str(pk)) | Q(actor_id=pk)
    for relation in _person_relations(Person):
        model, path = relation
        ids = (
            model._default_manager.filter(**{path: pk})
            .annotate(_id=Cast("pk", CharField()))
            .values("_id")
        )
        query |= Q(object_type=model._meta.label_lower, object_id__in=ids)
    return query


def _person_relations(Person) -> list[tuple[type, str]]:
    relations = []
    for first in Person._meta.related_objects:
        if first.related_model is AuditEntry or first.many_to_many:
            continue
        relations.append((first.related_model, first.field.name))
        for second in first.related_model._meta.related_objects:
            if second.many_to_many or second.related_model in (AuditEntry, Person):
                continue
            relations.append((second.related_model, f"{second.field.name}__{first.field.name}"))
    return relations


class StaffFilter(admin.SimpleListFilter):
    title = _("Mitarbeiter/in")
    parameter_name = "mitarbeiter"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True).order_by("username")
        return [("system", _("System")), *((str(p.pk), p.username) for p in staff)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "system":
            return queryset.filter(actor__isnull=True, actor_label="System")
        if (actor_id := number_or_none(value)) is not None:
            return queryset.filter(actor_id=actor_id)
        return queryset


class ObjectTypeFilter(admin.AllValuesFieldListFilter):
    """The kinds of object entries are about; entries about no single object (a download,
    the purge) get a visible name instead of an empty link."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == "":
                choice = {**choice, "display": "Ohne Objekt"}
            yield choice


@admin.register(AuditEntry)
class AuditEntryAdmin(ListViewAuditedMixin, admin.ModelAdmin):
    # The log names people too: who read it, filtered for whom, is logged like any list.
    list_display = ["created_at", "actor_label", "action", "object_type", "object_label"]
    list_filter = [
        PersonFilter,
        StaffFilter,
        "action",
        ("created_at", admin.DateFieldListFilter),
        ("object_type", ObjectTypeFilter),
    ]
    search_fields = ["actor_label", "object_label", "object_id", "action"]
    date_hierarchy = "created_at"
    list_select_related = False
    # Every field shown as text: nobody edits an entry, not even a superuser.
    readonly_fields = [
        "created_at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "data",
    ]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term and " " not in term:
            # The username of an erased account is kept only as a keyed hash.
            queryset |= self.model.objects.filter(audit_username_q(term))
        if term:
            # Who searched a list for this text (kept as a keyed hash, see audit_list_view).
            digest = audit_search_hash(term)
            searched = Q()
            for key in sorted(_FREE_TEXT):
                searched |= Q(**{f"data__search_hash__{key}": digest})
            queryset |= self.model.objects.filter(searched)
        return queryset, may_have_duplicates

    # The log is evidence: nobody — superusers included — adds, edits or deletes an entry.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
