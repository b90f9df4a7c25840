"""Kemendagri region codes: `33.17.09.2016` and `3317092016` are the same village; the dotted form is stored."""
from __future__ import annotations

import re

_PLAIN = re.compile(r"[0-9]{10}")  # ASCII digits only (\d would take other scripts' digits too)
_DOTTED = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}")


def dotted_village_code(code: object) -> str | None:
    """The dotted village code (`33.17.09.2016`), or None when ``code`` is no 10-digit village code."""
    if not isinstance(code, str):
        return None
    code = code.strip()
    if _DOTTED.fullmatch(code):
        return code
    if _PLAIN.fullmatch(code):
        return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"
    return None


def plain_village_code(code: str) -> str:
    """`33.17.09.2016` -> `3317092016` (for folder names); other text loses its dots only."""
    return (code or "").replace(".", "")
