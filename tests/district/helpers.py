"""Helpers shared by district tests (signing as an edge would, building events)."""
from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import datetime, timezone
from zoneinfo import ZoneInfo


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign_backup(secret: str, timestamp: int, name: str, body: bytes) -> dict:
    """The headers that sign a backup upload: the body's SHA-256 and the HMAC over timestamp, name and it."""
    digest = hashlib.sha256(body).hexdigest()
    mac = hmac.new(secret.encode(), f"{timestamp}.backup:{name}:{digest}".encode(), hashlib.sha256).hexdigest()
    return {"X-Anjungan-Content-SHA256": digest, "X-Anjungan-Signature": mac}


def today() -> str:
    """The hub's business day (WIB, as its dashboard counts), not UTC's: from 00:00 to 07:00 WIB they differ."""
    return datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()


def make_event(seq: int, event_type: str = "ticket.issued", day: str | None = None, event_id: str | None = None,
               **data) -> dict:
    return {"id": event_id or str(uuid.uuid4()), "seq": seq, "type": event_type,
            "occurred_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "business_date": day or today(), "data": data or {"service": "A"}}
