"""Several workers on one outbox (PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED)."""

import threading

import pytest
from django.db import connection, transaction

from kundenportal.notifications.delivery import outbox_claim, outbox_process
from kundenportal.notifications.models import OutboxMail
from kundenportal.notifications.services import mail_enqueue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _enqueue(n: int) -> list[int]:
    return [
        mail_enqueue(
            template="password_changed",
            to=[f"p{i}@example.org"],
            context={"first_name": "Jürgen", "last_name": f"Größe{i}", "username": f"u{i}"},
        ).pk
        for i in range(n)
    ]


def test_claim_skips_rows_another_worker_holds():
    ids = _enqueue(10)
    held = ids[:5]
    locked = threading.Event()
    release = threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                list(OutboxMail.objects.select_for_update().filter(pk__in=held))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        claimed, _lock = outbox_claim(limit=10)  # does not wait for the other transaction
        assert sorted(claimed) == sorted(ids[5:])
    finally:
        release.set()
        thread.join()


def test_two_workers_send_every_mail_exactly_once(smtp_server, settings):
    settings.OUTBOX_BATCH_SIZE = 3
    ids = _enqueue(40)
    start = threading.Barrier(2)
    results = {}

    def worker(name):
        try:
            start.wait()
            results[name] = outbox_process().sent_ids
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(results["a"] + results["b"]) == sorted(ids)
    assert not set(results["a"]) & set(results["b"])
    received = [int(r.message["X-Kundenportal-Mail"]) for r in smtp_server.received]
    assert sorted(received) == sorted(ids)
    assert OutboxMail.objects.filter(status=OutboxMail.Status.SENT).count() == 40
