"""The participant's pages. Thin: every read goes through a selector scoped to request.user,
so another person's id is a 404, never a 403 that confirms it exists."""

import tempfile
import time
from functools import wraps

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kundenportal.accounts.backends import INITIAL_PASSWORD_SESSION_KEY
from kundenportal.core.paging import page_of
from kundenportal.documents import selectors
from kundenportal.privacy.selectors import deletion_request_open
from kundenportal.privacy.services import deletion_request_create, person_export
from kundenportal.qualifications.selectors import (
    qualification_reminders_enabled,
    qualifications_for_person,
)
from kundenportal.qualifications.services import qualification_reminders_switch

from . import rows
from .calendar import event_ics
from .forms import (
    DeletionRequestForm,
    LoginForm,
    PasswordChangeOwnForm,
    PasswordResetRequestForm,
    PasswordSetForm,
)
from .fragments import render_rows
from .services import pad_to_min_duration, password_reset_request

PRIVATE_NO_STORE = "private, no-store"


def _private(response):
    # Personal pages and files: never kept by a shared proxy or the browser's cache.
    response["Cache-Control"] = PRIVATE_NO_STORE
    return response


def portal_view(view):
    """Login required; the answer is never cached."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return _private(view(request, *args, **kwargs))

    return wrapped


def _page(request, queryset):
    return page_of(queryset, request.GET.get("seite"), settings.PORTAL_PAGE_SIZE)


# --- Login, logout, passwords ---------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        if self.request.session.get(INITIAL_PASSWORD_SESSION_KEY):
            return reverse("portal:password_set")
        return super().get_success_url()


class LogoutView(auth_views.LogoutView):
    # POST only (Django's LogoutView refuses GET).
    next_page = reverse_lazy("portal:login")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("Sie haben sich abgemeldet."))
        return response


def _password_saved(request, form):
    form.save()
    # New session key; this session stays valid, every other session of the person ends
    # (their stored password hash no longer matches).
    update_session_auth_hash(request, form.user)
    request.session.pop(INITIAL_PASSWORD_SESSION_KEY, None)


@portal_view
@require_http_methods(["GET", "POST"])
def password_set(request):
    """First login: the initial password must be replaced before anything else."""
    if not request.session.get(INITIAL_PASSWORD_SESSION_KEY):
        return redirect("portal:password_change")
    form = PasswordSetForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        _password_saved(request, form)
        messages.success(
            request, _("Ihr Passwort ist gespeichert. Willkommen in Ihrem Kundenportal!")
        )
        return redirect("portal:home")
    return render(request, "portal/password_set.html", {"form": form})


@portal_view
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeOwnForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        _password_saved(request, form)
        messages.success(request, _("Ihr neues Passwort ist gespeichert."))
        return redirect("portal:data")
    return render(request, "portal/password_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        started = time.monotonic()
        password_reset_request(identifier=form.cleaned_data["identifier"])
        # Same answer, same time, whether or not an account was found.
        pad_to_min_duration(started)
        return redirect("portal:password_reset_done")
    return render(request, "portal/password_reset.html", {"form": form})


def password_reset_done(request):
    return render(
        request,
        "portal/password_reset_done.html",
        {"reset_hours": max(settings.PASSWORD_RESET_TIMEOUT // 3600, 1)},
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    form_class = PasswordSetForm
    success_url = reverse_lazy("portal:password_reset_complete")
    reset_url_token = "neues-passwort"  # noqa: S105  (a URL segment, not a secret)

    def form_valid(self, form):
        response = super().form_valid(form)
        # The lockout page points here: whoever proved the account by mail may log in again.
        axes_reset(username=form.user.username)
        return response


def password_reset_complete(request):
    return render(request, "portal/password_reset_complete.html")


# --- The four sections ----------------------------------------------------------------------


@portal_view
def home(request):
    return render(request, "portal/home.html")


@portal_view
def participations(request):
    today = timezone.localdate()
    page = _page(request, selectors.participations_attended(person=request.user, today=today))
    return render(
        request,
        "portal/participations.html",
        {
            "page": page,
            "rows_html": render_rows("participation_rows.html", rows.participation_rows(page)),
            "section": "teilnahmen",
        },
    )


@portal_view
def course_documents(request):
    today = timezone.localdate()
    page = _page(request, selectors.participations_with_documents(person=request.user, today=today))
    return render(
        request,
        "portal/course_documents.html",
        {
            "page": page,
            "rows_html": render_rows(
                "course_document_rows.html", rows.course_document_rows(page, today=today)
            ),
            "section": "unterlagen",
        },
    )


@portal_view
def documents(request):
    today = timezone.localdate()
    page = _page(request, selectors.certificates_for_person(person=request.user, today=today))
    # Links are few (confirmed online events within 42 days); the cap only bounds the page.
    # A certificate row tells whether there are any (an empty page cannot).
    links = []
    if not page.object_list or page.object_list[0][selectors.ONLINE_LINKS_EXIST]:
        links = selectors.online_links_for_person(person=request.user, today=today)[:50]
    return render(
        request,
        "portal/documents.html",
        {
            "page": page,
            "rows_html": render_rows(
                "certificate_rows.html", rows.certificate_rows(page, today=today)
            ),
            "links": rows.online_link_rows(links),
            "qualifications": rows.qualification_rows(
                qualifications_for_person(person=request.user, today=today)
            ),
            "section": "dokumente",
        },
    )


@portal_view
def data(request):
    return render(
        request,
        "portal/data.html",
        {
            "section": "daten",
            "deletion_request": deletion_request_open(person=request.user),
            "qualification_reminders": qualification_reminders_enabled(person=request.user),
        },
    )


@portal_view
@require_POST
def qualification_reminders(request):
    enabled = request.POST.get("erinnerungen") == "an"
    qualification_reminders_switch(person=request.user, enabled=enabled, via="portal")
    if enabled:
        messages.success(
            request, _("Sie erhalten wieder Erinnerungen, bevor Ihre Fachkunde abläuft.")
        )
    else:
        messages.success(request, _("Sie erhalten keine Fachkunde-Erinnerungen mehr."))
    return redirect(reverse("portal:data") + "#fachkunde-erinnerungen")


# --- Downloads: looked up for request.user only --------------------------------------------


def _file_download(obj):
    try:
        handle = obj.file.open("rb")
    except (FileNotFoundError, ValueError, OSError) as exc:
        raise Http404("Die Datei ist nicht mehr vorhanden.") from exc
    # The file is passed on in chunks as it is read (from S3 too: core/s3.py), never
    # held whole in memory.
    response = FileResponse(
        handle, as_attachment=True, filename=obj.filename, content_type=obj.content_type
    )
    # A stream from object storage cannot tell FileResponse its length; the storage can.
    response.setdefault("Content-Length", handle.file.size)
    return response


def _owned(selector, request, pk: int, **kwargs):
    """The object ``selector`` finds for the logged-in person, else 404 (never 403: another
    person's id must not even be confirmed to exist)."""
    try:
        return selector(person=request.user, pk=pk, **kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@portal_view
def course_document_download(request, pk: int):
    today = timezone.localdate()
    return _file_download(_owned(selectors.course_document_for_person, request, pk, today=today))


@portal_view
def certificate_download(request, pk: int):
    today = timezone.localdate()
    return _file_download(_owned(selectors.certificate_for_person, request, pk, today=today))


@portal_view
def online_link_open(request, pk: int):
    today = timezone.localdate()
    link = _owned(selectors.online_link_for_person, request, pk, today=today)
    # Staff entered the URL (URLField: http/https only).
    return HttpResponseRedirect(link.url)


@portal_view
def participation_calendar(request, pk: int):
    participation = _owned(selectors.participation_booked_for_person, request, pk)
    response = HttpResponse(
        event_ics(participation.event), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{participation.event.number}.ics"'
    return response


# --- Meine Daten: export and deletion request ----------------------------------------------


@portal_view
@require_POST
def data_export(request):
    # Spooled: small exports stay in memory, large ones go to a temporary file.
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    person_export(person=request.user, out=out)
    out.seek(0)
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"meine-daten-{request.user.username}-{stamp}.zip",
        content_type="application/zip",
    )


@portal_view
@require_http_methods(["GET", "POST"])
def deletion_request(request):
    form = DeletionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        deletion_request_create(person=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _(
                "Ihr Antrag auf Löschung ist bei uns eingegangen. Das Marketing prüft ihn und "
                "meldet sich bei Ihnen."
            ),
        )
        return redirect("portal:data")
    return render(request, "portal/deletion_request.html", {"form": form, "section": "daten"})
