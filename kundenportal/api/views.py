"""The API reference page: rendered on the server from the OpenAPI document, with the app's
own stylesheet (no script, no CDN, so the strict CSP holds)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .api import api
from .problems import PROBLEM_KINDS, Problem, problem_response

API_PREFIX = "/api/"

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(ref: dict | None) -> str:
    if not ref:
        return ""
    if "$ref" in ref:
        return ref["$ref"].rsplit("/", 1)[-1]
    if ref.get("type") == "array" and "items" in ref:
        return f"Liste von {_schema_name(ref['items'])}"
    return ref.get("type", "")


@require_GET
def reference(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema()
    operations = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            body = op.get("requestBody", {}).get("content", {})
            body_schema = next(iter(body.values()), {}).get("schema") if body else None
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "tag": (op.get("tags") or ["Allgemein"])[0],
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "body": _schema_name(body_schema),
                    "responses": [
                        {
                            "status": status,
                            "schema": _schema_name(
                                next(iter(r.get("content", {}).values()), {}).get("schema")
                            ),
                        }
                        for status, r in op.get("responses", {}).items()
                    ],
                }
            )
    components = schema.get("components", {}).get("schemas", {})
    models = [
        {
            "name": name,
            "fields": [
                {
                    "name": field,
                    "type": _schema_name(spec)
                    or " | ".join(_schema_name(x) for x in spec.get("anyOf", [])),
                    "required": field in model.get("required", []),
                    "description": spec.get("description", ""),
                }
                for field, spec in model.get("properties", {}).items()
            ],
        }
        for name, model in sorted(components.items())
    ]
    return render(
        request,
        "api/reference.html",
        {
            "info": schema["info"],
            "operations": operations,
            "models": models,
            "problems": sorted(PROBLEM_KINDS.items()),
        },
    )


def error_answer(request: HttpRequest, status: int) -> HttpResponse:
    """404 and 500 under /api/ as problem documents (registered with ``core.errors``)."""
    detail = {404: "Nicht gefunden."}.get(
        status, "Ein technischer Fehler ist aufgetreten. Bitte versuchen Sie es später erneut."
    )
    return problem_response(request, Problem(status, detail))
