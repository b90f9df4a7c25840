"""Parse an OpenSID resident export into clean rows, or a list of every bad line. Pure: no database.

Takes OpenSID's own XLSX ("Ekspor Penduduk" with codes or "Ekspor Penduduk Huruf" with labels, 43 columns,
or its import template), or a CSV saved from Excel: `;` or `,`, UTF-8 with or without BOM, CRLF, common header
spellings. Line numbers count the CSV file's physical lines, or the sheet's rows for XLSX; the header is line 1.
What each cell means is in row_rules.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from anjungan_core.nik import mask_nik

from . import row_rules as rules
from . import spreadsheet
from .opensid_codes import ALIVE
from .row_rules import BadLine, parse_date, parse_sex  # noqa: F401  (the importer's public names)

# canonical column -> spellings seen in exports (compared after `_normalise_header`)
COLUMNS: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "no_nik", "nomor_nik", "nik_penduduk"),
    "name": ("nama", "nama_lengkap", "nama_penduduk", "name"),
    "no_kk": ("no_kk", "nokk", "kk", "nomor_kk", "no_kartu_keluarga"),
    "sex": ("sex", "jenis_kelamin", "jk", "kelamin", "gender", "l_p"),
    "birth_place": ("tempat_lahir", "tempatlahir", "tmp_lahir", "tempat_lahir_penduduk"),
    "birth_date": ("tanggal_lahir", "tanggallahir", "tgl_lahir", "tgllahir", "tanggal_lahir_penduduk"),
    "religion": ("agama", "agama_id"),
    "occupation": ("pekerjaan", "pekerjaan_id", "pekerjaan_penduduk"),
    "marital_status": ("status_kawin", "status_perkawinan", "kawin", "status_kawin_id", "perkawinan"),
    "address": ("alamat", "alamat_lengkap"),
    "current_address": ("alamat_sekarang",),
    "dusun": ("dusun", "nama_dusun"),
    "rt": ("rt", "no_rt"),
    "rw": ("rw", "no_rw"),
    "education": ("pendidikan_kk_id", "pendidikan_kk", "pendidikan", "pendidikan_terakhir"),
    "family_relation": ("kk_level", "hubungan", "hubungan_keluarga", "shdk", "hubungan_dalam_keluarga"),
    "citizenship": ("warganegara_id", "warganegara", "kewarganegaraan"),
    "blood_type": ("golongan_darah_id", "golongan_darah", "gol_darah"),
    "disability": ("cacat_id", "cacat"),
    "life_status": ("status_dasar", "status_dasar_id"),
}
REQUIRED_COLUMNS = ("nik", "name")
PROGRESS_EVERY = 2000
OPTIONAL_CODED = ("education", "family_relation", "citizenship", "blood_type", "disability", "life_status")


@dataclass
class ImportResult:
    rows: list[dict]
    errors: list[BadLine]
    lines: int = 0
    warnings: list[BadLine] = field(default_factory=list)


def _normalise_header(name: str) -> str:
    name = name.strip().strip("\ufeff").strip().lower()
    return re.sub(r"[\s\-./]+", "_", name).strip("_")


def map_header(header: list[str]) -> dict[str, int]:
    """Canonical column -> index in the row, for the columns this file has."""
    spellings = {s: canonical for canonical, names in COLUMNS.items() for s in names}
    mapping: dict[str, int] = {}
    for index, name in enumerate(header):
        canonical = spellings.get(_normalise_header(name))
        if canonical and canonical not in mapping:
            mapping[canonical] = index
    return mapping


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; a file that is not UTF-8 is read as Windows-1252 (old Excel exports)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _getter(row: list, mapping: dict[str, int]) -> Callable[[str], str]:
    size = len(row)

    def cell(column: str) -> str:
        index = mapping.get(column)
        if index is None or index >= size:
            return ""
        value = row[index]
        return value if type(value) is str else spreadsheet.cell_text(value)  # XLSX numbers and dates

    return cell


def clean_row(row: list[str], mapping: dict[str, int], today: date
              ) -> tuple[dict | None, BadLine | None, list[BadLine]]:
    """One data row -> (resident values, None, warnings) or (None, why it is bad, []); `line` is filled in by
    the caller."""
    cell = _getter(row, mapping)
    nik, info, bad = rules.check_nik(cell("nik"), today)
    if bad is not None:
        return None, bad, []
    name = rules.blank(cell("name"))
    if not name:
        return None, BadLine(0, "nama kosong (NIK %(nik)s)", {"nik": mask_nik(nik)}), []
    born, bad = rules.birth_date(cell("birth_date"), info, nik, today)
    if bad is not None:
        return None, bad, []
    kk, bad = rules.check_kk(cell("no_kk"), nik)
    if bad is not None:
        return None, bad, []
    values = {"nik": nik, "name": name, "no_kk": kk, "birth_date": born,
              "sex": rules.parse_sex(cell("sex")) or (info.sex if info else ""),
              "birth_place": rules.blank(cell("birth_place")),
              "address": rules.blank(cell("address")) or rules.blank(cell("current_address")),
              "dusun": rules.dusun_name(cell("dusun")), "rt": rules.padded_number(cell("rt")),
              "rw": rules.padded_number(cell("rw"))}
    for column in rules.CODED:
        if column in OPTIONAL_CODED and column not in mapping:
            values[column] = None  # not in this file: the import leaves what is stored
            continue
        values[column], bad = rules.coded(column, cell(column), nik)
        if bad is not None:
            return None, bad, []
    values["active"] = values["life_status"] in (None, "", ALIVE)
    return values, None, rules.identity_warnings(values, info)


def _csv_records(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    """(first physical line of the record, cells), skipping blank lines; quoted newlines stay in one record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    for cells in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if cells and any(c.strip() for c in cells):
            yield start, cells


