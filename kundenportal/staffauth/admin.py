"""django-otp's backup-code device admin without its token rows.

Backup codes are issued by the enrolment only, and stored as digests (services.py); a code
typed into the admin's token row would be stored as typed, so the admin offers none (django-otp
hides the rows of an existing device only, OTP_ADMIN_HIDE_SENSITIVE_DATA).
"""

from django.contrib import admin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice

admin.site.unregister(StaticDevice)


@admin.register(StaticDevice)
class BackupCodeDeviceAdmin(StaticDeviceAdmin):
    inlines = []
