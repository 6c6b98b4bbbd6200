"""The public 3-step registration form (Teilnehmerdaten → Adressdaten → Bemerkungen und Abschluss).

Every step stores what was typed in the session, keyed per event, so back and forward keep
all entries without JavaScript and nothing the later steps rely on travels in hidden fields.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kundenportal.accounts.models import Person
from kundenportal.core.net import client_ip
from kundenportal.core.text import number_or_none
from kundenportal.events.models import Event
from kundenportal.events.selectors import event_public_get

from . import prefill
from .consent import consent_versions_current
from .forms import AddressForm, ContactForm, FinishForm, ParticipantFormSet
from .limits import registration_slots_release, registration_slots_take
from .models import Participation
from .selectors import registration_is_open, registration_submitted_get
from .services.booking import MAX_PARTICIPANTS, RegistrationError, registration_submit
from .services.resolution import AddressData, ParticipantData

PARTICIPANT_FIELDS = ("salutation", "title", "first_name", "last_name", "email")
ADDRESS_FIELDS = ("is_private", "company_name", "street", "postal_code", "city", "country", "phone")


def _key(event: Event) -> str:
    return f"kp_registration:{event.number}"


def _done_key(event: Event) -> str:
    return f"kp_registration_done:{event.number}"


def _state(request, event: Event) -> dict:
    """What was typed so far; a new form's state is stored only once something is sent, so
    merely looking at the form (or a crawler following the link) creates no session."""
    state = request.session.get(_key(event))
    if not state:
        # One token per filled-in form: a second submit of it returns the first registration.
        state = {"token": str(uuid.uuid4()), "participants": [{}]}
    return state


def _save(request, event: Event, state: dict) -> None:
    request.session[_key(event)] = state
    request.session.modified = True


def _url(name: str, event: Event) -> str:
    return reverse(f"registrations:{name}", args=[event.number])


def _load_event(request, number: str) -> Event:
    """The event as the public sees it: unknown numbers and drafts are a 404."""
    try:
        return event_public_get(number=number)
    except Event.DoesNotExist as exc:
        raise Http404("Diese Veranstaltung gibt es nicht.") from exc


def _closed(request, event: Event):
    return render(request, "registrations/closed.html", {"event": event}, status=410)


def _context(event: Event, step: int, **extra) -> dict:
    return {"event": event, "step": step, **extra}


# Unvalidated entries are kept so nothing typed is lost, but never more than this per field.
RAW_MAX_LENGTH = 500


def _raw(value) -> str:
    return str(value or "")[:RAW_MAX_LENGTH]


def _raw_participants(formset) -> list[dict]:
    return [{name: _raw(form[name].value()) for name in PARTICIPANT_FIELDS} for form in formset]


@never_cache
def start(request, number: str):
    """The form's entry; a link with ``?vorbelegung=…`` (a Fachkunde reminder, "Meine
    Dokumente") fills it with the account's data unless something was typed already."""
    event = _load_event(request, number)
    value = request.GET.get(prefill.PARAMETER, "")
    if value and not request.session.get(_key(event)):
        person = prefill.prefill_person(value=value, user=request.user)
        if person is not None:
            state = _state(request, event)
            state.update(prefill.prefill_state(person))
            _save(request, event, state)
    return redirect(_url("participants", event))


