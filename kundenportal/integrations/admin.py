"""Back office: integrations (Schnittstellen, superusers only) and webhook deliveries."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kundenportal.audit.services import audit_log

from .models import Integration, Scope, WebhookDelivery, WebhookSubscription
from .services import integration_create, integration_revoke, integration_token_rotate, scopes_clean
from .webhooks import deliveries_resend


class IntegrationForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Berechtigungen"),
        choices=Scope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Integration
        fields = ["name", "description", "scopes", "rate_limit_per_minute"]

    def clean_scopes(self):
        return scopes_clean(self.cleaned_data["scopes"])


class BreadcrumbStyle:
    class Media:
        css = {"all": ["integrations/admin.css"]}


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return False


def _token_page(request, integration: Integration, token: str) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/integrations/token.html",
        {
            **admin.site.each_context(request),
            "title": _("Zugangsschlüssel der Schnittstelle „%(name)s“")
            % {"name": integration.name},
            "integration": integration,
            "token": token,
            "opts": Integration._meta,
        },
    )


@admin.register(Integration)
class IntegrationAdmin(SuperuserOnly, BreadcrumbStyle, admin.ModelAdmin):
    form = IntegrationForm
    list_display = ["name", "is_active", "token_prefix", "last_used_at", "scope_list"]
    readonly_fields = [
        "token_prefix",
        "token_created_at",
        "last_used_at",
        "revoked_at",
        "is_active",
    ]
    actions = ["rotate_token", "revoke"]

    @admin.display(description=gettext_lazy("Berechtigungen"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            audit_log(
                actor=request.user,
                action="integration.update",
                obj=obj,
                data={"fields": form.changed_data},
            )
            return
        created, token = integration_create(
            name=obj.name,
            description=obj.description,
            scopes=form.cleaned_data["scopes"],
            rate_limit=obj.rate_limit_per_minute,
            actor=request.user,
        )
        obj.pk = created.pk
        request._integration_token = token

    def response_add(self, request, obj, post_url_continue=None):
        # The token is shown on this page once and never again.
        return _token_page(request, obj, request._integration_token)

    @admin.action(
        description=gettext_lazy("Neuen Zugangsschlüssel erzeugen (der alte wird ungültig)")
    )
    def rotate_token(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Bitte wählen Sie genau eine Schnittstelle."), messages.ERROR
            )
            return None
        integration = queryset.get()
        token = integration_token_rotate(integration=integration, actor=request.user)
        integration.refresh_from_db()
        return _token_page(request, integration, token)

    @admin.action(description=gettext_lazy("Zugangsschlüssel widerrufen"))
    def revoke(self, request, queryset):
        for integration in queryset:
            integration_revoke(integration=integration, actor=request.user)
        self.message_user(request, _("Die Zugangsschlüssel wurden widerrufen."), messages.SUCCESS)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(SuperuserOnly, BreadcrumbStyle, admin.ModelAdmin):
    list_display = ["integration", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    list_select_related = ["integration"]
    fields = ["integration", "url", "event_types", "is_active", "created_at"]
    readonly_fields = ["integration", "url", "event_types", "created_at"]

    def has_add_permission(self, request):
        return False  # subscriptions are made by the integration through the API


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(BreadcrumbStyle, admin.ModelAdmin):
    list_display = [
        "event_type",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "event_type"]
    list_select_related = ["subscription__integration"]
    search_fields = ["event_id"]
    readonly_fields = [
        "subscription",
        "event_id",
        "event_type",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "queued_at",
        "last_error",
        "last_status_code",
        "created_at",
        "delivered_at",
    ]
    exclude = ["locked_at"]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Erneut senden"), permissions=["change"])
    def resend(self, request, queryset):
        count = deliveries_resend(
            ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d Zustellung wird erneut gesendet.",
                "%(count)d Zustellungen werden erneut gesendet.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
