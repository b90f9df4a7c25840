"""Refusing events that carry a person's identity: NIK-like numbers or name fields (pure)."""
from __future__ import annotations

import re

IDENTITY_KEYS = frozenset({"nik", "name", "nama", "nama_lengkap", "full_name", "fullname", "no_kk", "kk",
                           "nomor_kk", "resident_name", "pin", "rfid", "alamat", "address", "tanggal_lahir",
                           "birth_date", "tempat_lahir"})
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def identity_leak(value, path: str = "data") -> str | None:
    """Where `value` carries identity data (e.g. "data.nik"), or None when it is clean."""
    if isinstance(value, dict):
        for key, inner in value.items():
            key_text = str(key)
            if key_text.lower() in IDENTITY_KEYS or _SIXTEEN_DIGITS.search(key_text):
                return f"{path}.{key_text[:40]}"
            found = identity_leak(inner, f"{path}.{key_text[:40]}")
            if found:
                return found
        return None
    if isinstance(value, list):
        for index, inner in enumerate(value):
            found = identity_leak(inner, f"{path}[{index}]")
            if found:
                return found
        return None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return path if len(str(abs(value))) == 16 else None
    if isinstance(value, str) and _SIXTEEN_DIGITS.search(value.replace(" ", "")):
        return path
    return None
