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
_DIGIT = re.compile(r"[0-9]")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def looks_like_nik(text: str) -> bool:
    """True when `text` holds a NIK in any common spelling (16 digits, separated or not)."""
    if len(text) < 16 or not _DIGIT.search(text):  # every spelling has 16 digits (a value per event field)
        return False
    if len(text) == 36 and _UUID.fullmatch(text):  # an event's own ids
        return False
    return bool(_NIK.search(_UUID.sub(" ", text)))


def is_masked(name: str) -> bool:
    """True when every word of `name` is masked the way the edge masks names (empty counts as masked)."""
    return all(_MASKED_WORD.match(word) for word in name.split())


def identity_leak(value, path: str = "data") -> str | None:
    """Where `value` carries identity data (e.g. "data.nik"), or None when it is clean."""
    found = _leak(value)
    return None if found is None else path + found


def _leak(value) -> str | None:
    """The path below `value` to identity data ("" for `value` itself), or None. Paths are built only for a leak:
    the hub walks every event of every batch, and nearly all are clean."""
    if isinstance(value, str):
        return "" if looks_like_nik(value) else None
    if isinstance(value, dict):
        for key, inner in value.items():
            key_text = key if isinstance(key, str) else str(key)
            lowered = key_text.lower()
            if lowered in IDENTITY_KEYS or (len(key_text) >= 16 and looks_like_nik(key_text)):
                return f".{key_text[:40]}"
            if lowered.endswith("_masked"):
                if not isinstance(inner, str) or not is_masked(inner):
                    return f".{key_text[:40]}"
                continue
            if isinstance(inner, str):  # most values: checked here rather than a call deeper
                if len(inner) >= 16 and looks_like_nik(inner):
                    return f".{key_text[:40]}"
                continue
            found = _leak(inner)
            if found is not None:
                return f".{key_text[:40]}{found}"
        return None
    if isinstance(value, list):
        for index, inner in enumerate(value):
            found = _leak(inner)
            if found is not None:
                return f"[{index}]{found}"
        return None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return "" if len(str(abs(value))) == 16 else None
    return None
