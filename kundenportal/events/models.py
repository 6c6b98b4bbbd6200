from django.db import models
from django.db.models import Q


class Event(models.Model):
    """One bookable course run (Veranstaltung)."""

    class Format(models.TextChoices):
        PRESENCE = "presence", "Präsenz"
        ONLINE = "online", "Online"

    class Status(models.TextChoices):
        DRAFT = "draft", "Entwurf"
        PUBLISHED = "published", "Veröffentlicht"
        CONFIRMED = "confirmed", "Durchführung bestätigt"
        CANCELLED = "cancelled", "Abgesagt"

    number = models.CharField("Veranstaltungsnummer", max_length=30, unique=True)
    title = models.CharField("Titel", max_length=200)
    description = models.TextField("Beschreibung", blank=True)
    first_day = models.DateField("Erster Veranstaltungstag")
    # The last day drives the 42-day rule for course documents.
    last_day = models.DateField("Letzter Veranstaltungstag")
    format = models.CharField(
        "Format", max_length=20, choices=Format.choices, default=Format.PRESENCE
    )
    place = models.CharField("Ort", max_length=200, blank=True)
    capacity = models.PositiveIntegerField("Plätze")
    price = models.DecimalField("Preis (netto, EUR)", max_digits=9, decimal_places=2)
    status = models.CharField(
        "Status", max_length=20, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    confirmed_at = models.DateTimeField("Durchführung bestätigt am", null=True, blank=True)
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("Geändert am", auto_now=True)

    class Meta:
        verbose_name = "Veranstaltung"
        verbose_name_plural = "Veranstaltungen"
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
                violation_error_message="Der letzte Tag darf nicht vor dem ersten Tag liegen.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_online(self) -> bool:
        return self.format == self.Format.ONLINE

    @property
    def is_bookable_status(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.CONFIRMED)

    @property
    def duration_days(self) -> int:
        return (self.last_day - self.first_day).days + 1
