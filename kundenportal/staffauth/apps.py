"""Second factor for staff: TOTP (django-otp) in front of every page of the back office."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import apps as static_apps
from django_otp.plugins.otp_totp import apps as totp_apps


class StaffAuthConfig(AppConfig):
    default = True
    name = "kundenportal.staffauth"
    # Also the pages of the login throttling records (portal and back office).
    verbose_name = _("Anmeldung und Zugriffsschutz")

    def ready(self):
        from django.db.models.signals import pre_save
        from django_otp.plugins.otp_static.models import StaticToken

        from .services import backup_token_store_digest

        pre_save.connect(backup_token_store_digest, sender=StaticToken)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the site that asks staff for the second factor."""

    default = False
    default_site = "kundenportal.staffauth.sites.StaffAdminSite"


# django-otp's device apps under German names in the admin (the apps are otherwise unchanged).
class TOTPConfig(totp_apps.DefaultConfig):
    default = False
    verbose_name = _("Zweiter Faktor: Authenticator-Apps")


class StaticConfig(static_apps.DefaultConfig):
    default = False
    verbose_name = _("Zweiter Faktor: Sicherungscodes")
