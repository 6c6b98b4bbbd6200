"""The plain Person admin: fields, list, search, and who may change what.

Not registered here: ``backoffice/admin.py`` assembles the one Person admin from this base and
the account workflows of the privacy app (merge, deletion, credentials).
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from kundenportal.audit.admin import AuditedModelAdmin

from .models import BoundAddress

# Whoever may set these has every permission (Django: "the change-user permission is
# superuser power"), so only superusers may.
PRIVILEGE_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]


def staff_account_managed_by(user, person) -> bool:
    """Staff and superuser accounts (their data, password, rights) are changed by superusers
    only: a clerk who could change an administrator's e-mail or password could log in as
    them."""
    return bool(user.is_superuser or not (person.is_staff or person.is_superuser))


class BoundAddressInline(admin.TabularInline):
    """The addresses that may receive the account's secrets (README, "Account binding"); read
    only: they are bound by the booking that created the account, or by staff entering the
    account's own e-mail after checking it."""

    model = BoundAddress
    extra = 0
    fields = ["email", "source", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PersonAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ["username", "last_name", "first_name", "company", "email", "is_staff"]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "company__name"]
    ordering = ["last_name", "first_name"]
    list_select_related = ["company"]

    def get_inlines(self, request, obj):
        # On an existing account only (the add form has no addresses to show).
        return [BoundAddressInline] if obj is not None else []

    raw_id_fields = ["company"]
    # FAQ: the username "ist nicht veränderbar" — not even by staff.
    readonly_fields = [
        "username",
        "last_login",
        "date_joined",
        "own_password_set_at",
        "initial_password_expires_at",
    ]
    fieldsets = [
        (None, {"fields": ["username"]}),
        ("Person", {"fields": ["salutation", "title", "first_name", "last_name", "email"]}),
        (
            "Firma und Adresse",
            {"fields": ["company", "street", "postal_code", "city", "country", "phone"]},
        ),
        (
            "Zugang",
            {
                "fields": [
                    "is_active",
                    "own_password_set_at",
                    "initial_password_expires_at",
                    "last_login",
                    "date_joined",
                ]
            },
        ),
        (
            "Berechtigungen",
            {
                "classes": ["collapse"],
                "fields": ["is_staff", "is_superuser", "groups", "user_permissions"],
            },
        ),
    ]
    add_fieldsets = [
        (
            None,
            {"fields": ["username", "first_name", "last_name", "email", "password1", "password2"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The username is typed once, when staff create an account by hand.
        fields = self.readonly_fields[1:] if obj is None else self.readonly_fields
        return fields if request.user.is_superuser else [*fields, *PRIVILEGE_FIELDS]

    def has_change_permission(self, request, obj=None):
        # Also guards the password form (UserAdmin.user_change_password asks this).
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or staff_account_managed_by(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or staff_account_managed_by(request.user, obj))


class SuperuserGroupAdmin(GroupAdmin):
    """Groups carry permissions: only superusers create, change or delete them."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


# Django's own Group admin, replaced by the one above (the only model of django.contrib whose
# admin this project changes).
admin.site.unregister(Group)
admin.site.register(Group, SuperuserGroupAdmin)
