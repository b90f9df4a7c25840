"""Checking a village's signature and timestamp (CONTRACTS.md section 4), before the body is parsed (pure).

The signing headers are read in one place (`signed_headers`): plain ASCII of the right shape, or refused, so no
odd byte (`é`, `²`, which `str.isdigit()` accepts) ever reaches an encoder or `hmac.compare_digest`.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
HEADER_PREFIX = "X-Anjungan-"


@dataclass(frozen=True)
class SignedHeaders:
    timestamp: str  # 1-12 ASCII digits
    signature: str  # 64 lowercase hex digits


def headers_ascii(headers) -> str | None:
    """The name of the first X-Anjungan-* header that is not printable ASCII, or None when all are."""
    for name, value in headers.items():
        if name.lower().startswith(HEADER_PREFIX.lower()) and not _PRINTABLE_ASCII.fullmatch(value):
            return name
    return None


def hex_digest(value: str) -> str | None:
    """`value` as 64 lowercase hex digits (a SHA-256), or None when it is anything else."""
    value = (value or "").strip()
    if not value.isascii():
        return None
    value = value.lower()
    return value if _HEX64.fullmatch(value) else None


def signed_headers(headers) -> SignedHeaders | None:
    """X-Anjungan-Timestamp and X-Anjungan-Signature, or None when either is missing or malformed."""
    timestamp = (headers.get("X-Anjungan-Timestamp", "") or "").strip()
    signature = hex_digest(headers.get("X-Anjungan-Signature", ""))
    if not _TIMESTAMP.fullmatch(timestamp) or signature is None:
        return None
    return SignedHeaders(timestamp, signature)


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """True when `signature` is the hex HMAC-SHA256 of "<timestamp>." + body (constant-time compare)."""
    signed = signed_headers({"X-Anjungan-Timestamp": timestamp, "X-Anjungan-Signature": signature})
    if signed is None:
        return False
    return hmac.compare_digest(expected_signature(secret, signed.timestamp, body), signed.signature)


def backup_signature(secret: str, timestamp: str, name: str, sha256: str) -> str:
    """The signature of a backup upload: hex HMAC-SHA256 of "<timestamp>.backup:<name>:<hex SHA-256 of body>".

    It signs the headers, not the body, so the hub checks it before reading a byte; the body is then checked
    against the signed SHA-256 while it is streamed in.
    """
    message = f"{timestamp}.backup:{name}:{sha256}".encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def within_window(timestamp: str, now: float, window: int) -> bool:
    return bool(_TIMESTAMP.fullmatch(timestamp or "")) and abs(int(timestamp) - now) <= window
