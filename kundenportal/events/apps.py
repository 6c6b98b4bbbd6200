"""Events and the public catalogue."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "kundenportal.events"
    verbose_name = _("Veranstaltungen")

    def ready(self):
        from .cache import event_changed

        # Any change of an event clears the cached catalogue (events/cache.py); seats are
        # read live, so bookings need no hook.
        event = self.get_model("Event")
        post_save.connect(event_changed, sender=event, dispatch_uid="catalogue-event-saved")
        post_delete.connect(event_changed, sender=event, dispatch_uid="catalogue-event-deleted")
