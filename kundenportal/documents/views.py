"""The public certificate check: the QR code on a certificate leads here.

It confirms only that a certificate with this code exists, for whom, for which event and
from when, and whether it was revoked (Widerruf: when; the reason stays internal); nothing
else about the person. Codes are 120 random bits, so they cannot be
guessed, and an unknown, malformed or expired code answers the same 404.
"""

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from . import selectors
from .models import VERIFICATION_ALPHABET, VERIFICATION_CODE_LENGTH
from .services import qualification_text


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch not in " -")


def _code_matches(code: str) -> bool:
    if len(code) != VERIFICATION_CODE_LENGTH or not set(code) <= set(VERIFICATION_ALPHABET):
        return False
    try:
        selectors.certificate_for_check(code=code, today=timezone.localdate())
    except ObjectDoesNotExist:
        return False
    return True


class CertificateCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Prüfcode der Bescheinigung"),
        max_length=64,
        help_text=_("Er steht unten auf der Bescheinigung, z. B. ABCD-EFGH-JKLM-NPQR-STUV-WXYZ."),
    )

    def clean_code(self) -> str:
        code = _normalised(self.cleaned_data["code"])
        # One answer for unknown, malformed and expired codes alike.
        if not _code_matches(code):
            raise forms.ValidationError(
                _(
                    "Zu diesem Prüfcode gibt es keine gültige Bescheinigung. "
                    "Bitte prüfen Sie Ihre Eingabe."
                )
            )
        return code


@require_safe
def certificate_check_form(request):
    """For a printed certificate without a phone at hand: type the code instead of the QR."""
    form = CertificateCodeForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return redirect("documents:certificate_check", code=form.cleaned_data["code"])
    response = render(request, "documents/certificate_check_form.html", {"form": form})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _qualification_name(row: dict) -> str:
    name = row["participation__event__qualification__name"] or ""
    basis = row["participation__event__qualification__legal_basis"]
    return f"{name} ({basis})" if name and basis else name


@require_safe
def certificate_check(request, code: str):
    code = _normalised(code)
    if len(code) != VERIFICATION_CODE_LENGTH or not set(code) <= set(VERIFICATION_ALPHABET):
        raise Http404
    try:
        row = selectors.certificate_for_check(code=code, today=timezone.localdate())
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    name = " ".join(
        part
        for part in (
            row["participation__person__title"],
            row["participation__person__first_name"],
            row["participation__person__last_name"],
        )
        if part
    )
    response = render(
        request,
        "documents/certificate_check.html",
        {
            "name": name,
            "event_title": row["participation__event__title"],
            "first_day": row["participation__event__first_day"],
            "last_day": row["participation__event__last_day"],
            "issued_on": row["issued_on"],
            "revoked_at": row["revoked_at"] and timezone.localtime(row["revoked_at"]),
            "replaced_on": row["replaced_by__issued_on"],
            "qualification": qualification_text(
                name=_qualification_name(row),
                refresh_months=row["participation__event__qualification__refresh_months"] or 0,
                role=row["participation__event__qualification_role"],
                last_day=row["participation__event__last_day"],
            ),
        },
    )
    # Not for shared caches or search engines.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
