"""The certificate PDF (Teilnahmebescheinigung), drawn with reportlab.

reportlab rather than WeasyPrint: one A4 page of fixed layout needs no HTML engine, and
reportlab draws it in a few milliseconds instead of a few hundred (bench/certificates.py),
without Pango or other system libraries. The DejaVu fonts ship with the app and are embedded
in every PDF, so umlauts and names in any Latin, Greek or Cyrillic script survive.
"""

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_fonts_registered = False


def _register_fonts() -> None:
    global _fonts_registered
    if not _fonts_registered:
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        _fonts_registered = True


@dataclass(frozen=True)
class CertificateContent:
    """Everything printed on one certificate (plain text, German dates already formatted)."""

    provider_long_name: str
    provider_address: str
    provider_contact: str
    participant_name: str
    event_number: str
    event_title: str
    event_dates: str
    event_place: str
    duration_days: int
    issue_place: str
    issued_on: str
    verification_code: str
    verification_url: str
    # "Fachkunde … nachgewiesen bis …" for a course that grants or refreshes one, else "".
    qualification_line: str = ""


def _grouped(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def _centred(pdf, text: str, font: str, size: float, x: float, y: float, width: float) -> float:
    """Draw ``text`` centred at ``x``, wrapped to ``width``; returns the next line's y."""
    pdf.setFont(font, size)
    for line in simpleSplit(text, font, size, width):
        pdf.drawCentredString(x, y, line)
        y -= size * 1.35
    return y


def certificate_pdf(content: CertificateContent) -> bytes:
    """One A4 page; returns the PDF bytes."""
    _register_fonts()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(
        _("Teilnahmebescheinigung %(number)s – %(name)s")
        % {"number": content.event_number, "name": content.participant_name}
    )
    pdf.setAuthor(content.provider_long_name)
    pdf.setSubject(content.event_title)
    left, right = 25 * mm, width - 25 * mm
    text_width = right - left

    # Letterhead: the provider.
    y = height - 28 * mm
    pdf.setFillColorRGB(0, 0.31, 0.49)
    for line in simpleSplit(content.provider_long_name, BOLD, 13, text_width):
        pdf.setFont(BOLD, 13)
        pdf.drawString(left, y, line)
        y -= 17
    pdf.setFillColorRGB(0.11, 0.14, 0.19)
    pdf.setFont(REGULAR, 9.5)
    pdf.drawString(left, y, content.provider_address)
    y -= 13
    pdf.drawString(left, y, content.provider_contact)
    y -= 10
    pdf.setStrokeColorRGB(0, 0.31, 0.49)
    pdf.setLineWidth(1.2)
    pdf.line(left, y, right, y)

    # Title and body.
    y -= 30 * mm
    pdf.setFont(BOLD, 24)
    pdf.drawCentredString(width / 2, y, _("Teilnahmebescheinigung"))
    y -= 22 * mm
    pdf.setFont(REGULAR, 12)
    pdf.drawCentredString(width / 2, y, _("Hiermit bestätigen wir, dass"))
    y -= 13 * mm
    y = _centred(pdf, content.participant_name, BOLD, 18, width / 2, y, text_width)
    y -= 6 * mm
    pdf.setFont(REGULAR, 12)
    pdf.drawCentredString(
        width / 2, y, _("%(dates)s an der Veranstaltung") % {"dates": content.event_dates}
    )
    y -= 12 * mm
    y = _centred(pdf, content.event_title, BOLD, 14, width / 2, y, text_width)
    y -= 4 * mm
    pdf.setFont(REGULAR, 11)
    pdf.drawCentredString(
        width / 2, y, _("Veranstaltungsnummer %(number)s") % {"number": content.event_number}
    )
    y -= 16
    days = ngettext("%(n)d Tag", "%(n)d Tage", content.duration_days) % {"n": content.duration_days}
    place = _("Ort: %(place)s · ") % {"place": content.event_place} if content.event_place else ""
    pdf.drawCentredString(width / 2, y, place + _("Dauer: %(days)s") % {"days": days})
    y -= 12 * mm
    pdf.setFont(REGULAR, 12)
    pdf.drawCentredString(width / 2, y, _("teilgenommen hat."))
    if content.qualification_line:
        y -= 12 * mm
        y = _centred(pdf, content.qualification_line, BOLD, 11, width / 2, y, text_width)
        y += 12 * mm - 11 * 1.35  # the place of issue keeps its distance from the last line

    # Place and date of issue.
    y -= 25 * mm
    pdf.setFont(REGULAR, 11)
    pdf.drawString(
        left,
        y,
        _("%(place)s, den %(day)s") % {"place": content.issue_place, "day": content.issued_on},
    )
    y -= 8
    pdf.setLineWidth(0.5)
    pdf.line(left, y - 14 * mm, left + 70 * mm, y - 14 * mm)
    pdf.setFont(REGULAR, 9)
    pdf.drawString(left, y - 18 * mm, content.provider_long_name[:60])

    # Verification: code and QR code to the public check page.
    qr = segno.make(content.verification_url, error="m")
    qr_png = io.BytesIO()
    qr.save(qr_png, kind="png", scale=4, border=1)
    qr_png.seek(0)
    qr_size = 28 * mm
    pdf.drawImage(ImageReader(qr_png), right - qr_size, 22 * mm, qr_size, qr_size)
    pdf.setFont(REGULAR, 8.5)
    lines = [
        _("Die Echtheit dieser Bescheinigung können Sie prüfen:"),
        content.verification_url,
        _("Prüfcode: %(code)s") % {"code": _grouped(content.verification_code)},
    ]
    line_y = 22 * mm + qr_size - 10
    for line in lines:
        for part in simpleSplit(line, REGULAR, 8.5, text_width - qr_size - 6 * mm):
            pdf.drawString(left, line_y, part)
            line_y -= 11
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
