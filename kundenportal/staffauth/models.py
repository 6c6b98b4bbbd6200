"""German faces of the third-party login tables in the back office.

django-otp's devices and django-axes' login records keep their tables; these proxies give the
admin German names and German object texts (the originals' names and ``__str__`` are English
and not translatable). No table and no field is added.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kundenportal.core.formatting import datetime_text


def _device_text(device) -> str:
    return _("%(name)s von %(user)s") % {
        "name": device.name or device._meta.verbose_name,
        "user": device.user,
    }


class AuthenticatorApp(TOTPDevice):
    class Meta:
        proxy = True
        verbose_name = _("Authenticator-App")
        verbose_name_plural = _("Zweiter Faktor: Authenticator-Apps")

    def __str__(self):
        return _device_text(self)


class BackupCodes(StaticDevice):
    class Meta:
        proxy = True
        verbose_name = _("Satz Sicherungscodes")
        verbose_name_plural = _("Zweiter Faktor: Sicherungscodes")

    def __str__(self):
        return _device_text(self)


def _attempt_text(record) -> str:
    return _("%(username)s von %(address)s am %(time)s") % {
        "username": record.username or "–",
        "address": record.ip_address or "–",
        "time": datetime_text(record.attempt_time),
    }


class LoginAttempt(AccessAttempt):
    class Meta:
        proxy = True
        verbose_name = _("Anmeldesperre")
        verbose_name_plural = _("Anmeldesperren und Fehlversuche")

    def __str__(self):
        return _attempt_text(self)


class LoginFailure(AccessFailureLog):
    class Meta:
        proxy = True
        verbose_name = _("fehlgeschlagene Anmeldung")
        verbose_name_plural = _("fehlgeschlagene Anmeldungen")

    def __str__(self):
        return _attempt_text(self)


class LoginRecord(AccessLog):
    class Meta:
        proxy = True
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldeprotokoll")

    def __str__(self):
        return _attempt_text(self)
