"""Errors as RFC 9457 problem documents (``application/problem+json``), German ``detail``.

Every error the API answers is one of these: a malformed body (400), no or a wrong token (401),
a missing scope (403), an unknown object (404), a state that forbids the action (409), invalid
fields (422, with ``errors`` per field), too many requests (429).
"""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse

# Each kind of problem is explained on the API's reference page (``/api/v1/docs``).
PROBLEM_KINDS = {
    "ungueltige-anfrage": "Der Inhalt ist kein gültiges JSON oder ein Parameter hat das falsche Format.",
    "nicht-angemeldet": "Kein, ein falsches, ersetztes oder widerrufenes Token.",
    "keine-berechtigung": "Der Schnittstelle fehlt eine Berechtigung.",
    "berechtigung-fehlt": "Der Schnittstelle fehlt die genannte Berechtigung (Scope).",
    "nicht-gefunden": "Das Objekt gibt es nicht (oder es gehört einer anderen Schnittstelle).",
    "veranstaltung-unbekannt": "Eine Veranstaltung mit dieser Nummer gibt es nicht.",
    "konflikt": "Der aktuelle Stand erlaubt die Aktion nicht (z. B. abgesagt, bereits angemeldet).",
    "ausgebucht": "Nicht genug freie Plätze und keine Warteliste gewünscht.",
    "ungueltige-daten": "Felder sind ungültig; die Liste errors nennt sie.",
    "idempotency-key-wiederverwendet": "Der Idempotency-Key wurde für eine andere Anfrage verwendet.",
    "zu-viele-anfragen": "Das Limit pro Minute ist erreicht; Retry-After nennt die Wartezeit.",
    "fehler": "Ein anderer Fehler.",
}


def problem_type(kind: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/api/v1/docs#problem-{kind}"


TITLES = {
    400: "Ungültige Anfrage",
    401: "Nicht angemeldet",
    403: "Keine Berechtigung",
    404: "Nicht gefunden",
    405: "Methode nicht erlaubt",
    409: "Konflikt",
    413: "Anfrage zu groß",
    422: "Ungültige Daten",
    429: "Zu viele Anfragen",
    500: "Technischer Fehler",
}


class Problem(Exception):
    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str = "",
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind or {
            400: "ungueltige-anfrage",
            401: "nicht-angemeldet",
            403: "keine-berechtigung",
            404: "nicht-gefunden",
            409: "konflikt",
            422: "ungueltige-daten",
            429: "zu-viele-anfragen",
        }.get(status, "fehler")
        self.errors = errors or []
        self.headers = headers or {}


def problem_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    body: dict[str, Any] = {
        "type": problem_type(problem.kind),
        "title": TITLES.get(problem.status, "Fehler"),
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.path,
    }
    if problem.errors:
        body["errors"] = problem.errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=problem.status,
        content_type="application/problem+json; charset=utf-8",
    )
    for name, value in problem.headers.items():
        response[name] = value
    if problem.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="kundenportal"'
    return response


UPLOAD_CODES = {"file_type", "empty", "file_size", "file_content"}


