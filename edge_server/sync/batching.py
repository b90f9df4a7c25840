"""Turning outbox rows into batch bodies: JSON, at most 500 events or 256 KiB, gzip (pure)."""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from datetime import date, datetime, timezone

MAX_EVENTS = 500
MAX_BYTES = 256 * 1024


def event_json(event_id: str, seq: int, event_type: str, occurred_at: datetime, business_date: date | str,
               data: str | dict) -> dict:
    """One event as the contract's JSON object (occurred_at naive UTC in, ISO 8601 with Z out)."""
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=timezone.utc)
    return {
        "id": event_id,
        "seq": int(seq),
        "type": event_type,
        "occurred_at": occurred_at.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "business_date": str(business_date),
        "data": json.loads(data) if isinstance(data, str) else data,
    }


def _dumps(value) -> bytes:
    """Compact UTF-8 JSON; text with a lone surrogate (which UTF-8 cannot carry) goes as \\u escapes instead,
    and the hub stores U+FFFD for it, so such an event never stalls the outbox."""
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode("ascii")


def _encoded(event: dict) -> bytes:
    return _dumps(event)


def take_batch(events: Iterable[dict], max_events: int = MAX_EVENTS, max_bytes: int = MAX_BYTES) -> list[dict]:
    """The longest prefix of `events` within both limits (always at least one event, so nothing is stuck)."""
    batch: list[dict] = []
    size = 64  # the envelope: {"village": "...", "events": [...]}
    for event in events:
        cost = len(_encoded(event)) + 1
        if batch and (len(batch) >= max_events or size + cost > max_bytes):
            break
        batch.append(event)
        size += cost
    return batch


def batch_body(village: str, events: list[dict]) -> bytes:
    """The uncompressed JSON body of one batch."""
    return _dumps({"village": village, "events": events})


def compress(body: bytes) -> bytes:
    """gzip with a fixed mtime, so the same batch always gives the same bytes."""
    return gzip.compress(body, compresslevel=6, mtime=0)
