"""Second factor for staff: TOTP (django-otp) in front of every page of the back office."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffAuthConfig(AppConfig):
    default = True
    name = "kundenportal.staffauth"
    verbose_name = "Anmeldung der Mitarbeitenden"


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the site that asks staff for the second factor."""

    default = False
    default_site = "kundenportal.staffauth.sites.StaffAdminSite"
