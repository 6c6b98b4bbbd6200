"""Remove a staff member's authenticator app and backup codes (lost or new phone)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kundenportal.staffauth.services import second_factor_reset


class Command(BaseCommand):
    help = (
        "Entfernt Authenticator-App und Sicherungscodes eines Mitarbeiterkontos; "
        "bei der nächsten Anmeldung richtet die Person den zweiten Faktor neu ein."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        person = get_user_model().objects.filter(username__iexact=username).first()
        if person is None:
            raise CommandError(f"Kein Konto mit dem Benutzernamen „{username}“.")
        count = second_factor_reset(person=person)
        self.stdout.write(
            f"{count} {'Gerät' if count == 1 else 'Geräte'} von {person.get_username()} entfernt."
        )
