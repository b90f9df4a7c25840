"""What one resident row of an OpenSID export means: pure rules, no database.

`-` means empty; dusun loses a "Dusun " prefix and is written in one case; RT/RW are three digits; an empty
alamat falls back to alamat_sekarang; OpenSID codes and labels become one spelling (opensid_codes); a status
other than HIDUP imports as inactive; temporary NIKs (`0` + village code + serial) are kept as staff-held ones.
A birth date or sex that disagrees with the NIK is a warning, not an error; a day/month date that reads both
ways is resolved by the NIK.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from anjungan_core.nik import mask_nik
from drivers.idcard import InvalidNik, parse_nik

from . import opensid_codes as codes

MAX_TEXT = 200
MALE = {"l", "lk", "laki-laki", "laki laki", "laki", "pria", "1", "m", "male"}
FEMALE = {"p", "pr", "perempuan", "wanita", "2", "f", "female"}
EMPTY = {"", "-", "--", "0"}  # OpenSID writes a stored 0 as empty and empty dusun/rt/rw as "-"
_DATE_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DATE_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+")
_DUSUN_PREFIX = re.compile(r"^(?:dusun|dsn\.?|dukuh|dk\.?)\s+", re.IGNORECASE)
_RT_PREFIX = re.compile(r"^(?:rt|rw)\.?\s*", re.IGNORECASE)
CODED = ("religion", "education", "occupation", "marital_status", "family_relation", "citizenship", "blood_type",
         "disability", "life_status")
SOURCE_COLUMN = {"religion": "agama", "education": "pendidikan_kk", "occupation": "pekerjaan",
                 "marital_status": "status_kawin", "family_relation": "kk_level", "citizenship": "warganegara",
                 "blood_type": "golongan_darah", "disability": "cacat", "life_status": "status_dasar"}


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str  # Indonesian msgid, e.g. "NIK tidak valid: %(why)s"
    params: dict = field(default_factory=dict)

    def text(self, translate=None) -> str:
        """`line N: why`, the why translated when a gettext function is given."""
        why = translate(self.reason, **self.params) if translate else self.reason % self.params
        return f"line {self.line}: {why}"


def text(value: str) -> str:
    return " ".join(value.split())[:MAX_TEXT]


def blank(value: str) -> str:
    """`-` and a stored 0 are empty."""
    value = text(value)
    return "" if value in EMPTY else value


def parse_sex(value: str) -> str | None:
    value = value.strip().lower()
    if value in MALE:
        return "L"
    if value in FEMALE:
        return "P"
    return None


def _century(yy: int, month: int, day: int, today: date) -> int:
    for year in (2000 + yy, 1900 + yy):
        try:
            if date(year, month, day) <= today:
                return year
        except ValueError:
            continue
    return 1900 + yy


def date_readings(value: str, today: date | None = None) -> list[date]:
    """Every date a text can mean: one for `YYYY-MM-DD`; day-first and month-first for `05/03/1990` (Excel in
    an English locale writes month first). Empty when it is no date."""
    value = value.strip()
    match = _DATE_ISO.fullmatch(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
        orders = [(year, month, day)]
    else:
        match = _DATE_DMY.fullmatch(value)
        if not match:
            return []
        first, second, year = (int(g) for g in match.groups())
        orders = [(year, second, first), (year, first, second)] if first != second else [(year, second, first)]
        if len(match.group(3)) == 2:
            today = today or date.today()
            orders = [(_century(y, m, d, today), m, d) for y, m, d in orders]
    readings = []
    for year, month, day in orders:
        try:
            readings.append(date(year, month, day))
        except ValueError:
            continue
    return readings


def parse_date(value: str) -> date:
    """`YYYY-MM-DD` or day first `DD-MM-YYYY` (`-`, `/` or `.` between). :raises ValueError: otherwise."""
    readings = date_readings(value)
    if not readings:
        raise ValueError(value)
    return readings[0]


@lru_cache(maxsize=4096)
def padded_number(value: str) -> str:
    """RT/RW as three digits ("2", "02", "RT 002" are one RT); other text is kept in upper case."""
    value = _RT_PREFIX.sub("", blank(value))
    if value.isdigit():
        return "" if int(value) == 0 else f"{int(value):03d}"
    return value.upper()


@lru_cache(maxsize=4096)
def dusun_name(value: str) -> str:
    value = _DUSUN_PREFIX.sub("", blank(value))
    return value.title() if value else ""


def _nik_problem(nik: str, raw: str) -> BadLine | None:
    """An Excel-damaged NIK gets a reason that says what happened and how to fix it."""
    if _SCIENTIFIC.fullmatch(raw.strip()):
        return BadLine(0, "NIK %(value)s diubah Excel menjadi angka dan angka terakhirnya hilang: di Excel "
                          "format kolom nik dan no_kk sebagai Teks, isi ulang NIK-nya (atau buka lagi ekspor "
                          "dari OpenSID) lalu simpan", {"value": raw.strip()[:20]})
    if len(nik) == 15 and nik.isdigit():
        return BadLine(0, "NIK %(nik)s hanya 15 angka: Excel membuang angka 0 di depan (NIK sementara); format "
                          "kolom nik sebagai Teks dan ketik ulang", {"nik": mask_nik(nik)})
    return None


def check_nik(raw: str, today: date) -> tuple[str, object | None, BadLine | None]:
    """(nik, what the NIK says or None for a temporary one, why it is bad)."""
    nik = raw.replace(" ", "").replace("'", "").replace("\u00a0", "")
    if not nik:
        return nik, None, BadLine(0, "NIK kosong")
    problem = _nik_problem(nik, raw)
    if problem is not None:
        return nik, None, problem
    if len(nik) == 16 and nik.isdigit() and nik[0] == "0":
        return nik, None, None  # temporary: 0 + village code + serial; kept for staff, never for the kiosk
    try:
        return nik, parse_nik(nik, today=today), None
    except InvalidNik as exc:
        return nik, None, BadLine(0, "NIK %(nik)s tidak valid: %(why)s", {"nik": mask_nik(nik), "why": exc.reason})


def check_kk(raw: str, nik: str) -> tuple[str, BadLine | None]:
    kk = blank(raw.replace(" ", "").replace("'", ""))
    if not kk:
        return "", None
    if _SCIENTIFIC.fullmatch(kk):
        return kk, BadLine(0, "nomor KK %(value)s diubah Excel menjadi angka (NIK %(nik)s): format kolom no_kk "
                              "sebagai Teks dan isi ulang", {"value": kk[:20], "nik": mask_nik(nik)})
    if not (len(kk) == 16 and kk.isdigit()):
        return kk, BadLine(0, "nomor KK harus 16 angka (NIK %(nik)s)", {"nik": mask_nik(nik)})
    return kk, None


def birth_date(raw: str, info, nik: str, today: date) -> tuple[date | None, BadLine | None]:
    """The birth date column, a day/month ambiguity resolved by the NIK; the NIK's date when it is empty."""
    raw = blank(raw)
    if not raw:
        return (info.birth_date if info else None), None
    readings = date_readings(raw, today)
    if not readings:
        return None, BadLine(0, "tanggal lahir '%(value)s' tidak valid (pakai YYYY-MM-DD atau DD-MM-YYYY)",
                             {"value": raw[:20]})
    born = readings[0]
    if info is not None and len(readings) > 1 and info.birth_date in readings:
        born = info.birth_date
    if born > today or born.year < 1880:
        return None, BadLine(0, "tanggal lahir '%(value)s' tidak masuk akal", {"value": raw[:20]})
    return born, None


