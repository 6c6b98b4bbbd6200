"""The second step of the staff login: a code from the authenticator app or a backup code,
and the enrolment of the app at the first login. Thin views over ``services``."""

import logging
from base64 import b32encode

import segno
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from kundenportal.core.formatting import clock_text

from . import selectors, services
from .forms import CodeForm, EnrolmentForm

logger = logging.getLogger(__name__)


def _next_url(request, site) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index", current_app=site.name)


def _with_next(request, site, name: str) -> str:
    url = reverse(name, current_app=site.name)
    return f"{url}?{urlencode({'next': _next_url(request, site)})}"


def _first_step_missing(request, site):
    """Redirect for anyone who has not passed the password step as staff (else None)."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return redirect(_with_next(request, site, "admin:login"))
    if not site.second_factor_pending(request):
        return redirect(_next_url(request, site))
    return None


def _render(request, site, template, context, status=200):
    response = TemplateResponse(
        request,
        template,
        {**site.each_context(request), "next": _next_url(request, site), **context},
        status=status,
    )
    # Keys and backup codes must not stay in any cache.
    add_never_cache_headers(response)
    response.headers["Cache-Control"] = "no-store, private"
    return response


def _verified(request, device) -> None:
    otp_login(request, device)
    # A new session key once both steps are passed: a key seen before cannot ride along.
    request.session.cycle_key()


def _locked_message(until) -> str:
    return _(
        "Zu viele falsche Codes. Aus Sicherheitsgründen können Sie es erst ab %(time)s Uhr "
        "erneut versuchen."
    ) % {"time": clock_text(until, seconds=True)}


@require_http_methods(["GET", "POST"])
def second_factor(request, *, site):
    if (response := _first_step_missing(request, site)) is not None:
        return response
    person = request.user
    if not selectors.staff_has_second_factor(person=person):
        return redirect(_with_next(request, site, "admin:second_factor_enrol"))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = services.second_factor_verify(person=person, token=form.cleaned_data["code"])
        if result.device is not None:
            _verified(request, result.device)
            if result.device.name == services.BACKUP_DEVICE_NAME:
                left = selectors.staff_backup_codes_left(person=person)
                messages.warning(
                    request,
                    format_html(
                        "Sie haben sich mit einem Sicherungscode angemeldet; es bleiben {}. "
                        '<a href="{}">Neue Sicherungscodes erzeugen</a>',
                        left,
                        reverse("admin:second_factor_backup_codes", current_app=site.name),
                    ),
                )
            return redirect(_next_url(request, site))
        logger.warning("staff second factor refused (user id %s)", person.pk)
        if result.locked_until is not None:
            form.add_error("code", _locked_message(result.locked_until))
            status = 429
        else:
            form.add_error(
                "code",
                "Dieser Code ist nicht gültig. Bitte geben Sie den aktuellen Code aus Ihrer "
                "Authenticator-App oder einen unbenutzten Sicherungscode ein.",
            )
    return _render(
        request,
        site,
        "staffauth/second_factor.html",
        {"form": form, "title": "Anmeldung bestätigen"},
        status=status,
    )


def _key_groups(device) -> str:
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@require_http_methods(["GET", "POST"])
def second_factor_enrol(request, *, site):
    if (response := _first_step_missing(request, site)) is not None:
        return response
    person = request.user
    if selectors.staff_has_second_factor(person=person):
        return redirect(_with_next(request, site, "admin:second_factor"))
    device = services.totp_enrolment_start(person=person)
    form = EnrolmentForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        enrolment = services.totp_enrolment_confirm(person=person, token=form.cleaned_data["code"])
        if enrolment.verification.device is not None:
            _verified(request, enrolment.verification.device)
            return _render(
                request,
                site,
                "staffauth/backup_codes.html",
                {
                    "codes": enrolment.backup_codes,
                    "title": "Ihre Sicherungscodes",
                    "enrolled": True,
                },
            )
        if enrolment.verification.locked_until is not None:
            form.add_error("code", _locked_message(enrolment.verification.locked_until))
            status = 429
        else:
            form.add_error(
                "code",
                "Dieser Code passt nicht. Bitte prüfen Sie, ob Sie den QR-Code dieser Seite "
                "gescannt haben, und geben Sie den aktuellen Code ein.",
            )
    return _render(
        request,
        site,
        "staffauth/enrol.html",
        {
            "form": form,
            "title": "Zweiten Faktor einrichten",
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(
                scale=5, dark="#000", light="#fff"
            ),
            "key": _key_groups(device),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def backup_codes(request, *, site):
    """New backup codes for a staff member who has passed both steps (shown once)."""
    person = request.user
    if request.method == "POST":
        codes = services.backup_codes_renew(person=person)
        return _render(
            request,
            site,
            "staffauth/backup_codes.html",
            {"codes": codes, "title": "Ihre neuen Sicherungscodes", "enrolled": False},
        )
    return _render(
        request,
        site,
        "staffauth/backup_codes_renew.html",
        {
            "title": "Zweiter Faktor",
            "left": selectors.staff_backup_codes_left(person=person),
        },
    )
