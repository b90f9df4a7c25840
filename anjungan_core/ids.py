"""Identifiers that sort by creation time: random ones (unique and unguessable) and ones derived from a client's key.

A random key (uuid4, a plain random token) lands on a random leaf page of its index, so every new row dirties a page
no other new row shares, and each such page is written to the SQLite WAL again on every commit. Keys that start
with the time land on the last leaf page, which the rows committed together share.
"""
from __future__ import annotations

import hashlib
import os
import time
import uuid

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # in ASCII order, so text sorts as numbers
_RAND_A, _RAND_B = (1 << 12) - 1, (1 << 62) - 1


def time_ordered_uuid(unix_ms: int | None = None) -> str:
    """A version 7 UUID (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits (from os.urandom)."""
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    rand = int.from_bytes(os.urandom(10), "big") >> 6  # 74 bits
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 62 & _RAND_A) << 64 | 0b10 << 62 | rand & _RAND_B
    return _uuid_text(value)


def _uuid_text(value: int) -> str:
    """str(uuid.UUID(int=value)), without building the object (every ticket makes two)."""
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def keyed_uuid(scope: str, key: str) -> str:
    """The same UUID for the same `scope` and `key`, another for any other pair (version 8, RFC 9562).

    Its 48 time bits are the key's own when the key is a version 7 UUID (what the kiosk sends as Idempotency-Key),
    so time-ordered keys give ids that still land at the end of their index; the other 74 bits, and the time bits
    of any other key, are SHA-256 of the scope and the key.
    """
    digest = int.from_bytes(hashlib.sha256(f"{scope}\n{key}".encode()).digest()[:16], "big")
    given = _uuid_int(key)
    ms = given >> 80 if given is not None and given >> 76 & 0xF == 7 and given >> 62 & 0b11 == 0b10 else digest >> 80
    value = (ms << 80 | 0x8 << 76 | (digest >> 64 & _RAND_A) << 64 | 0b10 << 62 | digest & _RAND_B)
    return _uuid_text(value)


def _uuid_int(text: str) -> int | None:
    """The 128 bits of a UUID written as uuid.UUID reads it, or None when it is not one. The kiosk's form
    (8-4-4-4-12 hex digits) is read without building the object: every take with a key passes here."""
    if len(text) == 36 and text[8] == text[13] == text[18] == text[23] == "-" and text.count("-") == 4:
        digits = text.replace("-", "")
        if digits.isascii() and digits.isalnum():
            try:
                return int(digits, 16)
            except ValueError:
                return None
    try:
        return uuid.UUID(text).int
    except ValueError:
        return None


def base62(value: int, width: int) -> str:
    """`value` in `width` base-62 digits (ASCII order, so equal widths sort as numbers).
    :raises ValueError: when it does not fit."""
    if not 0 <= value < 62 ** width:
        raise ValueError(f"{value} does not fit in {width} base-62 digits")
    digits = ""
    for _ in range(width):
        value, digit = divmod(value, 62)
        digits = _BASE62[digit] + digits
    return digits


def from_base62(text: str) -> int | None:
    """The number `text` writes in base 62, or None when it holds any other character."""
    value = 0
    for char in text:
        digit = _BASE62.find(char)
        if digit < 0:
            return None
        value = value * 62 + digit
    return value
