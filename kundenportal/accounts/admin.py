"""The plain Person admin: fields, list, search, and who may change what.

Not registered here: ``backoffice/admin.py`` assembles the one Person admin from this base and
the account workflows of the privacy app (merge, deletion, credentials).
"""

from django.contrib.auth.admin import UserAdmin

from kundenportal.audit.admin import AuditedModelAdmin


class PersonAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ["username", "last_name", "first_name", "company", "email", "is_staff"]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "company__name"]
    ordering = ["last_name", "first_name"]
    list_select_related = ["company"]
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
        return self.readonly_fields[1:] if obj is None else self.readonly_fields
