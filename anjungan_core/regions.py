"""Kemendagri region codes: `33.17.09.2016` and `3317092016` are the same village; the dotted form is stored."""
from __future__ import annotations

import re

_PLAIN = re.compile(r"^\d{10}$")
_DOTTED = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")


def dotted_village_code(code: object) -> str | None:
    """The dotted village code (`33.17.09.2016`), or None when ``code`` is no 10-digit village code."""
    if not isinstance(code, str):
        return None
    code = code.strip()
    if _DOTTED.match(code):
        return code
    if _PLAIN.match(code):
        return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"
    return None


def plain_village_code(code: str) -> str:
    """`33.17.09.2016` -> `3317092016` (for folder names); other text loses its dots only."""
    return (code or "").replace(".", "")
