"""Send-time context of the portal's mails: reset links are signed only when a mail is sent."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kundenportal.accounts.models import Person
from kundenportal.notifications.rendering import mail_context_provider


def password_reset_link(person: Person) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    path = reverse("portal:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


@mail_context_provider("password_reset")
def password_reset_context(mail) -> dict:
    persons = Person.objects.filter(pk__in=mail.context.get("person_ids", []), is_active=True)
    accounts = [
        {
            "username": person.username,
            "name": person.get_full_name(),
            "link": password_reset_link(person),
        }
        for person in persons.order_by("username")
    ]
    return {
        "accounts": accounts,
        "valid_hours": max(settings.PASSWORD_RESET_TIMEOUT // 3600, 1),
        "forgot_url": f"{settings.SITE_URL}{reverse('portal:password_reset')}",
    }
