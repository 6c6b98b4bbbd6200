"""The project's URLs plus views that fail, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as project_urlpatterns


def _bad_request(request):
    raise SuspiciousOperation("secret detail: SECRET_KEY=abc")


def _forbidden(request):
    raise PermissionDenied("secret detail: DATABASES")


def _crash(request):
    raise RuntimeError("secret detail: postgres://user:pw@db/kp")


urlpatterns = [
    path("kaputt/400/", _bad_request),
    path("kaputt/403/", _forbidden),
    path("kaputt/500/", _crash),
    *project_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
