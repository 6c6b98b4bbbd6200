import datetime as dt
import io
import json
import re
import zipfile
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kundenportal.audit.services import audit_log
from kundenportal.core.formatting import date_text, datetime_text
from kundenportal.notifications.services import mail_enqueue

from .models import DeletionRequest
from .register import REGISTER, export_value

# Raised when the shape of daten.json changes (keys renamed, categories added).
EXPORT_SCHEMA_VERSION = 2


@transaction.atomic
def deletion_request_create(*, person, reason: str = "") -> DeletionRequest:
    """Record the person's wish to have the account deleted and tell the back office.

    A second request while one is open returns the open one.
    """
    existing = DeletionRequest.objects.filter(
        person=person, status=DeletionRequest.Status.OPEN
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            request = DeletionRequest.objects.create(
                person=person, username=person.username, reason=reason.strip()[:2000]
            )
    except IntegrityError:
        # A parallel submit created it a moment ago.
        return DeletionRequest.objects.get(person=person, status=DeletionRequest.Status.OPEN)
    audit_log(actor=person, action="person.deletion_requested", obj=person)
    mail_enqueue(
        template="deletion_requested",
        to=[settings.PROVIDER["marketing_email"]],
        context={"request_id": request.pk, "username": person.username},
        dedupe_key=f"deletion_requested:{request.pk}",
    )
    return request


def person_export_data(*, person, today=None) -> dict[str, Any]:
    """Everything stored about the person, as plain data with German keys (no password
    hashes, no secrets): one entry per category of the register, in its order."""
    today = today or timezone.localdate()
    data: dict[str, Any] = {
        "Schema-Version": EXPORT_SCHEMA_VERSION,
        "Exportiert am": export_value(timezone.now()),
        "Verantwortlich": settings.PROVIDER["long_name"],
    }
    for category in REGISTER:
        if category.export_key:
            data[category.export_key] = category.export(person, today)
    return data


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?[+-]\d{2}:\d{2})?$")


def _readable(value: Any) -> str:
    """A value of daten.json as the Auskunft shows it: German dates and times."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str) and ISO_DAY.match(value):
        if "T" in value:
            return datetime_text(dt.datetime.fromisoformat(value))
        return date_text(dt.date.fromisoformat(value))
    if value is True:
        return "ja"
    if value is False:
        return "nein"
    if isinstance(value, list):
        return ", ".join(_readable(v) for v in value) or "–"
    return str(value)


def _pairs(row: Any, prefix: str = "") -> list[tuple[str, str]]:
    """A row of daten.json as (label, text) pairs, nested entries flattened."""
    if not isinstance(row, dict):
        return [(prefix or "Wert", _readable(row))]
    pairs = []
    for key, value in row.items():
        label = f"{prefix} – {key}" if prefix else key
        if isinstance(value, dict):
            pairs += _pairs(value, label)
        else:
            pairs.append((label, _readable(value)))
    return pairs


def person_export_information(*, person, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The Auskunft's categories (Art. 15 DSGVO): each with purpose, retention period,
    source and how many entries the export holds of it."""
    rows = []
    for category in REGISTER:
        if not category.export_key:
            continue
        value = data.get(category.export_key)
        count = len(value) if isinstance(value, list) else int(value is not None)
        rows.append(
            {
                "key": category.export_key,
                "label": category.label,
                "purpose": category.purpose,
                "retention": category.retention,
                "source": category.source,
                "count": count,
                "rows": [_pairs(row) for row in (value if isinstance(value, list) else [value])]
                if value
                else [],
            }
        )
    return rows


@transaction.atomic
def person_export(*, person, out: io.IOBase) -> None:
    """Write "Meine Daten herunterladen" into ``out``: a ZIP with daten.json (machine-
    readable), auskunft.html (the same as a readable German document) and the files the
    person may have (``documents.access``: never a revoked certificate)."""
    today = timezone.localdate()
    data = person_export_data(person=person, today=today)
    auskunft = render_to_string(
        "privacy/auskunft.html",
        {
            "person": person,
            "provider": settings.PROVIDER,
            "exported_at": timezone.localtime(timezone.now()),
            "categories": person_export_information(person=person, data=data),
            "schema_version": EXPORT_SCHEMA_VERSION,
        },
    )
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "daten.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        archive.writestr("auskunft.html", auskunft)
        for category in REGISTER:
            for name, file in category.export_files(person, today):
                try:
                    source = file.open("rb")
                except (FileNotFoundError, OSError, ValueError):
                    # A lost file must not block the export of everything else.
                    archive.writestr(
                        name + ".fehlt.txt", _("Diese Datei ist nicht mehr vorhanden.")
                    )
                    continue
                with source, archive.open(name, "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
    audit_log(actor=person, action="person.export", obj=person)
