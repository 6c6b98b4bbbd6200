"""The plain Person admin: fields, list, search, and who may change what.

Not registered here: ``backoffice/admin.py`` assembles the one Person admin from this base and
the account workflows of the privacy app (merge, deletion, credentials).
"""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kundenportal.audit.admin import AuditedModelAdmin
from kundenportal.core.admin_inlines import LabelledTabularInline

from .models import BoundAddress

# Whoever may set these has every permission (Django: "the change-user permission is
# superuser power"), so only superusers may.
PRIVILEGE_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]


def _permission_actions() -> dict[str, str]:
    return {
        "view": _("ansehen"),
        "add": _("hinzufügen"),
        "change": _("ändern"),
        "delete": _("löschen"),
    }


# Apps whose tables the back office shows only through German proxies (staffauth.models):
# rights on the originals would open no page, so they are not offered.
APPS_WITHOUT_OWN_PAGES = ("axes", "otp_totp", "otp_static")


def permission_label(permission: Permission) -> str:
    """ "App | Modell | Aktion" in German: names from the model (German verbose names), the
    default actions in words, custom permissions by their (German) name."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:
        return permission.name
    action, _sep, rest = permission.codename.partition("_")
    words = _permission_actions()
    text = words[action] if rest == content_type.model and action in words else None
    app_name = apps.get_app_config(content_type.app_label).verbose_name
    return f"{app_name} | {model._meta.verbose_name} | {text or permission.name}"


class GermanPermissionsMixin:
    """Permission lists (a group's, a person's) in German, without the originals of the
    tables shown through proxies, as checkboxes (Django's two-box widget marks up its search
    icons with ARIA attributes a span may not have)."""

    filter_horizontal = ()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            # Content types of models that no longer exist (left behind by a removed or moved
            # model) carry only English names and grant nothing.
            stale = [ct.pk for ct in ContentType.objects.all() if ct.model_class() is None]
            kwargs["queryset"] = (
                Permission.objects.select_related("content_type")
                .exclude(content_type__app_label__in=APPS_WITHOUT_OWN_PAGES)
                .exclude(content_type__in=stale)
            )
            kwargs["widget"] = forms.CheckboxSelectMultiple(attrs={"class": "checkbox-permissions"})
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple()
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


def staff_account_managed_by(user, person) -> bool:
    """Staff and superuser accounts (their data, password, rights) are changed by superusers
    only: a clerk who could change an administrator's e-mail or password could log in as
    them."""
    return bool(user.is_superuser or not (person.is_staff or person.is_superuser))


class BoundAddressInline(LabelledTabularInline):
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


class PersonAdmin(GermanPermissionsMixin, AuditedModelAdmin, UserAdmin):
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


class SuperuserGroupAdmin(GermanPermissionsMixin, GroupAdmin):
    """Groups carry permissions: only superusers create, change or delete them."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_deleted_objects(self, objs, request):
        """What deleting a group removes, in German: the group and its links to permissions
        and members (Django would list each link as "Group_permissions object (…)")."""
        _deleted, _counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        deleted, links = [], 0
        for group in objs:
            rights, members = group.permissions.count(), group.user_set.count()
            links += rights + members
            deleted += [
                format_html("{}: {}", _("Gruppe"), group),
                [
                    ngettext(
                        "Zuordnung zu %(count)d Berechtigung",
                        "Zuordnungen zu %(count)d Berechtigungen",
                        rights,
                    )
                    % {"count": rights},
                    ngettext(
                        "Mitgliedschaft von %(count)d Person",
                        "Mitgliedschaften von %(count)d Personen",
                        members,
                    )
                    % {"count": members},
                ],
            ]
        counts = {_("Gruppen"): len(objs), _("Zuordnungen"): links}
        return deleted, counts, perms_needed, protected


# Django's own Group admin, replaced by the one above (the only model of django.contrib whose
# admin this project changes).
admin.site.unregister(Group)
admin.site.register(Group, SuperuserGroupAdmin)