def _has_required_columns(header: list) -> bool:
    mapping = map_header(header)
    return all(column in mapping for column in REQUIRED_COLUMNS)


def _records(data: bytes | str) -> tuple[Iterable[tuple[int, list[str]]], int]:
    """(numbered non-blank records, how many lines or rows there are), from XLSX or CSV.

    :raises spreadsheet.UnreadableWorkbook: for a damaged workbook.
    """
    if isinstance(data, bytes) and spreadsheet.is_workbook(data):
        rows, total = spreadsheet.sheet_rows(data, is_header=_has_required_columns)
        return ((n, cells) for n, cells in rows if any(c != "" and (type(c) is not str or c.strip())
                                                       for c in cells)), total
    text = decode(data) if isinstance(data, bytes) else data.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    return _csv_records(text, sniff_delimiter(first_line)), text.count("\n") + 1


def parse_residents(data: bytes | str, today: date,
                    progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Parse a whole export. Every bad line is reported; `rows` is only meaningful when `errors` is empty.

    :param today: decides the NIK's century and rejects birth dates in the future.
    :param progress: called now and then with (lines done, total lines).
    """
    try:
        return _parse(data, today, progress)
    except csv.Error:  # e.g. a cell over csv's field limit (128 KiB): no honest export has one
        return ImportResult([], [BadLine(0, "berkas tidak bisa dibaca sebagai CSV: ada kolom terlalu panjang "
                                            "atau tanda kutip yang tidak ditutup")])


def _parse(data: bytes | str, today: date, progress: Callable[[int, int], None] | None) -> ImportResult:
    try:
        records, total = _records(data)
    except spreadsheet.UnreadableWorkbook as exc:
        return ImportResult([], [BadLine(1, str(exc))])
    records = iter(records)
    header = next(records, None)
    if header is None:
        return ImportResult([], [BadLine(1, "berkas kosong: baris judul tidak ada")])
    mapping = map_header([spreadsheet.cell_text(c) for c in header[1]])
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping]
    if missing:
        names = ", ".join(COLUMNS[c][0] for c in missing)
        return ImportResult([], [BadLine(header[0], "kolom wajib tidak ada: %(columns)s", {"columns": names})])
    rows: list[dict] = []
    errors: list[BadLine] = []
    warnings: list[BadLine] = []
    seen: dict[str, int] = {}
    line = header[0]
    for line, cells in records:
        values, bad, notes = clean_row(cells, mapping, today)
        if bad is not None:
            errors.append(BadLine(line, bad.reason, bad.params))
        elif values["nik"] in seen:
            errors.append(BadLine(line, "NIK %(nik)s ganda: sudah ada di baris %(first)s",
                                  {"nik": mask_nik(values["nik"]), "first": seen[values["nik"]]}))
        else:
            seen[values["nik"]] = line
            values["line"] = line
            rows.append(values)
            warnings.extend(BadLine(line, note.reason, note.params) for note in notes)
        if progress and line % PROGRESS_EVERY == 0:
            progress(line, total)
    if progress:
        progress(total, total)
    if not rows and not errors:
        errors.append(BadLine(header[0], "berkas tidak berisi data penduduk"))
    return ImportResult(rows, errors, line, warnings)
