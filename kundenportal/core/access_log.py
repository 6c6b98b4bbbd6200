"""gunicorn's access log as structured fields (``logger_class`` in deploy/gunicorn.conf.py).

Apart from core/logs.py so that Django's settings do not import gunicorn.
"""

from gunicorn.glogging import Logger

from kundenportal.core.logs import REQUEST_ID_HEADER


class GunicornLogger(Logger):
    """gunicorn's access log as structured fields instead of an Apache-style text line."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        self.access_log.info(
            "request",
            extra={
                "request_id": headers.get(REQUEST_ID_HEADER.lower()),
                "method": environ.get("REQUEST_METHOD"),
                # Path only: the formatter would redact a query, but it has no place here.
                "path": environ.get("PATH_INFO"),
                "status": int(status),
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
            },
        )
