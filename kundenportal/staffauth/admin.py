"""The back office's pages for the login tables: the staff's second-factor devices
(django-otp) and the login throttling records (django-axes), in German.

django-otp registers English admins for its devices (the site declines them:
``StaffAdminSite.register``), django-axes would too (``AXES_ENABLE_ADMIN`` is off): these
German ones on proxies (``staffauth.models``) take their place. Devices show no key and no code (``OTP_ADMIN_HIDE_SENSITIVE_DATA``);
they are not added here (staff set up their app at the login) but deleted when a phone is
lost, which makes the person set up a new app at the next login.
"""

from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kundenportal.core.formatting import datetime_text

from .models import AuthenticatorApp, BackupCodes, LoginAttempt, LoginFailure, LoginRecord
from .services import second_factor_devices_delete


def titled(filter_class, title):
    """A list filter of Django's with a German title (the field's own name is English)."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


def _moment(value):
    return datetime_text(value) if value else "–"


class ReadOnlyLabelsAdmin(admin.ModelAdmin):
    """Shows what a third-party row holds under German labels; nothing is typed in."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeviceAdmin(ReadOnlyLabelsAdmin):
    list_display = ["person", "device_name", "created", "last_used", "is_confirmed"]
    list_filter = [
        ("created_at", titled(admin.DateFieldListFilter, _("eingerichtet"))),
        ("last_used_at", titled(admin.DateFieldListFilter, _("zuletzt benutzt"))),
        ("confirmed", titled(admin.BooleanFieldListFilter, _("bestätigt"))),
    ]
    search_fields = ["user__username", "user__email", "user__last_name"]
    list_select_related = ["user"]
    fields = ["person", "device_name", "is_confirmed", "created", "last_used", "throttling"]
    readonly_fields = fields

    @admin.display(description=_("Mitarbeiter/in"), ordering="user__username")
    def person(self, device):
        return device.user

    @admin.display(description=_("Bezeichnung"), ordering="name")
    def device_name(self, device):
        return device.name

    @admin.display(description=_("eingerichtet"), ordering="created_at")
    def created(self, device):
        return _moment(device.created_at)

    @admin.display(description=_("zuletzt benutzt"), ordering="last_used_at")
    def last_used(self, device):
        return _moment(device.last_used_at)

    @admin.display(description=_("bestätigt"), boolean=True, ordering="confirmed")
    def is_confirmed(self, device):
        return device.confirmed

    @admin.display(description=_("Falsche Codes in Folge"))
    def throttling(self, device):
        count = device.throttling_failure_count
        if not count:
            return "0"
        return format_html("{} (zuletzt {})", count, _moment(device.throttling_failure_timestamp))

    def delete_model(self, request, obj):
        second_factor_devices_delete(devices=[obj], actor=request.user)

    def delete_queryset(self, request, queryset):
        second_factor_devices_delete(
            devices=list(queryset.select_related("user")), actor=request.user
        )

    def get_deleted_objects(self, objs, request):
        """The confirmation page names the devices in German (Django would list django-otp's
        English model names and, for backup codes, each code's digest)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        objs = list(objs)
        deleted = [format_html("{}: {}", self.opts.verbose_name, obj) for obj in objs]
        counts = {self.opts.verbose_name_plural: len(objs)}
        return deleted, counts, perms_needed, protected


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(DeviceAdmin):
    pass


@admin.register(BackupCodes)
class BackupCodesAdmin(DeviceAdmin):
    list_display = [*DeviceAdmin.list_display, "codes_left"]
    fields = [*DeviceAdmin.fields, "codes_left"]
    readonly_fields = fields

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(tokens=Count("token_set"))

    @admin.display(description=_("unbenutzte Codes"), ordering="tokens")
    def codes_left(self, device):
        return ngettext("%(count)d Code", "%(count)d Codes", device.tokens) % {
            "count": device.tokens
        }


class LockedOutFilter(admin.SimpleListFilter):
    title = _("gesperrt")
    parameter_name = "gesperrt"

    def lookups(self, request, model_admin):
        return [("ja", _("Ja")), ("nein", _("Nein"))]

    def queryset(self, request, queryset):
        limit = settings.AXES_FAILURE_LIMIT
        if self.value() == "ja":
            return queryset.filter(failures_since_start__gte=limit)
        if self.value() == "nein":
            return queryset.filter(failures_since_start__lt=limit)
        return queryset


class LoginRecordAdmin(ReadOnlyLabelsAdmin):
    """Login throttling rows: read, and deleted to lift a lock by hand."""

    list_filter = [
        ("attempt_time", titled(admin.DateFieldListFilter, _("Zeitpunkt"))),
    ]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    list_display = ["moment", "username_text", "address", "page", "browser"]
    fields = ["moment", "username_text", "address", "page", "browser"]
    readonly_fields = fields

    @admin.display(description=_("Zeitpunkt"), ordering="attempt_time")
    def moment(self, record):
        return _moment(record.attempt_time)

    @admin.display(description=_("Benutzername"), ordering="username")
    def username_text(self, record):
        return record.username or "–"

    @admin.display(description=_("IP-Adresse"), ordering="ip_address")
    def address(self, record):
        return record.ip_address or "–"

    @admin.display(description=_("Seite"))
    def page(self, record):
        return record.path_info

    @admin.display(description=_("Browserkennung"))
    def browser(self, record):
        return record.user_agent


@admin.register(LoginAttempt)
class LoginAttemptAdmin(LoginRecordAdmin):
    list_display = [*LoginRecordAdmin.list_display, "failures", "state"]
    list_filter = [*LoginRecordAdmin.list_filter, LockedOutFilter]
    fields = [*LoginRecordAdmin.fields, "failures", "state"]
    readonly_fields = fields

    @admin.display(description=_("Fehlversuche"), ordering="failures_since_start")
    def failures(self, record):
        return record.failures_since_start

    @admin.display(description=_("Stand"))
    def state(self, record):
        left = settings.AXES_FAILURE_LIMIT - record.failures_since_start
        if left <= 0:
            return _("gesperrt")
        return ngettext("noch %(count)d Versuch", "noch %(count)d Versuche", left) % {"count": left}


@admin.register(LoginFailure)
class LoginFailureAdmin(LoginRecordAdmin):
    list_display = [*LoginRecordAdmin.list_display, "locked"]
    list_filter = [
        *LoginRecordAdmin.list_filter,
        ("locked_out", titled(admin.BooleanFieldListFilter, _("gesperrt"))),
    ]
    fields = [*LoginRecordAdmin.fields, "locked"]
    readonly_fields = fields

    @admin.display(description=_("gesperrt"), boolean=True, ordering="locked_out")
    def locked(self, record):
        return record.locked_out


@admin.register(LoginRecord)
class LoginRecordListAdmin(LoginRecordAdmin):
    pass
