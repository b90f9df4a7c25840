"""The NIK's shape and how a NIK or a name is masked on screens, paper and in logs (DOMAIN.md, personal data).

Parsing a NIK's parts (birth date, sex, region) is scan work and lives in `drivers.idcard`.
"""
from __future__ import annotations

import re

PERMANENT_NIK = re.compile(r"^[1-9]\d{15}$")
"""16 digits, not starting with 0 (a temporary NIK starts with 0 and is for staff only)."""


def looks_like_permanent_nik(text: str) -> bool:
    """True for 16 digits that do not start with 0 (the date and region are not checked here)."""
    return bool(PERMANENT_NIK.match((text or "").strip()))


def mask_nik(nik: str) -> str:
    """Hide the middle of a NIK: ``3317**********01``."""
    nik = (nik or "").strip()
    if len(nik) <= 6:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 6) + nik[-2:]


def _mask_word(word: str) -> str:
    if len(word) <= 1:
        return word
    if len(word) == 2:
        return word[0] + "*"
    return word[0] + "*" * (len(word) - 2) + word[-1]


def mask_name(name: str) -> str:
    """Mask each word of a name: ``Budi Santoso`` -> ``B**i S*****o``."""
    return " ".join(_mask_word(w) for w in (name or "").split())
