"""Two real worker processes on PostgreSQL deliver every webhook exactly once to a real
receiver on loopback that was down at first (``SELECT ... FOR UPDATE SKIP LOCKED``)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from kundenportal.integrations.models import WebhookDelivery
from kundenportal.integrations.services import integration_create
from kundenportal.integrations.webhooks import subscription_create

from .webhook_receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
DELIVERIES = 40

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_workers_deliver_each_webhook_once_after_an_outage(superuser):
    integration, _token = integration_create(name="ERP", scopes=["webhooks"], actor=superuser)
    port = _free_port()
    receiver = Receiver(port=port)
    receiver.delay = 0.03
    subscription, _secret = subscription_create(
        integration=integration,
        url=f"http://127.0.0.1:{port}/hooks",
        event_types=["person.deleted"],
    )
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                subscription=subscription, event_type="person.deleted", payload={"person_id": i}
            )
            for i in range(DELIVERIES)
        ]
    )
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "WEBHOOK_BATCH_SIZE": "2",
        "WEBHOOK_RETRY_BASE_SECONDS": "1",
        "WEBHOOK_RETRY_MAX_SECONDS": "2",
        "WEBHOOK_TIMEOUT_SECONDS": "2",
    }
    manage = [sys.executable, str(ROOT / "manage.py"), "run_worker", "--sleep", "0.05"]
    workers = [
        subprocess.Popen(
            manage, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(2)
    ]
    try:
        # The receiver is down: every delivery is tried and waits for its next attempt.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not WebhookDelivery.objects.filter(attempts=0).exists():
                break
            time.sleep(0.2)
        assert not WebhookDelivery.objects.filter(attempts=0).exists()
        assert not WebhookDelivery.objects.filter(status="delivered").exists()
        receiver.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if WebhookDelivery.objects.filter(status="delivered").count() == DELIVERIES:
                break
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        receiver.stop()
    ids = [e["body"]["id"] for e in receiver.events()]
    assert len(ids) == DELIVERIES
    assert len(set(ids)) == DELIVERIES
    assert WebhookDelivery.objects.filter(status="delivered").count() == DELIVERIES


def test_the_rate_limit_holds_under_concurrent_requests(superuser):
    """Many connections at once (as many web processes would be): exactly the limit passes."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from kundenportal.integrations.services import rate_limit_take

    integration, _token = integration_create(
        name="Web", scopes=["events:read"], actor=superuser, rate_limit=25
    )

    def take(_):
        try:
            return rate_limit_take(integration=integration)[0]
        finally:
            connections.close_all()

    # At the start of a minute, so all requests fall into one window.
    start = timezone.now().replace(second=1, microsecond=0)
    with time_machine.travel(start, tick=True), ThreadPoolExecutor(max_workers=8) as pool:
        allowed = list(pool.map(take, range(60)))
    assert sum(allowed) == 25
