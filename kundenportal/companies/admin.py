from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kundenportal.audit.admin import AuditedModelAdmin
from kundenportal.core.text import match_key

from .models import AddressChange, AddressFields, Company
from .services import address_change_approve, address_change_reject

FIELD_LABELS = {
    "company_name": "Firma",
    **{f: AddressFields._meta.get_field(f).verbose_name for f in AddressFields.ADDRESS_FIELDS},
}


@admin.register(Company)
class CompanyAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = ["name", "postal_code", "city", "phone", "person_count"]
    search_fields = ["name", "city", "postal_code"]
    fieldsets = [
        (None, {"fields": ["name"]}),
        (_("Adresse"), {"fields": ["street", "postal_code", "city", "country", "phone"]}),
    ]
    change_list_template = "admin/companies/company/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_persons=Count("persons"))

    @admin.display(description=_("Personen"), ordering="_persons")
    def person_count(self, obj):
        return obj._persons

    def save_model(self, request, obj, form, change):
        obj.name_key = match_key(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(AddressChange)
class AddressChangeAdmin(AuditedModelAdmin, admin.ModelAdmin):
    list_display = [
        "person",
        "company_name",
        "street",
        "postal_code",
        "city",
        "status",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["person__username", "person__last_name", "company_name"]
    list_select_related = ["person", "company"]
    actions = ["approve", "reject"]
    change_list_template = "admin/companies/addresschange/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "pending_count": AddressChange.objects.filter(
                status=AddressChange.Status.PENDING
            ).count(),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def _decide(self, request, queryset, service, verb: str):
        done = 0
        for change in queryset.filter(status=AddressChange.Status.PENDING):
            try:
                service(change=change, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.WARNING)
            else:
                done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d Adressänderung %(verb)s.", "%(count)d Adressänderungen %(verb)s.", done
            )
            % {"count": done, "verb": verb},
        )

    @admin.action(
        description=_("Übernehmen (Adresse bei Person und Firma ändern)"), permissions=["change"]
    )
    def approve(self, request, queryset):
        self._decide(request, queryset, address_change_approve, _("übernommen"))

    @admin.action(description=_("Ablehnen (gespeicherte Adresse behalten)"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, address_change_reject, _("abgelehnt"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Side by side: what is stored for the person and the company, and what was typed."""
        change = get_object_or_404(
            AddressChange.objects.select_related("person", "company", "decided_by"),
            pk=object_id,
        )
        if not self.has_view_or_change_permission(request, change):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request, change):
                raise PermissionDenied
            decision = request.POST.get("decision")
            service = {"approve": address_change_approve, "reject": address_change_reject}.get(
                decision
            )
            if service is not None:
                try:
                    service(change=change, actor=request.user)
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    messages.success(
                        request,
                        _("Adresse übernommen.")
                        if decision == "approve"
                        else _("Änderung abgelehnt."),
                    )
                return redirect("admin:companies_addresschange_changelist")
        person, company = change.person, change.company
        rows = []
        for field, label in FIELD_LABELS.items():
            if field == "company_name":
                stored_person = person.company.name if person.company else ""
                stored_company = company.name if company else ""
            else:
                stored_person = getattr(person, field)
                stored_company = getattr(company, field) if company else ""
            proposed = getattr(change, field)
            rows.append(
                {
                    "label": label,
                    "person": stored_person,
                    "company": stored_company,
                    "proposed": proposed,
                    "differs": bool(proposed) and proposed not in (stored_person,),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Adressänderung für %(name)s (%(username)s)")
            % {"name": person.get_full_name(), "username": person.username},
            "change": change,
            "rows": rows,
            "opts": self.model._meta,
            "can_decide": change.status == AddressChange.Status.PENDING
            and self.has_change_permission(request, change),
        }
        return TemplateResponse(request, "admin/companies/addresschange/review.html", context)
