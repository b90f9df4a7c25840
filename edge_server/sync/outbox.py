"""Writing events to the outbox, inside the caller's write transaction."""
from __future__ import annotations

import json
from datetime import date, datetime

from anjungan_core.ids import time_ordered_uuid

from ..db import database
from ..models import OutboxEvent, SyncState

# Keys that would carry a person's identity; an event must never contain them (the district refuses them too).
FORBIDDEN_KEYS = frozenset({"nik", "name", "nama", "no_kk", "kk", "pin", "rfid", "resident", "address", "alamat"})

_LAST_SEQ = (f"SELECT max(coalesce((SELECT max(seq) FROM {OutboxEvent._meta.table_name}), 0), "
             f"coalesce((SELECT max(acked_through) FROM {SyncState._meta.table_name}), 0))")
# The next seq and the insert in one statement: every ticket taken passes here.
_INSERT = (f"INSERT INTO {OutboxEvent._meta.table_name} (id, seq, type, occurred_at, business_date, data) "
           f"SELECT ?, ({_LAST_SEQ}) + 1, ?, ?, ?, ? RETURNING seq")


def record_event(event_type: str, business_date: date, data: dict, occurred_at: datetime) -> int:
    """Append one event with the next gapless seq, and return the seq. Call inside `write_transaction()`.

    Constant SQL (every ticket taken passes here), run on the sqlite3 connection itself, without peewee's
    per-statement wrapping: one insert whose seq is two index lookups.
    :raises ValueError: if `data` carries an identity field.
    """
    leaked = FORBIDDEN_KEYS.intersection(k.lower() for k in data)
    if leaked:
        raise ValueError(f"outbox event {event_type} must not carry {sorted(leaked)}")
    # Pruned or renumbered rows must never let a seq restart below what the district already acknowledged.
    return database.connection().execute(_INSERT, (time_ordered_uuid(), event_type, occurred_at.isoformat(" "),
                                                   business_date.isoformat(), _encode(data))).fetchone()[0]


_encode = json.JSONEncoder(separators=(",", ":"), sort_keys=True).encode  # made once: json.dumps makes one a call
