"""gunicorn settings of the Kundenportal web process.

    gunicorn -c deploy/gunicorn.conf.py

Everything comes from the environment (the systemd unit reads /etc/kundenportal/environment),
with defaults for one machine behind nginx on the same host. Logs, gunicorn's own and the
access log, are JSON lines on stdout through the application's logging configuration
(kundenportal/core/logs.py), with the request id and without query strings.
"""

import multiprocessing
import os

from kundenportal.core.logs import logging_config

wsgi_app = "config.wsgi:application"

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each serves one request at a time; about 2 per core plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A worker silent this long is killed and replaced. Downloads stream in chunks, each chunk
# resets the clock, so a long download does not hit it; a slow page does.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (systemctl stop/restart) workers finish their requests within this time.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
# Idle keep-alive connections from the proxy; only threaded workers (GUNICORN_THREADS > 1)
# keep connections open, sync workers close each one after its response.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A fresh worker now and then keeps memory from creeping up; the jitter keeps them from all
# restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# The application is imported once, in the master, and each worker is forked from it: a worker
# replaced after max_requests starts at once instead of importing Django again (about a second
# of CPU on a small machine; bench/load.py saw every replacement as a p99 spike), and the
# workers share the imported code's memory. Importing opens no database or Redis connection
# (each worker opens its own on first use; tests/core/test_gunicorn_conf.py). New code needs a
# restart (`systemctl restart`, as docs/deployment.md upgrades), not a HUP.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"

# Only these addresses may tell gunicorn the scheme (X-Forwarded-Proto): the proxy on this
# machine by default; on several machines the load balancer's address(es), comma-separated.
# Django trusts the header itself only with BEHIND_PROXY=1 (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

logger_class = "kundenportal.core.access_log.GunicornLogger"
logconfig_dict = logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"), fmt=os.environ.get("LOG_FORMAT", "json")
)
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
