"""Writing events to the outbox, inside the caller's write transaction."""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime

from ..db import insert_instance
from ..models import OutboxEvent, SyncState

# Keys that would carry a person's identity; an event must never contain them (the district refuses them too).
FORBIDDEN_KEYS = frozenset({"nik", "name", "nama", "no_kk", "kk", "pin", "rfid", "resident", "address", "alamat"})

_COLUMNS = ("id", "seq", "type", "occurred_at", "business_date", "data")
_LAST_SEQ = (f"SELECT max(coalesce((SELECT max(seq) FROM {OutboxEvent._meta.table_name}), 0), "
             f"coalesce((SELECT max(acked_through) FROM {SyncState._meta.table_name}), 0))")


def record_event(event_type: str, business_date: date, data: dict, occurred_at: datetime) -> OutboxEvent:
    """Append one event with the next gapless seq. Call inside `write_transaction()`.

    :raises ValueError: if `data` carries an identity field.
    """
    leaked = FORBIDDEN_KEYS.intersection(k.lower() for k in data)
    if leaked:
        raise ValueError(f"outbox event {event_type} must not carry {sorted(leaked)}")
    # Pruned or renumbered rows must never let a seq restart below what the district already acknowledged.
    # One statement, two index lookups (this runs on every ticket taken).
    last = OutboxEvent._meta.database.execute_sql(_LAST_SEQ).fetchone()[0]
    return insert_instance(OutboxEvent(
        id=str(uuid.uuid4()),
        seq=last + 1,
        type=event_type,
        occurred_at=occurred_at,
        business_date=business_date,
        data=json.dumps(data, separators=(",", ":"), sort_keys=True),
    ), _COLUMNS)
