"""Reading JSON a stranger sent: a size and a nesting limit, UTF-8 only, numbers in range, text a database holds.

Every JSON body the hub reads goes through `load_json` (sync batches directly, `request.get_json()` through the
app's JSON provider), so no body gets a RecursionError out of it, nor an unbounded integer, NaN, or a lone
surrogate into the hub.
Pure: no Flask, no database.
"""
from __future__ import annotations

import json
import math
import re

MAX_DEPTH = 32  # objects and arrays inside each other; a batch needs 4
INT_RANGE = 2 ** 63  # what a PostgreSQL BIGINT holds
_BAD_TEXT = re.compile("[\ud800-\udfff\x00]")


class JsonRefused(ValueError):
    """A JSON body refused before or while parsing: HTTP status, error code, words."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _deeper_than(value, limit: int) -> bool:
    """Whether parsed JSON nests objects and arrays more than `limit` deep (a level at a time, containers only)."""
    level, depth = ([value] if isinstance(value, (dict, list)) else []), 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [item for container in level for item in (container.values() if isinstance(container, dict)
                                                          else container) if isinstance(item, (dict, list))]
    return False


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
    # Parsed first, in C: the number hooks see every number, and the depth is measured on what came out. (Taking
    # the strings out of the text to find the brackets and numbers outside them cost a batch 2.5 times its parse.)
    try:
        value = json.loads(text, parse_int=_number_int, parse_float=_number_float, parse_constant=_constant)
    except JsonRefused:
        raise
    except RecursionError:  # deeper than the interpreter goes: far deeper than max_depth
        raise JsonRefused(400, "too_deep", f"JSON nested deeper than {max_depth} levels") from None
    except ValueError:
        raise JsonRefused(400, "malformed", "body is not JSON") from None
    if text.count("[") + text.count("{") > max_depth and _deeper_than(value, max_depth):
        raise JsonRefused(400, "too_deep", f"JSON nested deeper than {max_depth} levels")
    return _cleaned(value) if "\\u" in text else value
