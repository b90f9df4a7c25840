"""Identifiers that are unique and unguessable but sort by creation time.

A random key (uuid4, a plain random token) lands on a random leaf page of its index, so every new row dirties a page
no other new row shares, and each such page is written to the SQLite WAL again on every commit. Keys that start
with the time land on the last leaf page, which the rows committed together share.
"""
from __future__ import annotations

import secrets
import time
import uuid

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # in ASCII order, so text sorts as numbers
_EPOCH = 1_577_836_800  # 2020-01-01 UTC
_RAND_A, _RAND_B = (1 << 12) - 1, (1 << 62) - 1


def time_ordered_uuid(unix_ms: int | None = None) -> str:
    """A version 7 UUID (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits."""
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    rand = secrets.randbits(74)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 62 & _RAND_A) << 64 | 0b10 << 62 | rand & _RAND_B
    return str(uuid.UUID(int=value))


def time_ordered_token(random_bytes: int = 18, unix_seconds: float | None = None) -> str:
    """A URL-safe secret (`random_bytes` of randomness, 144 bits by default) behind six characters of the second it
    was made: unguessable as before, and the index of such tokens grows at its end."""
    seconds = max(0, int(time.time() if unix_seconds is None else unix_seconds) - _EPOCH)
    prefix = ""
    for _ in range(6):
        seconds, digit = divmod(seconds, 62)
        prefix = _BASE62[digit] + prefix
    return prefix + secrets.token_urlsafe(random_bytes)
