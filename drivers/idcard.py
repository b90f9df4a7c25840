"""Scan classification and NIK rules (pure code, no I/O).

A scan is whatever a barcode, QR or RFID reader typed: a 16-digit NIK, an RFID tag UID, a QR payload that
carries a NIK or KK number (a URL or query string with ``nik=``, or JSON with a ``nik`` field), or garbage.
:func:`classify_scan` never raises for any string: bad input gives ``kind="unknown"`` with a reason.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "PROVINCE_CODES",
    "InvalidNik",
    "NikInfo",
    "ScanResult",
    "classify_scan",
    "is_valid_nik",
    "make_nik",
    "parse_nik",
]

# Province codes in use (DOMAIN.md): 11-19, 21, 31-36, 51-53, 61-65, 71-76, 81-82, 91-96.
PROVINCE_CODES: frozenset[str] = frozenset(
    f"{n:02d}"
    for n in [
        *range(11, 20),
        21,
        *range(31, 37),
        *range(51, 54),
        *range(61, 66),
        *range(71, 77),
        81,
        82,
        *range(91, 97),
    ]
)

MAX_SCAN_LENGTH = 1024
_DIGITS16 = re.compile(r"[0-9]{16}")
_RFID_DECIMAL = re.compile(r"[0-9]{6,12}")
_RFID_HEX = re.compile(r"(?:[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})")
_NIK_KEYS = ("nik", "NIK", "no_nik", "nomor_nik")
_KK_KEYS = ("kk", "no_kk", "KK", "NO_KK", "nomor_kk", "nokk")


class InvalidNik(ValueError):
    """A string that is not a valid NIK; ``reason`` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class NikInfo:
    """What a NIK says about its holder."""

    nik: str
    birth_date: date
    sex: str  # "L" (laki-laki) or "P" (perempuan)
    province: str  # "33"
    regency: str  # "3317"
    district: str  # "331709"

    def to_json(self) -> dict[str, str]:
        return {
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex,
            "province": self.province,
            "regency": self.regency,
            "district": self.district,
        }


