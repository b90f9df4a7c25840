"""Refusing events that carry a person's identity: NIK-like numbers, name fields, or a `*_masked` field whose
name is not masked (pure). A masked name may travel (`B**i S*****o`, for the hub's public pages); a full one not.

A NIK is 16 digits, written plain (3317095306700001), grouped (3317 0953 0670 0001) or dotted like a region code
(33.17.09.530670.0001, 331709.530670.0001); it is caught in values, in keys and in the event type. UUIDs are
blanked out first, so a UUID whose digits happen to run long is not taken for one.
"""
from __future__ import annotations

import re

IDENTITY_KEYS = frozenset({"nik", "name", "nama", "nama_lengkap", "full_name", "fullname", "no_kk", "kk",
                           "nomor_kk", "resident_name", "pin", "rfid", "alamat", "address", "tanggal_lahir",
                           "birth_date", "tempat_lahir"})
# Plain, region.region.region.birth.serial (2.2.2.6.4), region.birth.serial (6.6.4) and 4.4.4.4 groups; a
# separator is one dot, dash, space or underscore. Shapes, not "16 digits anywhere": two dates are not a NIK.
_S = r"[ ._-]"
_NIK = re.compile(r"(?<![0-9])(?:[0-9]{16}"
                  rf"|[0-9]{{2}}{_S}[0-9]{{2}}{_S}[0-9]{{2}}{_S}[0-9]{{6}}{_S}[0-9]{{4}}"
                  rf"|[0-9]{{6}}{_S}[0-9]{{6}}{_S}[0-9]{{4}}"
                  rf"|[0-9]{{4}}{_S}[0-9]{{4}}{_S}[0-9]{{4}}{_S}[0-9]{{4}})(?![0-9])")
# One word of a masked name: a single letter, or its first letter, stars, and at most its last letter.
_MASKED_WORD = re.compile(r"^[^\s*]$|^[^\s*]\*+[^\s*]?$")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def looks_like_nik(text: str) -> bool:
    """True when `text` holds a NIK in any common spelling (16 digits, separated or not)."""
    if not any(c.isdigit() for c in text):
        return False
    return bool(_NIK.search(_UUID.sub(" ", text)))


def is_masked(name: str) -> bool:
    """True when every word of `name` is masked the way the edge masks names (empty counts as masked)."""
    return all(_MASKED_WORD.match(word) for word in name.split())


def identity_leak(value, path: str = "data") -> str | None:
    """Where `value` carries identity data (e.g. "data.nik"), or None when it is clean."""
    if isinstance(value, dict):
        for key, inner in value.items():
            key_text = str(key)
            if key_text.lower() in IDENTITY_KEYS or looks_like_nik(key_text):
                return f"{path}.{key_text[:40]}"
            if key_text.lower().endswith("_masked"):
                if not isinstance(inner, str) or not is_masked(inner):
                    return f"{path}.{key_text[:40]}"
                continue
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
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return path if len(str(abs(value))) == 16 else None
    if isinstance(value, str) and looks_like_nik(value):
        return path
    return None
