"""What every request's input passes before any view sees it: one JSON guard, text and integer checks.

The app's JSON provider parses every JSON body through `load_json`, so no endpoint can forget it:
- nesting deeper than `MAX_DEPTH` is refused before Python's recursion limit can turn it into a 500;
- a string (or key) holding a lone surrogate such as ``"\\ud800"`` is refused: it cannot be stored, logged or
  signed as UTF-8, so it would fail much later (in SQLite, the log, the district batch) instead of here.
`bounded_int` reads a decimal integer from a query string or path without ever calling int() on 4,000 digits,
and `anjungan_core.webapp.loggable` makes any text safe to hand to the logging module.
"""
from __future__ import annotations

import json

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32  # our bodies nest 3 levels; 32 leaves room for any honest client
SQL_INT_MAX = 2**63 - 1  # SQLite's INTEGER: a bigger Python int overflows in the driver


class InputError(ValueError):
    """Input refused before it reached a view; the message is plain English for logs and tests."""


def has_surrogate(text: str) -> bool:
    """True when `text` holds a lone UTF-16 surrogate (only JSON escapes or broken decoders make those)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_tree(value: object, max_depth: int = MAX_DEPTH) -> None:
    """Walk a parsed JSON value without recursion; refuse deep nesting and surrogates in keys and strings.

    :raises InputError: what is wrong.
    """
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > max_depth:
                raise InputError(f"JSON nested deeper than {max_depth} levels")
            if isinstance(item, dict):
                for key, child in item.items():
                    if has_surrogate(key):
                        raise InputError("JSON key with a lone surrogate")
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and has_surrogate(item):
            raise InputError("JSON string with a lone surrogate")


def load_json(raw: str | bytes, max_depth: int = MAX_DEPTH) -> object:
    """Parse JSON text the way every request body is parsed.

    :raises InputError: not JSON, too deep, or a lone surrogate.
    """
    try:
        value = json.loads(raw)
    except RecursionError:
        raise InputError(f"JSON nested deeper than {max_depth} levels") from None
    except (ValueError, TypeError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise InputError(f"not JSON: {exc.__class__.__name__}") from None
    check_tree(value, max_depth)
    return value


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON with `load_json` for parsing: request.get_json() can never raise RecursionError."""

    def loads(self, s: str | bytes, **kwargs) -> object:
        return load_json(s)


def bounded_int(raw: object, low: int = 0, high: int = SQL_INT_MAX) -> int | None:
    """The integer in `raw` (ASCII digits, optional leading minus) if it lies in [low, high], else None."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 19:
        return None
    value = int(text)
    return value if low <= value <= high else None


def is_ascii_text(value: object, max_length: int | None = None) -> bool:
    """True for a str of printable ASCII (no control characters), at most `max_length` long."""
    return (isinstance(value, str) and value.isascii() and value.isprintable()
            and (max_length is None or len(value) <= max_length))


def clean_text(value: object, max_length: int) -> str | None:
    """`value` if it is text without surrogates or control characters (tabs and newlines allowed) and at most
    `max_length` long, else None."""
    if not isinstance(value, str) or len(value) > max_length or has_surrogate(value):
        return None
    if any(not ch.isprintable() and ch not in "\t\n\r" for ch in value):
        return None
    return value


def json_object(required: bool = True) -> dict:
    """The request's JSON object (every JSON endpoint, kiosk API and staff console alike).

    :param required: False: an empty body is an empty object (staff actions without parameters).
    :raises ApiError: 400 invalid_json, saying what is wrong.
    """
    from flask import request
    from flask_babel import gettext as _

    from .errors import ApiError

    raw = request.get_data(cache=True)
    if not raw:
        if not required:
            return {}
        raise ApiError(400, "invalid_json", _("Badan permintaan kosong; kirim sebuah objek JSON."))
    try:
        data = load_json(raw)
    except InputError as exc:
        if "deeper" in str(exc):
            raise ApiError(400, "invalid_json", _("JSON terlalu bersarang (paling dalam %(n)s tingkat).",
                                                  n=MAX_DEPTH)) from None
        if "surrogate" in str(exc):
            raise ApiError(400, "invalid_json", _("Teks berisi karakter yang tidak sah.")) from None
        raise ApiError(400, "invalid_json", _("Badan permintaan bukan JSON yang sah.")) from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", _("Badan permintaan harus sebuah objek JSON."))
    return data