@dataclass(frozen=True)
class ScanResult:
    """One classified scan. ``value`` holds the NIK, KK or UID digits when there are any."""

    raw: str
    kind: str  # "nik" | "kk" | "rfid" | "unknown"
    valid: bool
    reason: str | None = None
    value: str | None = None
    nik: NikInfo | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON object of CONTRACTS.md section 1 (``python -m drivers scan``)."""
        return {
            "raw": self.raw,
            "kind": self.kind,
            "valid": self.valid,
            "reason": self.reason,
            "nik": self.nik.to_json() if self.nik is not None else None,
        }


def _birth_date(ddmmyy: str, today: date) -> tuple[date, str]:
    day, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    sex = "L"
    if day > 40:
        day -= 40
        sex = "P"
    if not 1 <= day <= 31 or not 1 <= month <= 12:
        raise InvalidNik("tanggal lahir dalam NIK tidak valid")
    # The NIK has no century: take the most recent one that does not put the birth in the future.
    for year in (2000 + yy, 1900 + yy):
        try:
            born = date(year, month, day)
        except ValueError:
            continue
        if born <= today:
            return born, sex
    raise InvalidNik("tanggal lahir dalam NIK tidak valid")


def parse_nik(nik: str, *, today: date | None = None, allow_temporary: bool = False) -> NikInfo:
    """Check a NIK and decode it.

    :param nik: 16 ASCII digits (surrounding spaces are ignored).
    :param today: the date that decides the century (default: today).
    :param allow_temporary: accept a staff-recorded temporary NIK that begins with 0.
    :raises InvalidNik: with ``.reason`` saying what is wrong.
    """
    if not isinstance(nik, str):
        raise InvalidNik("NIK harus berupa teks 16 angka")
    nik = nik.strip()
    if not _DIGITS16.fullmatch(nik):
        raise InvalidNik("NIK harus 16 angka")
    if nik[0] == "0":
        if not allow_temporary:
            raise InvalidNik("NIK sementara (diawali 0) tidak diterima di sini")
    elif nik[:2] not in PROVINCE_CODES:
        raise InvalidNik("kode provinsi dalam NIK tidak dikenal")
    if nik[12:] == "0000":
        raise InvalidNik("nomor urut NIK tidak boleh 0000")
    born, sex = _birth_date(nik[6:12], today or date.today())
    return NikInfo(nik=nik, birth_date=born, sex=sex, province=nik[:2], regency=nik[:4], district=nik[:6])


def is_valid_nik(nik: str) -> bool:
    """True for a valid permanent NIK."""
    try:
        parse_nik(nik)
    except InvalidNik:
        return False
    return True


def make_nik(province_regency_district: str, birth_date: date, sex: str, serial: int) -> str:
    """Build a NIK (for tests and demo data). ``province_regency_district`` is ``331709`` or ``33.17.09``."""
    prd = province_regency_district.replace(".", "")
    if not re.fullmatch(r"[0-9]{6}", prd):
        raise ValueError("province_regency_district must be 6 digits, e.g. 331709")
    if sex not in ("L", "P"):
        raise ValueError('sex must be "L" or "P"')
    if not 1 <= serial <= 9999:
        raise ValueError("serial must be 1..9999")
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{prd}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


# --- scan classification -------------------------------------------------------------------------------


def _unknown(raw: str, reason: str) -> ScanResult:
    return ScanResult(raw=raw, kind="unknown", valid=False, reason=reason)


def _nik_result(raw: str, digits: str, today: date | None) -> ScanResult:
    try:
        info = parse_nik(digits, today=today)
    except InvalidNik as exc:
        return ScanResult(raw=raw, kind="nik", valid=False, reason=exc.reason, value=digits)
    return ScanResult(raw=raw, kind="nik", valid=True, value=digits, nik=info)


def _kk_result(raw: str, digits: str) -> ScanResult:
    if not _DIGITS16.fullmatch(digits):
        return ScanResult(raw=raw, kind="kk", valid=False, reason="nomor KK harus 16 angka", value=digits)
    if digits[:2] not in PROVINCE_CODES:
        return ScanResult(
            raw=raw, kind="kk", valid=False, reason="kode provinsi dalam nomor KK tidak dikenal", value=digits
        )
    if digits[12:] == "0000":
        return ScanResult(
            raw=raw, kind="kk", valid=False, reason="nomor urut KK tidak boleh 0000", value=digits
        )
    return ScanResult(raw=raw, kind="kk", valid=True, value=digits)


def _fields_from_payload(text: str) -> dict[str, str] | None:
    """Key/value fields of a QR payload: a JSON object, a URL with a query, or a bare query string."""
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError):
            return None
        if not isinstance(obj, dict):
            return None
        fields: dict[str, str] = {}
        # Accept {"nik": ...} and one level of nesting such as {"data": {"nik": ...}}.
        for source in [obj, *(v for v in obj.values() if isinstance(v, dict))]:
            for key, value in source.items():
                if isinstance(value, (str, int)) and not isinstance(value, bool) and key not in fields:
                    fields[str(key)] = str(value)
        return fields
    query = urlsplit(text).query if "://" in text else text
    if "=" not in query:
        return None
    try:
        parsed = parse_qs(query, keep_blank_values=True, max_num_fields=50)
    except ValueError:
        return None
    return {key: values[0] for key, values in parsed.items() if values}


def _payload_result(raw: str, text: str, today: date | None) -> ScanResult | None:
    fields = _fields_from_payload(text)
    if not fields:
        return None
    for key in _NIK_KEYS:
        if key in fields:
            value = fields[key].strip()
            if _DIGITS16.fullmatch(value):
                return _nik_result(raw, value, today)
            return ScanResult(raw=raw, kind="nik", valid=False, reason="NIK dalam kode QR harus 16 angka")
    for key in _KK_KEYS:
        if key in fields:
            return _kk_result(raw, fields[key].strip())
    return _unknown(raw, "kode QR tidak memuat NIK atau nomor KK")


def classify_scan(raw: str, *, today: date | None = None) -> ScanResult:
    """Say what a scan is. Never raises: anything odd is ``kind="unknown"`` with a reason."""
    if isinstance(raw, (bytes, bytearray)):
        raw = bytes(raw).decode("utf-8", errors="replace")
    if not isinstance(raw, str):
        return _unknown(repr(raw)[:64], "pindaian bukan teks")
    if len(raw) > MAX_SCAN_LENGTH:
        return _unknown(raw[:MAX_SCAN_LENGTH], "pindaian terlalu panjang")
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        return _unknown(raw.encode("utf-8", "replace").decode("utf-8"), "pindaian berisi karakter rusak")
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return _unknown(raw, "pindaian kosong")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text):
        return _unknown(raw, "pindaian berisi karakter kendali")
    if "\ufffd" in text:
        return _unknown(raw, "pindaian berisi karakter rusak")
    if text.isascii() and text.isdigit():
        if len(text) == 16:
            return _nik_result(raw, text, today)
        if _RFID_DECIMAL.fullmatch(text):
            return ScanResult(raw=raw, kind="rfid", valid=True, value=text)
        return _unknown(raw, f"{len(text)} angka: bukan NIK (16 angka) atau UID kartu")
    if _RFID_HEX.fullmatch(text.upper()) and text.isascii() and text.isalnum():
        return ScanResult(raw=raw, kind="rfid", valid=True, value=text.upper())
    result = _payload_result(raw, text, today)
    if result is not None:
        return result
    return _unknown(raw, "pindaian tidak dikenali")
