"""Checking a village's signature and timestamp (CONTRACTS.md section 4), before the body is parsed (pure)."""
from __future__ import annotations

import hashlib
import hmac


def expected_signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """True when `signature` is the hex HMAC-SHA256 of "<timestamp>." + body (constant-time compare)."""
    if not timestamp.isdigit() or len(timestamp) > 12 or not signature:
        return False
    return hmac.compare_digest(expected_signature(secret, timestamp, body), signature.strip().lower())


def within_window(timestamp: str, now: float, window: int) -> bool:
    return timestamp.isdigit() and abs(int(timestamp) - now) <= window
