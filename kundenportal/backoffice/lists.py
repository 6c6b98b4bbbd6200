"""The lists staff print or open in a spreadsheet, and all certificates of an event as a ZIP.

- Anwesenheitsliste (PDF, reportlab like the certificates, DejaVu embedded): number, name,
  company and one signature column per event day (up to five; longer events get one
  column), the header repeated on every page.
- Teilnehmerliste as CSV (``;``, UTF-8 with BOM, so German Excel opens it as it is) and as
  XLSX (openpyxl, write-only). Cells that a spreadsheet would run as a formula (starting
  with = + - @ or a control character) are defused: CSV gets a leading apostrophe (OWASP's
  advice), XLSX stores them as text cells.
- Bescheinigungen as ZIP: zipstream-ng builds the archive while it is sent; each file is
  read from storage in chunks only when the archive reaches it, so memory does not grow
  with the number of certificates.
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from io import BytesIO
from pathlib import PurePosixPath
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from zipstream import ZipStream

from kundenportal.core.formatting import date_text
from kundenportal.core.spreadsheet import csv_safe, xlsx_cell
from kundenportal.documents.models import Certificate
from kundenportal.documents.pdf import BOLD, REGULAR, _register_fonts
from kundenportal.events.models import Event
from kundenportal.events.presentation import event_date_range, event_place
from kundenportal.registrations.models import Participation

MAX_DAY_COLUMNS = 5
STATUS_LABELS = dict(Participation.Status.choices)
SALUTATION_LABELS = {"frau": "Frau", "herr": "Herr", "divers": "Divers"}


def _name(row: dict) -> str:
    return " ".join(
        part
        for part in (row["person__title"], row["person__first_name"], row["person__last_name"])
        if part
    )


def _company(row: dict) -> str:
    return row["company__name"] or row["registration__company_name"] or ""


# --- Anwesenheitsliste ----------------------------------------------------------------------


def _day_columns(event: Event) -> list[str]:
    if event.duration_days > MAX_DAY_COLUMNS:
        return ["Unterschrift"]
    return [
        f"Unterschrift {date_text(event.first_day + dt.timedelta(days=i))}"
        for i in range(event.duration_days)
    ]


def attendance_pdf(*, event: Event, rows: Iterable[dict]) -> bytes:
    """The attendance list of ``event`` as a PDF (A4 landscape, as many pages as needed)."""
    _register_fonts()
    buffer = BytesIO()
    page = landscape(A4)
    provider = settings.PROVIDER

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(REGULAR, 8)
        canvas.drawString(15 * mm, 8 * mm, f"{provider['long_name']} · {event.number}")
        canvas.drawRightString(page[0] - 15 * mm, 8 * mm, f"Seite {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Anwesenheitsliste {event.number}",
        author=provider["long_name"],
    )
    heading = ParagraphStyle("heading", fontName=BOLD, fontSize=14, leading=18)
    text = ParagraphStyle("text", fontName=REGULAR, fontSize=9, leading=11)
    place = event_place(event)
    days = _day_columns(event)
    header = ["Nr.", "Name", "Firma", *days]
    data: list[list] = [header]
    for number, row in enumerate(rows, start=1):
        data.append(
            [
                str(number),
                Paragraph(escape(_name(row)), text),
                Paragraph(escape(_company(row)), text),
            ]
            + [""] * len(days)
        )
    usable = page[0] - 30 * mm
    signature_width = max(30 * mm, (usable - 10 * mm - 60 * mm - 55 * mm) / len(days))
    name_width = 60 * mm
    company_width = usable - 10 * mm - name_width - signature_width * len(days)
    table = LongTable(
        data,
        colWidths=[10 * mm, name_width, max(company_width, 40 * mm)]
        + [signature_width] * len(days),
        repeatRows=1,
        rowHeights=[None] + [11 * mm] * (len(data) - 1),
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), BOLD, 9),
                ("FONT", (0, 1), (-1, -1), REGULAR, 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef3")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story = [
        Paragraph(escape(f"Anwesenheitsliste {event.number}"), heading),
        Paragraph(escape(event.title), text),
        Paragraph(escape(f"{event_date_range(event)} · {place or 'Ort wird mitgeteilt'}"), text),
        Paragraph(
            f"{len(data) - 1} Teilnehmende · erstellt am {date_text(timezone.localdate())}", text
        ),
        Spacer(1, 5 * mm),
        table,
    ]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# --- Teilnehmerliste: CSV and XLSX ------------------------------------------------------------

SPREADSHEET_HEADER = [
    "Nr.",
    "Anrede",
    "Titel",
    "Vorname",
    "Nachname",
    "Firma",
    "E-Mail",
    "Benutzername",
    "Status",
    "Anmeldung Nr.",
    "Korrespondenzadresse",
    "Angemeldet am",
]


def _spreadsheet_rows(rows: Iterable[dict]) -> Iterator[list]:
    for number, row in enumerate(rows, start=1):
        yield [
            number,
            str(SALUTATION_LABELS.get(row["person__salutation"], "")),
            row["person__title"],
            row["person__first_name"],
            row["person__last_name"],
            _company(row),
            row["email"] or row["person__email"],
            row["person__username"],
            str(STATUS_LABELS.get(row["status"], row["status"])),
            row["registration_id"],
            row["registration__correspondence_email"],
            date_text(timezone.localtime(row["created_at"]).date()),
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def participants_csv(rows: Iterable[dict]) -> Iterator[bytes]:
    """The participant list as CSV, produced line by line (for a streaming response)."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff".encode()
    yield writer.writerow(SPREADSHEET_HEADER).encode()
    for values in _spreadsheet_rows(rows):
        yield writer.writerow([csv_safe(v) for v in values]).encode()


def participants_xlsx(*, event: Event, rows: Iterable[dict]) -> tempfile.SpooledTemporaryFile:
    """The participant list as an XLSX workbook in a spooled temporary file (in memory up
    to 1 MB, on disk beyond), positioned at its start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=event.number[:31] or "Teilnehmer")
    bold = Font(bold=True)

    sheet.append([xlsx_cell(sheet, title, font=bold) for title in SPREADSHEET_HEADER])
    for values in _spreadsheet_rows(rows):
        sheet.append([xlsx_cell(sheet, v) for v in values])
    target = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - the response closes it
    workbook.save(target)
    target.seek(0)
    return target


# --- Bescheinigungen als ZIP ------------------------------------------------------------------

ZIP_CHUNK = 64 * 1024


def _file_chunks(name: str) -> Iterator[bytes]:
    storage = Certificate._meta.get_field("file").storage
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(ZIP_CHUNK):
            yield chunk


def _unique(name: str, taken: set[str]) -> str:
    candidate, stem, suffix, n = name, PurePosixPath(name).stem, PurePosixPath(name).suffix, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    taken.add(candidate.lower())
    return candidate


def certificates_zip(certificates: Iterable[dict]) -> ZipStream:
    """A ZIP of the given certificate files, built while it is read. Each file is opened
    only when the archive gets to it (generators start lazily)."""
    archive = ZipStream(sized=False)
    taken: set[str] = set()
    for certificate in certificates:
        archive.add(_file_chunks(certificate["file"]), _unique(certificate["filename"], taken))
    return archive
