"""Read the resident sheet of an Excel workbook (OpenSID's `penduduk_dd_mm_YYYY.xlsx`, or the same file saved again
from Excel or LibreOffice) as rows of text, numbered by sheet row.

python-calamine (Rust) reads 100,000 OpenSID rows about ten times faster than openpyxl's read-only mode
(bench/bench_residents_xlsx.py). Cells become text the way a CSV saved from Excel would show them: whole
numbers without `.0`, dates as `YYYY-MM-DD`, and numbers of twelve digits or more in Excel's scientific
notation (`3.31709E+15`), because a NIK or KK number stored as a number has already lost its last digits.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta

ZIP_MAGIC = b"PK\x03\x04"  # xlsx, ods
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024  # a zip that unpacks to more than this is refused before reading
LONG_NUMBER = 1e11


class UnreadableWorkbook(ValueError):
    """The bytes look like a workbook but cannot be read; the message is an Indonesian msgid."""


def is_workbook(data: bytes) -> bool:
    return data[:4] in (ZIP_MAGIC, OLE_MAGIC)


def cell_text(value: object) -> str:
    """One cell as the text a CSV saved from Excel would hold."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        if abs(value) >= LONG_NUMBER:
            return f"{value:.5E}"
        if float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time | timedelta):
        return str(value)
    return "" if value is None else str(value)


def _check_size(data: bytes) -> None:
    if data[:4] != ZIP_MAGIC:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            unpacked = sum(info.file_size for info in book.infolist())
    except zipfile.BadZipFile:
        raise UnreadableWorkbook("berkas Excel rusak atau bukan XLSX") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableWorkbook("berkas Excel terlalu besar setelah dibuka")


def _first_row(sheet) -> list[str]:
    for cells in sheet.iter_rows():
        if any(str(c).strip() for c in cells):
            return [cell_text(c) for c in cells]
    return []


def sheet_rows(data: bytes, is_header: Callable[[list[str]], bool] | None = None
               ) -> tuple[Iterator[tuple[int, list]], int]:
    """(rows as (sheet row number, cells), number of rows) of the first sheet whose first row `is_header`
    accepts (a workbook may open with an instructions or code-list sheet), else of the first sheet. Cells are
    as calamine reads them ("" when empty); `cell_text` turns the ones a caller needs into text, so the 30
    columns an import ignores cost nothing.

    :raises UnreadableWorkbook: when the file is damaged, encrypted or too large unpacked.
    """
    from python_calamine import CalamineError, CalamineWorkbook

    _check_size(data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        if is_header is not None and not is_header(_first_row(sheet)):
            for index in range(1, len(book.sheet_names)):
                candidate = book.get_sheet_by_index(index)
                if is_header(_first_row(candidate)):
                    sheet = candidate
                    break
        first_row = sheet.start[0] + 1 if sheet.start else 1
        first_column = sheet.start[1] if sheet.start else 0
        total = sheet.height
        rows = sheet.iter_rows()
    except (CalamineError, IndexError, ValueError) as exc:
        raise UnreadableWorkbook("berkas Excel tidak bisa dibaca") from exc

    def numbered() -> Iterator[tuple[int, list]]:
        pad = [""] * first_column  # keep column positions when the sheet starts right of column A
        for offset, cells in enumerate(rows):
            yield first_row + offset, pad + cells if pad else cells

    return numbered(), first_row + total - 1
