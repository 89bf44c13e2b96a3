"""CSV and XLSX files into a Table, refusing what cannot be read safely.

Every refusal names the problem in words a QA officer can act on: the
encoding to save as, the cell holding a formula, the size limit.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from .tables import FIRST_DATA_LINE, Table


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why."""


def max_bytes() -> int:
    return settings.CASEAUDIT_IMPORT_MAX_BYTES


def describe_size(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def check_size(size: int) -> None:
    if size > max_bytes():
        raise ImportFileError(
            f"The file is {describe_size(size)}: the largest file CaseAudit imports is {describe_size(max_bytes())}. "
            "Split the extract, or leave out columns CaseAudit does not use."
        )


def read_table(data: bytes, filename: str) -> Table:
    check_size(len(data))
    suffix = Path(filename).suffix.lower()
    if suffix in (".csv", ".txt"):
        return _read_csv(data)
    if suffix == ".xlsx":
        return _read_xlsx(data)
    if suffix in (".xls", ".xlsm", ".ods"):
        raise ImportFileError(f"CaseAudit cannot read {suffix} files: save the sheet as .xlsx or as CSV UTF-8")
    raise ImportFileError("The file must be a CSV (.csv) or an Excel workbook (.xlsx)")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(
                "The file says it is UTF-16 text but is not: export it again as 'CSV UTF-8 (Comma delimited)'"
            ) from None
    if b"\x00" in data[:4096]:
        raise ImportFileError("The file is not a text CSV file (it holds binary data): export it again as CSV UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not saved as UTF-8 text: line {line} has a character CaseAudit cannot read "
            f"(byte 0x{data[exc.start]:02x}). In Excel choose Save As › 'CSV UTF-8 (Comma delimited)' and try again."
        ) from None


def _dialect(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if not text.strip():
        raise ImportFileError("The file is empty")
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(_lines(text), delimiter=_dialect(first_line))
    try:
        headers = next(reader)
        rows = []
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(cells):  # a row of empty cells is a blank line
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ImportFileError(f"Line {reader.line_num} is not valid CSV: {exc}") from None
    return Table(headers=[h.strip() for h in headers], rows=rows)


# Ends of lines as a file opened with newline="" has them: \r\n, \n or a lone \r (never the other Unicode
# line separators, which are ordinary characters inside a cell).
_LINE_END = re.compile(r"(?<=\r\n)|(?<=\n)|(?<=\r)(?!\n)")


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their ends, for csv.reader: what io.StringIO(text, newline="") gives, without
    its copy of the whole file four bytes a character (about 40 MB of the 100,000-row import's peak)."""
    # Files with one kind of line end (nearly all: \n from most systems, \r\n from Windows) are split with
    # str.split, several times faster than the regular expression, which stays for files that mix them.
    if "\r" not in text:
        end = "\n"
    elif text.count("\r") == text.count("\n") == text.count("\r\n"):
        end = "\r\n"
    else:
        yield from filter(None, _LINE_END.split(text))
        return
    *lines, last = text.split(end)
    for line in lines:
        yield line + end
    if last:
        yield last


def _check_zip(data: bytes) -> None:
    """Refuse zip bombs before openpyxl inflates anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFileError("The file is not a real Excel .xlsx workbook: save it again from Excel") from None
    with archive:
        inflated = sum(info.file_size for info in archive.infolist())
        limit = settings.CASEAUDIT_IMPORT_MAX_INFLATED_BYTES
        if inflated > limit:
            raise ImportFileError(
                f"The workbook expands to {describe_size(inflated)} when opened, more than the "
                f"{describe_size(limit)} CaseAudit allows: it may be damaged or hostile. Export the data as CSV instead."
            )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ImportFileError(
            f"The workbook cannot be opened ({type(exc).__name__}): save it again from Excel"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        headers: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for line, cells in enumerate(sheet.iter_rows(), start=1):
            texts = []
            for index, cell in enumerate(cells, start=1):
                if getattr(cell, "data_type", None) == "f":
                    raise ImportFileError(
                        f"Cell {get_column_letter(index)}{line} holds a formula. CaseAudit imports values only: "
                        "copy the sheet and paste it back as values, then import again."
                    )
                texts.append(_cell_text(cell.value))
            if headers is None:
                headers = texts
                continue
            if any(texts):
                rows.append((line, texts))
    finally:
        workbook.close()
    if headers is None:
        raise ImportFileError("The workbook's first sheet is empty")
    while headers and not headers[-1]:
        headers.pop()
    return Table(headers=headers, rows=rows)


__all__ = ["FIRST_DATA_LINE", "ImportFileError", "Table", "read_table"]
