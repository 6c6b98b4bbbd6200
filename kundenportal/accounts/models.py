from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundenportal.companies.models import AddressFields, Company
from kundenportal.core.text import match_key


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Usernames are case-insensitive at login: they are stored in lower case.
        return self.get(username=(username or "").strip().lower())

    def _create(self, username, password, **extra):
        if not username:
            raise ValueError("Ein Benutzername ist erforderlich.")
        person = self.model(username=username.strip().lower(), **extra)
        if password:
            person.set_password(password)
            person.own_password_set_at = timezone.now()
        else:
            person.set_unusable_password()
        person.save(using=self._db)
        return person

    def create_user(self, username, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(username, password, **extra)

    def create_superuser(self, username, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(username, password, **extra)


class Person(AbstractBaseUser, PermissionsMixin, AddressFields):
    """A person-bound account: every participant has one, staff too.

    ``password`` holds only a password the person chose. The initial password sent with a
    Durchführungsbestätigung lives in ``initial_password`` (a hash), opens nothing but the
    "Passwort ändern" page and expires.
    """

    class Salutation(models.TextChoices):
        NONE = "", _("Keine Angabe")
        FRAU = "frau", _("Frau")
        HERR = "herr", _("Herr")
        DIVERS = "divers", _("Divers")

    # FAQ: "Die Verwaltung der Benutzernamen erfolgt automatisch ... Dieser ist nicht veränderbar."
    username = models.CharField(_("Benutzername"), max_length=150, unique=True)
    salutation = models.CharField(
        _("Anrede"), max_length=10, choices=Salutation.choices, blank=True, default=""
    )
    title = models.CharField(_("Titel"), max_length=50, blank=True)
    first_name = models.CharField(_("Vorname"), max_length=150)
    last_name = models.CharField(_("Nachname"), max_length=150)
    # Normalised "vorname nachname": with the company, what "the same person" means.
    name_key = models.CharField(_("Namensschlüssel"), max_length=310, db_index=True, editable=False)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True, db_index=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("Firma"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="persons",
    )

    is_staff = models.BooleanField(
        _("Mitarbeiter/in"), default=False, help_text=_("Darf die Verwaltung öffnen.")
    )
    is_active = models.BooleanField(_("Aktiv"), default=True)
    date_joined = models.DateTimeField(_("Angelegt am"), default=timezone.now)

    own_password_set_at = models.DateTimeField(
        _("Eigenes Passwort gesetzt am"), null=True, blank=True
    )
    initial_password = models.CharField(
        _("Initialpasswort (Hash)"), max_length=128, blank=True, editable=False
    )
    initial_password_expires_at = models.DateTimeField(
        _("Initialpasswort gültig bis"), null=True, blank=True, editable=False
    )

    objects = PersonManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("Teilnehmer/in")
        verbose_name_plural = _("Teilnehmer/innen")
        ordering = ["last_name", "first_name", "id"]
        permissions = [
            ("merge_person", "Konten zusammenführen"),
            ("send_credentials", "Zugangsdaten erneut senden"),
        ]
        indexes = [models.Index(fields=["name_key", "company"])]

    def __str__(self) -> str:
        return f"{self.get_full_name()} ({self.username})"

    def save(self, *args, **kwargs):
        self.name_key = match_key(f"{self.first_name} {self.last_name}")
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def has_own_password(self) -> bool:
        return self.own_password_set_at is not None


class UsernameSeries(models.Model):
    """The highest suffix ever issued for one username base.

    Only a keyed hash of the base is stored, so the row outlives the deleted account without
    keeping its name, and a base is never issued twice (max.mustermann, max.mustermann1, ...).
    """

    base_hash = models.CharField(_("Schlüssel"), max_length=64, unique=True)
    # -1 would mean nothing issued; a row exists only once the plain base was issued (0).
    last_suffix = models.PositiveIntegerField(_("Höchste vergebene Nummer"), default=0)

    class Meta:
        verbose_name = _("Benutzernamen-Reihe")
        verbose_name_plural = _("Benutzernamen-Reihen")

    def __str__(self) -> str:
        return f"{self.base_hash[:12]}… → {self.last_suffix}"


class BoundAddress(models.Model):
    """An e-mail address that may receive this account's secrets (initial password, reset link).

    Besides the account's own e-mail (``Person.email``), only addresses listed here are
    trusted: the correspondence address of the booking that created the account, and
    addresses that received its credentials before (bound by a migration for existing data).
    A booking that reuses the account from any other address never adds one
    (``accounts/addresses.py``).
    """

    class Source(models.TextChoices):
        REGISTERED = "registered", _("Hat das Konto mit einer Anmeldung angelegt")
        CREDENTIALS = "credentials", _("Hat Zugangsdaten erhalten")
        COMPANY_CHANGE = "company_change", _("Anmeldung beim Firmenwechsel (von uns geprüft)")

    person = models.ForeignKey(
        Person,
        verbose_name=_("Teilnehmer/in"),
        on_delete=models.CASCADE,
        related_name="bound_addresses",
    )
    # Stored in lower case; no unique constraint, so merging two accounts can move rows as
    # they are (a duplicate means the same).
    email = models.EmailField(_("E-Mail-Adresse"), db_index=True)
    source = models.CharField(_("Herkunft"), max_length=20, choices=Source.choices)
    created_at = models.DateTimeField(_("Gebunden am"), auto_now_add=True)

    class Meta:
        verbose_name = _("gebundene E-Mail-Adresse")
        verbose_name_plural = _("gebundene E-Mail-Adressen")
        ordering = ["person", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.email
