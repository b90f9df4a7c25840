"""Signing sync requests (CONTRACTS.md section 4): pure functions, no network, no database."""
from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of "<timestamp>." + body, keyed with the village secret."""
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(village: str, secret: str, timestamp: int, body: bytes, *, gzipped: bool = False) -> dict:
    """The headers that make a request to the district hub: village, timestamp, signature (and encoding)."""
    headers = {
        "X-Anjungan-Village": village,
        "X-Anjungan-Timestamp": str(int(timestamp)),
        "X-Anjungan-Signature": signature(secret, timestamp, body),
    }
    if gzipped:
        headers["Content-Encoding"] = "gzip"
        headers["Content-Type"] = "application/json"
    return headers
