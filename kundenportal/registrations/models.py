import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kundenportal.companies.models import AddressFields, Company
from kundenportal.events.models import Event


class Registration(AddressFields):
    """One submission of the booking form (Anmeldung) for 1..n participants.

    The booker may have no account; every mail of the registration goes to the
    correspondence address ("Korrespondenzadresse").
    """

    class Review(models.TextChoices):
        NONE = "none", _("Keine Prüfung nötig")
        PENDING = "pending", _("Prüfung ausstehend")
        DONE = "done", _("Geprüft")

    event = models.ForeignKey(
        Event,
        verbose_name=_("Veranstaltung"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    # Required by the booking form; empty only once an erasure removed the deleted person's
    # own address from a booking record that must stay for accounting.
    correspondence_email = models.EmailField(
        _("E-Mail-Adresse (Korrespondenz)"),
        blank=True,
        help_text=_("Leer, wenn die Adresse mit der Löschung eines Kontos entfernt wurde."),
    )
    company_name = models.CharField(_("Firma"), max_length=200, blank=True)
    is_private_address = models.BooleanField(_("Privatadresse"), default=False)
    remarks = models.TextField(_("Bemerkungen"), blank=True)
    consent_at = models.DateTimeField(_("AGB und Datenschutz zugestimmt am"), null=True, blank=True)
    # Which versions the booker accepted (the ones step 3 linked to).
    terms_version = models.ForeignKey(
        "legal.LegalText",
        verbose_name=_("Akzeptierte Teilnahmebedingungen"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    privacy_version = models.ForeignKey(
        "legal.LegalText",
        verbose_name=_("Zur Kenntnis genommene Datenschutzerklärung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review = models.CharField(
        _("Prüfung"), max_length=20, choices=Review.choices, default=Review.NONE, db_index=True
    )
    reviewed_at = models.DateTimeField(_("Geprüft am"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Geprüft von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Makes a double submit (reload, double click) idempotent: one token per filled-in form.
    submission_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("Eingegangen am"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["-created_at", "-id"]
        permissions = [("import_customers", "Bestandskunden importieren")]

    def __str__(self) -> str:
        return _("Anmeldung %(pk)s zu %(event)s") % {"pk": self.pk, "event": self.event.number}


class Participation(models.Model):
    """One person at one event (Teilnahme)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Angemeldet")
        WAITLISTED = "waitlisted", _("Warteliste")
        CONFIRMED = "confirmed", _("Bestätigt")
        ATTENDED = "attended", _("Teilgenommen")
        CANCELLED = "cancelled", _("Storniert")

    # Participations that hold a seat.
    SEAT_STATUSES = (Status.REGISTERED, Status.CONFIRMED, Status.ATTENDED)

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("Anmeldung"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    # Denormalised from the registration: the portal and the catalogue query by event.
    event = models.ForeignKey(
        Event,
        verbose_name=_("Veranstaltung"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Teilnehmer/in"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    # The employer the participation was booked under. It stays when the person later moves
    # to another company, so lists of past events show the company of that time.
    company = models.ForeignKey(
        Company,
        verbose_name=_("Firma (bei der Anmeldung)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    # The participant's own address, if the form gave one; mails go there too.
    email = models.EmailField(_("Eigene E-Mail-Adresse"), blank=True)
    confirmation_sent_at = models.DateTimeField(
        _("Durchführungsbestätigung versandt am"), null=True, blank=True
    )
    # Set on the new participation when staff moved the person from another run of the course.
    rebooked_from = models.OneToOneField(
        "self",
        verbose_name=_("Umgebucht von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rebooked_to",
        editable=False,
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        ordering = ["-event__first_day", "id"]
        indexes = [
            models.Index(fields=["person", "status"]),
            models.Index(fields=["event", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=~Q(status="cancelled"),
                name="participation_one_active_per_person_and_event",
                violation_error_message=_(
                    "Diese Person ist für die Veranstaltung bereits angemeldet."
                ),
            ),
        ]
        permissions = [
            ("rebook_participation", "Teilnahmen auf einen anderen Termin umbuchen"),
            (
                "export_participants",
                "Teilnehmerlisten herunterladen (Anwesenheitsliste, CSV, Excel)",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.event}"
