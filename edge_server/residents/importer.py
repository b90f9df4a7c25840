"""Parse an OpenSID-style resident CSV export into clean rows, or a list of every bad line. Pure: no database.

Accepts `;` or `,` separators, UTF-8 with or without BOM, common header spellings, dates as `YYYY-MM-DD`
or `DD-MM-YYYY` (also with `/`). Line numbers count the file's physical lines; the header is line 1.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from drivers.idcard import InvalidNik, mask_nik, parse_nik

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
    "address": ("alamat", "alamat_sekarang", "alamat_lengkap"),
    "dusun": ("dusun", "nama_dusun"),
    "rt": ("rt", "no_rt"),
    "rw": ("rw", "no_rw"),
}
REQUIRED_COLUMNS = ("nik", "name")
MAX_TEXT = 200
# OpenSID numeric codes, for exports that carry ids instead of words
RELIGIONS = {"1": "Islam", "2": "Kristen", "3": "Katholik", "4": "Hindu", "5": "Budha", "6": "Khonghucu",
             "7": "Kepercayaan Terhadap Tuhan YME"}
MARITAL = {"1": "Belum Kawin", "2": "Kawin", "3": "Cerai Hidup", "4": "Cerai Mati"}
MALE = {"l", "lk", "laki-laki", "laki laki", "laki", "pria", "1", "m", "male"}
FEMALE = {"p", "pr", "perempuan", "wanita", "2", "f", "female"}
_DATE_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DATE_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str  # Indonesian msgid, e.g. "NIK tidak valid: %(why)s"
    params: dict = field(default_factory=dict)

    def text(self, translate: Callable[..., str] | None = None) -> str:
        """`line N: why`, the why translated when a gettext function is given."""
        why = translate(self.reason, **self.params) if translate else self.reason % self.params
        return f"line {self.line}: {why}"


@dataclass
class ImportResult:
    rows: list[dict]
    errors: list[BadLine]
    lines: int = 0


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


def parse_date(text: str) -> date:
    """`YYYY-MM-DD` or `DD-MM-YYYY` (`-`, `/` or `.` between). :raises ValueError: otherwise."""
    text = text.strip()
    match = _DATE_ISO.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    match = _DATE_DMY.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(text)


def parse_sex(text: str) -> str | None:
    value = text.strip().lower()
    if value in MALE:
        return "L"
    if value in FEMALE:
        return "P"
    return None


def _cell(row: list[str], mapping: dict[str, int], column: str) -> str:
    index = mapping.get(column)
    if index is None or index >= len(row):
        return ""
    return " ".join(row[index].split())[:MAX_TEXT]


def clean_row(row: list[str], mapping: dict[str, int], today: date) -> tuple[dict | None, BadLine | None]:
    """One data row -> (resident values, None) or (None, why it is bad); `line` is filled in by the caller."""
    nik = _cell(row, mapping, "nik").replace(" ", "").replace("'", "")
    name = _cell(row, mapping, "name")
    if not nik:
        return None, BadLine(0, "NIK kosong")
    try:
        info = parse_nik(nik, today=today, allow_temporary=True)
    except InvalidNik as exc:
        return None, BadLine(0, "NIK %(nik)s tidak valid: %(why)s", {"nik": mask_nik(nik), "why": exc.reason})
    if not name:
        return None, BadLine(0, "nama kosong (NIK %(nik)s)", {"nik": mask_nik(nik)})
    birth_text = _cell(row, mapping, "birth_date")
    birth = None if nik.startswith("0") else info.birth_date
    if birth_text:
        try:
            birth = parse_date(birth_text)
        except ValueError:
            return None, BadLine(0, "tanggal lahir '%(value)s' tidak valid (pakai YYYY-MM-DD atau DD-MM-YYYY)",
                                 {"value": birth_text[:20]})
        if birth > today or birth.year < 1880:
            return None, BadLine(0, "tanggal lahir '%(value)s' tidak masuk akal", {"value": birth_text[:20]})
    sex = parse_sex(_cell(row, mapping, "sex")) or ("" if nik.startswith("0") else info.sex)
    kk = _cell(row, mapping, "no_kk").replace(" ", "").replace("'", "")
    if kk and not (len(kk) == 16 and kk.isdigit()):
        return None, BadLine(0, "nomor KK harus 16 angka (NIK %(nik)s)", {"nik": mask_nik(nik)})
    religion = _cell(row, mapping, "religion")
    marital = _cell(row, mapping, "marital_status")
    return {
        "nik": nik, "name": name, "no_kk": kk, "sex": sex, "birth_place": _cell(row, mapping, "birth_place"),
        "birth_date": birth, "religion": RELIGIONS.get(religion, religion),
        "occupation": _cell(row, mapping, "occupation"), "marital_status": MARITAL.get(marital, marital),
        "address": _cell(row, mapping, "address"), "dusun": _cell(row, mapping, "dusun"),
        "rt": _cell(row, mapping, "rt"), "rw": _cell(row, mapping, "rw"),
    }, None


def _records(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    """(first physical line of the record, cells), skipping blank lines; quoted newlines stay in one record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    for cells in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if cells and any(c.strip() for c in cells):
            yield start, cells


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
    text = decode(data) if isinstance(data, bytes) else data.lstrip("\ufeff")
    total = text.count("\n") + 1
    first_line = text.split("\n", 1)[0]
    records = _records(text, sniff_delimiter(first_line))
    header = next(records, None)
    if header is None:
        return ImportResult([], [BadLine(1, "berkas kosong: baris judul tidak ada")])
    mapping = map_header(header[1])
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping]
    if missing:
        names = ", ".join(COLUMNS[c][0] for c in missing)
        return ImportResult([], [BadLine(header[0], "kolom wajib tidak ada: %(columns)s", {"columns": names})])
    rows: list[dict] = []
    errors: list[BadLine] = []
    seen: dict[str, int] = {}
    line = header[0]
    for line, cells in records:
        values, bad = clean_row(cells, mapping, today)
        if bad is not None:
            errors.append(BadLine(line, bad.reason, bad.params))
        elif values["nik"] in seen:
            errors.append(BadLine(line, "NIK %(nik)s ganda: sudah ada di baris %(first)s",
                                  {"nik": mask_nik(values["nik"]), "first": seen[values["nik"]]}))
        else:
            seen[values["nik"]] = line
            values["line"] = line
            rows.append(values)
        if progress and line % 2000 == 0:
            progress(line, total)
    if progress:
        progress(total, total)
    if not rows and not errors:
        errors.append(BadLine(header[0], "berkas tidak berisi data penduduk"))
    return ImportResult(rows, errors, line)
