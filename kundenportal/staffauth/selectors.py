from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def staff_has_authenticator(*, person) -> bool:
    return TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def staff_backup_codes_left(*, person) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()


def staff_has_second_factor(*, person) -> bool:
    """A confirmed authenticator app or an unused backup code: then the password alone must
    not set up another app (whoever holds the password could make the account theirs)."""
    return staff_has_authenticator(person=person) or bool(staff_backup_codes_left(person=person))
