"""The worker: sends the outbox and runs the periodic jobs.

    python manage.py run_worker            # until SIGTERM / Ctrl-C
    python manage.py run_worker --once     # one loop, then exit (cron, tests, debugging)

Each loop: requeue mails stuck in flight, run the per-loop tasks (e.g. confirmation mails
for late participations), run due periodic jobs, send every due mail, then sleep. SIGTERM and
SIGINT finish the current mail and exit with status 0. Several workers may run side by side
(see README, "Production").
"""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kundenportal.notifications.delivery import outbox_process, outbox_sweep
from kundenportal.worker.jobs import jobs_run_due, loop_tasks_run

logger = logging.getLogger("kundenportal.worker")


class Command(BaseCommand):
    help = "Sends queued mails with retries and runs the periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one loop and exit.")
        parser.add_argument(
            "--sleep",
            type=float,
            default=settings.WORKER_POLL_SECONDS,
            help="Seconds between loops when idle.",
        )

    def handle(self, *args, once=False, sleep=2.0, **options):
        stop = threading.Event()

        def request_stop(signum, frame):
            logger.info("worker: signal %s, stopping after the current mail", signum)
            stop.set()

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, request_stop)
            signal.signal(signal.SIGINT, request_stop)
        logger.info("worker started")
        while not stop.is_set():
            self.loop(stop)
            if once:
                break
            stop.wait(sleep)
        logger.info("worker stopped")

    def loop(self, stop: threading.Event) -> None:
        # A database that restarted or a connection past CONN_MAX_AGE is replaced here.
        close_old_connections()
        try:
            outbox_sweep()
            loop_tasks_run()
            jobs_run_due(stop=stop)
            stats = outbox_process(stop=stop)
            if stats.handled:
                logger.info(
                    "outbox: %d sent, %d to retry, %d failed, %d cancelled",
                    stats.sent,
                    stats.retried,
                    stats.failed,
                    stats.cancelled,
                )
        except Exception:
            # The database may be away for a moment; the next loop tries again.
            logger.exception("worker loop failed")
        finally:
            close_old_connections()