@never_cache
@require_http_methods(["GET", "POST"])
def participants(request, number: str):
    event = _load_event(request, number)
    if not registration_is_open(event):
        return _closed(request, event)
    state = _state(request, event)
    if request.method == "POST":
        formset = ParticipantFormSet(request.POST, prefix="p")
        contact = ContactForm(request.POST)
        rows = _raw_participants(formset) or [{}]
        state["correspondence_email"] = _raw(contact["correspondence_email"].value()).strip()
        action = request.POST.get("action", "next")
        if action == "add":
            if len(rows) < MAX_PARTICIPANTS:
                rows.append({})
            state["participants"] = rows
            state["step1_valid"] = False
            _save(request, event, state)
            return HttpResponseRedirect(_url("participants", event) + f"#person-{len(rows)}")
        if action.startswith("remove-"):
            index = action.removeprefix("remove-")
            if (row_index := number_or_none(index)) is not None and row_index < len(rows):
                rows.pop(row_index)
            state["participants"] = rows or [{}]
            state["step1_valid"] = False
            _save(request, event, state)
            return redirect(_url("participants", event))
        state["participants"] = rows
        if formset.is_valid() and contact.is_valid():
            state["participants"] = [
                {name: form.cleaned_data.get(name, "") for name in PARTICIPANT_FIELDS}
                for form in formset.forms
            ]
            state["correspondence_email"] = contact.cleaned_data["correspondence_email"]
            state["step1_valid"] = True
            _save(request, event, state)
            return redirect(_url("address", event))
        state["step1_valid"] = False
        _save(request, event, state)
        if not formset.forms:
            # Nobody left to show: offer an empty row beside the error.
            errors = formset.non_form_errors()
            formset = ParticipantFormSet(initial=[{}], prefix="p")
            formset._non_form_errors = errors
    else:
        formset = ParticipantFormSet(initial=state.get("participants") or [{}], prefix="p")
        contact = ContactForm(initial={"correspondence_email": state.get("correspondence_email")})
    return render(
        request,
        "registrations/step_participants.html",
        _context(
            event,
            1,
            formset=formset,
            contact=contact,
            can_add=len(formset.forms) < MAX_PARTICIPANTS,
            max_participants=MAX_PARTICIPANTS,
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def address(request, number: str):
    event = _load_event(request, number)
    if not registration_is_open(event):
        return _closed(request, event)
    state = _state(request, event)
    if not state.get("step1_valid"):
        return redirect(_url("participants", event))
    if request.method == "POST":
        form = AddressForm(request.POST)
        state["address"] = {
            name: bool(form[name].value()) if name == "is_private" else _raw(form[name].value())
            for name in ADDRESS_FIELDS
        }
        if request.POST.get("action") == "back":
            state["step2_valid"] = False
            _save(request, event, state)
            return redirect(_url("participants", event))
        if form.is_valid():
            state["address"] = {name: form.cleaned_data[name] for name in ADDRESS_FIELDS}
            state["step2_valid"] = True
            _save(request, event, state)
            return redirect(_url("finish", event))
        state["step2_valid"] = False
        _save(request, event, state)
    else:
        form = AddressForm(initial=state.get("address") or None)
    return render(request, "registrations/step_address.html", _context(event, 2, form=form))


@never_cache
@require_http_methods(["GET", "POST"])
def finish(request, number: str):
    event = _load_event(request, number)
    done = request.session.get(_done_key(event))
    state = request.session.get(_key(event))
    if request.method == "POST" and done and not state:
        # The same form sent twice (double click after the first went through).
        return redirect(_url("thanks", event))
    if not registration_is_open(event):
        return _closed(request, event)
    state = _state(request, event)
    if not state.get("step1_valid"):
        return redirect(_url("participants", event))
    if not state.get("step2_valid"):
        return redirect(_url("address", event))
    error = None
    if request.method == "POST":
        form = FinishForm(request.POST)
        state["remarks"] = (form["remarks"].value() or "")[:2000]
        if request.POST.get("action") == "back":
            _save(request, event, state)
            return redirect(_url("address", event))
        _save(request, event, state)
        limited = {
            "client_ip": client_ip(request),
            "correspondence_email": state["correspondence_email"],
        }
        slots = None
        if form.is_valid():
            # The slot is taken before the submit (one atomic step) and given back below
            # unless a registration was taken.
            slots, error = registration_slots_take(**limited)
        if slots is not None:
            result = None
            try:
                with transaction.atomic():
                    result = registration_submit(
                        event=event,
                        participants=[ParticipantData(**p) for p in state["participants"]],
                        correspondence_email=state["correspondence_email"],
                        address=AddressData(**state["address"]),
                        remarks=form.cleaned_data["remarks"],
                        consent=form.cleaned_data["accept_terms"]
                        and form.cleaned_data["accept_privacy"],
                        submission_token=uuid.UUID(state["token"]),
                        # The versions of the terms and privacy notice the page linked to.
                        consent_versions=state.get("consent_versions"),
                    )
            except RegistrationError as exc:
                error = exc.message
            except ValidationError as exc:
                # The steps validate everything; this is the last line, never a server error.
                error = " ".join(exc.messages)
            finally:
                if result is None or not result.created:
                    registration_slots_release(slots=slots)
            if result is not None:
                request.session[_done_key(event)] = result.registration.pk
                request.session.pop(_key(event), None)
                return redirect(_url("thanks", event))
    else:
        form = FinishForm(initial={"remarks": state.get("remarks", "")})
    versions = consent_versions_current()
    if state.get("consent_versions") != versions:
        state["consent_versions"] = versions
        _save(request, event, state)
    participants_ = state["participants"]
    free = event.free_seats
    summary = [
        {**p, "waitlisted": index >= free, "salutation_label": _salutation(p.get("salutation"))}
        for index, p in enumerate(participants_)
    ]
    return render(
        request,
        "registrations/step_finish.html",
        _context(
            event,
            3,
            form=form,
            error=error,
            summary=summary,
            correspondence_email=state["correspondence_email"],
            address=state["address"],
            waitlisted_count=sum(p["waitlisted"] for p in summary),
        ),
    )


def _salutation(value: str | None) -> str:
    return dict(Person.Salutation.choices).get(value, "") if value else ""


@never_cache
def thanks(request, number: str):
    event = _load_event(request, number)
    registration = registration_submitted_get(pk=request.session.get(_done_key(event)), event=event)
    if registration is None:
        return redirect("events:detail", number=event.number)
    waitlisted = any(
        p.status == Participation.Status.WAITLISTED for p in registration.participations.all()
    )
    return render(
        request,
        "registrations/thanks.html",
        {"event": event, "registration": registration, "waitlisted": waitlisted},
    )
