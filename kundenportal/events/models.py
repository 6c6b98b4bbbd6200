from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One bookable course run (Veranstaltung)."""

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
        indexes = [models.Index(fields=["status", "first_day"])]
        constraints = [
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
