"""Reading JSON a stranger sent: a size and a nesting limit, UTF-8 only, numbers in range, text a database holds.

Every JSON body the hub reads goes through `load_json` (sync batches directly, `request.get_json()` through the
app's JSON provider), so no body can reach a RecursionError, an unbounded integer, NaN, or a lone surrogate.
Pure: no Flask, no database.
"""
from __future__ import annotations

import json
import math
import re
from itertools import accumulate

MAX_DEPTH = 32  # objects and arrays inside each other; a batch needs 4
INT_RANGE = 2 ** 63  # what a PostgreSQL BIGINT holds
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BAD_TEXT = re.compile("[\ud800-\udfff\x00]")
# Outside strings, only these can make a number the plain parser would turn into a huge int, inf or NaN.
_RISKY_NUMBERS = re.compile(r"[0-9][eE]|[0-9]{19}|NaN|Infinity")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_STEP = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


class JsonRefused(ValueError):
    """A JSON body refused before or while parsing: HTTP status, error code, words."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def nesting_depth(text: str) -> int:
    """How deep objects and arrays nest in JSON `text` (brackets inside strings do not count); linear time."""
    return _depth(_STRINGS.sub('""', text))


def _depth(structure: str) -> int:
    brackets = structure.encode("utf-8", "replace").translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    # "[" and "{" step +1, "]" and "}" step -1; the deepest point is the largest running sum.
    return max(accumulate(step - 1 for step in brackets.translate(_STEP)))


def _number_int(text: str) -> int:
    value = int(text)
    if not -INT_RANGE <= value < INT_RANGE:
        raise JsonRefused(400, "number_out_of_range", "an integer is outside the 64-bit range")
    return value


def _number_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonRefused(400, "number_out_of_range", "a number is too large")
    return value


def _constant(name: str):
    raise JsonRefused(400, "malformed", f"{name} is not JSON")


def clean_text(text: str) -> str:
    """`text` with lone surrogates and NUL replaced by U+FFFD (neither fits a PostgreSQL text column)."""
    return _BAD_TEXT.sub("\ufffd", text)


def _cleaned(value):
    """A copy of parsed JSON with every string (keys too) passed through `clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(key): _cleaned(item) for key, item in value.items()}
    return value


def load_json(raw: bytes | str, *, max_bytes: int, max_depth: int = MAX_DEPTH):
    """The parsed body.

    :raises JsonRefused: 413 over `max_bytes`; 400 not UTF-8, not JSON, nested deeper than `max_depth`,
        an integer outside 64 bits, a non-finite number.
    Lone surrogates and NUL (which JSON can only carry as \\u escapes) come back as U+FFFD: the event is kept, the
    unstorable character is not.
    """
    if len(raw) > max_bytes:
        raise JsonRefused(413, "too_large", f"JSON body over {max_bytes} bytes")
    if isinstance(raw, (bytes, bytearray)):
        try:
            text = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise JsonRefused(400, "malformed", "body is not UTF-8") from None
    else:
        text = raw
    structure = _STRINGS.sub('""', text)  # what is outside strings: brackets, numbers, literals
    if structure.count("[") + structure.count("{") > max_depth and _depth(structure) > max_depth:
        raise JsonRefused(400, "too_deep", f"JSON nested deeper than {max_depth} levels")
    try:
        if _RISKY_NUMBERS.search(structure):  # the slow, checking parse only when a number may be out of range
            value = json.loads(text, parse_int=_number_int, parse_float=_number_float, parse_constant=_constant)
        else:
            value = json.loads(text)
    except JsonRefused:
        raise
    except (ValueError, RecursionError):
        raise JsonRefused(400, "malformed", "body is not JSON") from None
    return _cleaned(value) if "\\u" in text else value
