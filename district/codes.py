"""Kemendagri region codes: accept `33.17.09.2016` and `3317092016`, store the dotted form (pure)."""
from __future__ import annotations

import re

_PLAIN = re.compile(r"[0-9]{10}")
_DOTTED = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}")


def normalize_code(code: str) -> str | None:
    """The dotted village code, or None when `code` is not a village code."""
    if not isinstance(code, str):
        return None
    code = code.strip()
    if _DOTTED.fullmatch(code):
        return code
    if _PLAIN.fullmatch(code):
        return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"
    return None
