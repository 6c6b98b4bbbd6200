from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def staff_has_authenticator(*, person) -> bool:
    return TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def staff_backup_codes_left(*, person) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()
