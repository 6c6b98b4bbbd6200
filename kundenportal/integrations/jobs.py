"""The worker's part: webhook deliveries on every loop, clean-ups once an hour."""

from datetime import timedelta

from kundenportal.worker.jobs import loop_task, periodic_job

from .services import idempotency_keys_purge
from .webhooks import deliveries_purge, deliveries_send


@loop_task("webhooks.deliver")
def deliver() -> None:
    deliveries_send()


@periodic_job("integrations.cleanup", every=timedelta(hours=1))
def cleanup() -> None:
    idempotency_keys_purge()
    # Payloads name usernames (the register's category webhook_deliveries).
    deliveries_purge()
