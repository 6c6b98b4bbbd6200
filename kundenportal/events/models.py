from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Qualification(models.Model):
    """A qualification (Fachkunde) that courses grant and refresh, e.g. "Fachkunde
    Betriebsbeauftragte/r für Abfall", § 9 AbfBeauftrV, every 24 months.

    Course data, not personal data: whether a person holds it is derived from their
    certificates (``kundenportal.qualifications``), never stored a second time.
    """

    name = models.CharField(_("Bezeichnung"), max_length=200, unique=True)
    legal_basis = models.CharField(
        _("Rechtsgrundlage"),
        max_length=200,
        blank=True,
        help_text=_("z. B. § 9 AbfBeauftrV oder eine Regel der Technik"),
    )
    refresh_months = models.PositiveSmallIntegerField(
        _("Fortbildung alle … Monate"),
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Die Fachkunde gilt so viele Monate ab dem letzten Tag des letzten Lehrgangs."),
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Fachkunde")
        verbose_name_plural = _("Fachkunden")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.legal_basis})" if self.legal_basis else self.name


class Event(models.Model):
    """One bookable course run (Veranstaltung)."""

    class QualificationRole(models.TextChoices):
        NONE = "", _("Keine Fachkunde")
        GRANTS = "grants", _("Grundlehrgang (erwirbt die Fachkunde)")
        REFRESHES = "refreshes", _("Fortbildungslehrgang (frischt die Fachkunde auf)")

    class Format(models.TextChoices):
        PRESENCE = "presence", _("Präsenz")
        ONLINE = "online", _("Online")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("Veröffentlicht")
        CONFIRMED = "confirmed", _("Durchführung bestätigt")
        CANCELLED = "cancelled", _("Abgesagt")

    # Open for registrations (while the event has not begun).
    BOOKABLE_STATUSES = (Status.PUBLISHED, Status.CONFIRMED)
    # Every status but "Abgesagt" (as a filter, cheaper to compile than an exclude).
    NOT_CANCELLED_STATUSES = (Status.DRAFT, Status.PUBLISHED, Status.CONFIRMED)

    number = models.CharField(_("Veranstaltungsnummer"), max_length=30, unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    first_day = models.DateField(_("Erster Veranstaltungstag"))
    # The last day drives the 42-day rule for course documents.
    last_day = models.DateField(_("Letzter Veranstaltungstag"))
    format = models.CharField(
        _("Format"), max_length=20, choices=Format.choices, default=Format.PRESENCE
    )
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("Plätze"))
    price = models.DecimalField(_("Preis (netto, EUR)"), max_digits=9, decimal_places=2)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    confirmed_at = models.DateTimeField(_("Durchführung bestätigt am"), null=True, blank=True)
    # A certificate of this event proves (or refreshes) the qualification; see Qualification.
    qualification = models.ForeignKey(
        Qualification,
        verbose_name=_("Fachkunde"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    qualification_role = models.CharField(
        _("Art des Lehrgangs"),
        max_length=20,
        choices=QualificationRole.choices,
        blank=True,
        default=QualificationRole.NONE,
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["first_day", "number"]
        # Back-office workflows that are no plain change of the row (see backoffice/roles.py).
        permissions = [
            ("confirm_event", "Durchführung bestätigen"),
            ("cancel_event", "Veranstaltung absagen"),
            ("record_attendance", "Teilnahme erfassen"),
        ]
        indexes = [
            models.Index(fields=["status", "first_day"]),
            # The reminder job reads the courses of one qualification that ended on given days.
            models.Index(fields=["qualification", "last_day"], name="event_qualification_last_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(qualification__isnull=True) & Q(qualification_role=""))
                | (Q(qualification__isnull=False) & ~Q(qualification_role="")),
                name="event_qualification_with_role",
                violation_error_message=_(
                    "Bitte wählen Sie zur Fachkunde auch die Art des Lehrgangs "
                    "(oder keine von beiden)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="event_last_day_not_before_first_day",
                violation_error_message=_("Der letzte Tag darf nicht vor dem ersten Tag liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_online(self) -> bool:
        return self.format == self.Format.ONLINE

    @property
    def is_bookable_status(self) -> bool:
        return self.status in self.BOOKABLE_STATUSES

    @property
    def duration_days(self) -> int:
        return (self.last_day - self.first_day).days + 1
