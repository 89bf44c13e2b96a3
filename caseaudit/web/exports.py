"""CSV and Excel downloads, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime
import io
import re

from django.http import HttpResponse

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (so XLSX) cannot hold; openpyxl refuses a cell holding one. Forms refuse
# them, but older records, imports and the admin may still carry them.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_cell(value):
    """The value as text a spreadsheet shows and never runs: unwritable characters dropped,
    and a leading formula character (after any leading spaces) made literal with an apostrophe."""
    if isinstance(value, str):
        value = _UNWRITABLE.sub("", value)
        if value.lstrip(" ").startswith(_FORMULA_STARTS):
            return "'" + value
    return value


def csv_response(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [safe_cell("" if v is None else v.isoformat() if isinstance(v, datetime.date) else v) for v in row]
        )
    return response


def xlsx_response(filename: str, sheets: list[tuple[str, list[str], list[list]]]) -> HttpResponse:
    """One sheet per table; numbers stay numbers and dates stay dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