def _messages(error: DjangoValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def problem_from_validation(error: DjangoValidationError) -> Problem:
    """A service's German ValidationError: one message as ``detail``, fields as ``errors``.

    Errors of fields (``full_clean``) are 422; a plain message is a service refusing what the
    object's state does not allow (a cancelled event, a participation already attended): 409.
    """
    errors = []
    status = 422 if hasattr(error, "error_dict") else 409
    if not hasattr(error, "error_dict"):
        # The upload checks (core/uploads.py) name the file's problem: the input is wrong.
        files = [e for e in error.error_list if e.code in UPLOAD_CODES]
        if files:
            errors = [{"pointer": "#/file", "detail": m} for e in files for m in e.messages]
            return Problem(422, " ".join(_messages(error)), errors=errors)
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            for item in field_errors:
                for message in item.messages:
                    pointer = "" if field == "__all__" else f"#/{field}"
                    errors.append({"pointer": pointer, "detail": str(message)})
        detail = errors[0]["detail"] if len(errors) == 1 else "Die Daten sind nicht gültig."
    else:
        messages = _messages(error)
        detail = " ".join(messages) or "Die Daten sind nicht gültig."
    return Problem(status, detail, errors=errors)


# German texts for pydantic's error types (the ones a client meets in practice).
_PYDANTIC_DE = {
    "missing": "Dieses Feld fehlt.",
    "string_type": "Hier wird ein Text erwartet.",
    "int_type": "Hier wird eine ganze Zahl erwartet.",
    "int_parsing": "Hier wird eine ganze Zahl erwartet.",
    "decimal_parsing": "Hier wird eine Zahl erwartet.",
    "decimal_type": "Hier wird eine Zahl erwartet.",
    "float_parsing": "Hier wird eine Zahl erwartet.",
    "bool_type": "Hier wird true oder false erwartet.",
    "bool_parsing": "Hier wird true oder false erwartet.",
    "date_type": "Hier wird ein Datum (JJJJ-MM-TT) erwartet.",
    "date_parsing": "Hier wird ein Datum (JJJJ-MM-TT) erwartet.",
    "date_from_datetime_parsing": "Hier wird ein Datum (JJJJ-MM-TT) erwartet.",
    "datetime_parsing": "Hier wird ein Zeitpunkt (ISO 8601) erwartet.",
    "datetime_type": "Hier wird ein Zeitpunkt (ISO 8601) erwartet.",
    "datetime_from_date_parsing": "Hier wird ein Zeitpunkt (ISO 8601) erwartet.",
    "list_type": "Hier wird eine Liste erwartet.",
    "dict_type": "Hier wird ein Objekt erwartet.",
    "model_type": "Hier wird ein Objekt erwartet.",
    "model_attributes_type": "Hier wird ein Objekt erwartet.",
    "string_too_short": "Der Text ist zu kurz.",
    "string_too_long": "Der Text ist zu lang.",
    "too_short": "Die Liste hat zu wenige Einträge.",
    "too_long": "Die Liste hat zu viele Einträge.",
    "greater_than_equal": "Der Wert ist zu klein.",
    "greater_than": "Der Wert ist zu klein.",
    "less_than_equal": "Der Wert ist zu groß.",
    "less_than": "Der Wert ist zu groß.",
    "literal_error": "Dieser Wert ist nicht erlaubt.",
    "enum": "Dieser Wert ist nicht erlaubt.",
    "extra_forbidden": "Dieses Feld ist unbekannt.",
    "value_error": "Der Wert ist nicht gültig.",
    "string_pattern_mismatch": "Der Wert hat nicht das erwartete Format.",
    "uuid_parsing": "Hier wird eine UUID erwartet.",
    "url_parsing": "Hier wird eine Adresse (URL) erwartet.",
    "url_scheme": "Die Adresse muss mit http:// oder https:// beginnen.",
    "json_invalid": "Der Inhalt ist kein gültiges JSON.",
}


def problem_from_pydantic(errors: list[dict[str, Any]]) -> Problem:
    items = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ninja puts where the value came from first (body, query, path, header, form).
        source = loc[0] if loc else ""
        path = loc[1:] if source in ("body", "query", "path", "header", "form", "file") else loc
        if source == "body" and path and path[0] in ("payload", "data", "body"):
            path = path[1:]
        message = _PYDANTIC_DE.get(error.get("type", ""), "Der Wert ist nicht gültig.")
        items.append({"pointer": "#/" + "/".join(path), "detail": message, "in": source})
    if any(error.get("type") == "json_invalid" for error in errors):
        return Problem(400, "Der Inhalt der Anfrage ist kein gültiges JSON.", errors=items)
    return Problem(422, "Die Anfrage enthält ungültige Felder.", errors=items)
