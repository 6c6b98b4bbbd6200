"""One-click unsubscribe of the Fachkunde reminders (RFC 8058), without logging in.

GET shows a button (a link checker or mail scanner that opens the link changes nothing);
POST — the button, or a mail client's one-click request with the body
"List-Unsubscribe=One-Click" — switches the reminders off. The signed link is all the
authority there is, so the POST needs no CSRF token; the page names nobody and answers the
same for an account that is gone.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kundenportal.accounts.models import Person

from .services import qualification_reminders_switch
from .tokens import unsubscribe_person_id


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    person_id = unsubscribe_person_id(token)
    if person_id is None:
        return _private(render(request, "qualifications/unsubscribe_invalid.html", status=404))
    if request.method == "POST":
        person = Person.objects.filter(pk=person_id).first()
        if person is not None:
            qualification_reminders_switch(person=person, enabled=False, via="unsubscribe_link")
        return _private(render(request, "qualifications/unsubscribe_done.html"))
    return _private(render(request, "qualifications/unsubscribe_confirm.html"))