def identity_warnings(values: dict, info) -> list[BadLine]:
    """Where the row and its NIK disagree (the import still runs: the register may hold a corrected date)."""
    if info is None:
        return []
    warnings = []
    nik = mask_nik(values["nik"])
    if values["birth_date"] and values["birth_date"] != info.birth_date:
        warnings.append(BadLine(0, "tanggal lahir %(born)s tidak sama dengan tanggal dalam NIK %(nik)s (%(in_nik)s)",
                                {"born": values["birth_date"].isoformat(), "nik": nik,
                                 "in_nik": info.birth_date.isoformat()}))
    if values["sex"] and values["sex"] != info.sex:
        warnings.append(BadLine(0, "jenis kelamin %(sex)s tidak sama dengan NIK %(nik)s (%(in_nik)s)",
                                {"sex": values["sex"], "nik": nik, "in_nik": info.sex}))
    return warnings


def coded(field_name: str, raw: str, nik: str) -> tuple[str, BadLine | None]:
    """A code or label column as the stored spelling; an unknown numeric code is an error, unknown words are
    kept as written (files from other programs)."""
    label = codes.to_label(field_name, raw)
    if label is not None:
        return label, None
    value = text(raw)
    if value.isdigit():
        return "", BadLine(0, "kode %(column)s '%(value)s' tidak dikenal di OpenSID (NIK %(nik)s)",
                           {"column": SOURCE_COLUMN[field_name], "value": value[:10], "nik": mask_nik(nik)})
    return value, None
