"""Cells of lists that staff open in a spreadsheet (CSV, XLSX exports)."""

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_safe(value) -> str:
    """A cell value that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def xlsx_cell(sheet, value, *, font=None):
    """A cell of a write-only openpyxl sheet whose text stays text: openpyxl would store a
    string starting with "=" as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def private_download(response, filename: str):
    """A download of personal data: never kept in a shared cache, saved under ``filename``."""
    from django.utils.http import content_disposition_header

    response["Cache-Control"] = "private, no-store"
    if not response.has_header("Content-Disposition"):
        response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
