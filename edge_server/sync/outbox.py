"""Writing events to the outbox, inside the caller's write transaction.

Every event is appended by `record_event`, in the transaction of the change it reports, except one kind: a ticket's
`ticket.issued`. Everything that event says is in the ticket's own row (and its service's), so taking a ticket
writes no outbox row; `write_issued_events` appends the events of the tickets taken since it last ran, in the
order they were committed. It runs first thing in every `record_event`, so the outbox keeps the order things
happened in (a ticket's issuing always comes before its call, and before any event recorded after it), before the
sync worker reads what is pending, and in the background every second (`start_issued_events_writer`).

Why: a 350-byte event fills a 512-byte page by itself (edge_server/db.py), and writing it cost each take a sixth
of its CPU (bench_queue, docs/operator.md). Written in bulk, a page holds the events of several tickets and is
written once.

The tickets written so far are those up to `issued_event_mark.issued_through`, a ticket rowid (edge migration 41).
A new ticket's rowid is one more than the largest, so it is always above the mark: tickets are appended and never
renumbered (VACUUM keeps the rowids of this SQLite; db.adopt_page_size lowers the mark to the largest rowid after
one all the same), and the trigger that lowers the mark when the newest ticket is deleted (no code does) keeps it
that way, so no ticket is skipped and none written twice.
"""
from __future__ import annotations

import json
import logging
import threading
from datetime import date, datetime
from json.encoder import encode_basestring_ascii

from anjungan_core.ids import time_ordered_uuid

from ..db import database, write_transaction
from ..models import OutboxEvent, SyncState
from ..queue.rules import format_number
from .public_links import token_digest

log = logging.getLogger(__name__)

# Keys that would carry a person's identity; an event must never contain them (the district refuses them too).
FORBIDDEN_KEYS = frozenset({"nik", "name", "nama", "no_kk", "kk", "pin", "rfid", "resident", "address", "alamat"})

ISSUED = "ticket.issued"

_LAST_SEQ = (f"SELECT max(coalesce((SELECT max(seq) FROM {OutboxEvent._meta.table_name}), 0), "
             f"coalesce((SELECT max(acked_through) FROM {SyncState._meta.table_name}), 0))")
# The next seq and the insert in one statement.
_INSERT = (f"INSERT INTO {OutboxEvent._meta.table_name} (id, seq, type, occurred_at, business_date, data) "
           f"SELECT ?, ({_LAST_SEQ}) + 1, ?, ?, ?, ? RETURNING seq")
_INSERT_NUMBERED = (f"INSERT INTO {OutboxEvent._meta.table_name} (id, seq, type, occurred_at, business_date, data) "
                    "VALUES (?, ?, ?, ?, ?, ?)")

# The mark, made by edge migration 41 (one row, id 1).
MARK_TABLE = ("CREATE TABLE IF NOT EXISTS issued_event_mark (id INTEGER PRIMARY KEY CHECK (id = 1), "
              "issued_through INTEGER NOT NULL)")
LOWER_MARK = ("UPDATE issued_event_mark SET issued_through = "
              "min(issued_through, (SELECT coalesce(max(rowid), 0) FROM ticket))")
MARK_TRIGGER = f"CREATE TRIGGER IF NOT EXISTS issued_event_mark_delete AFTER DELETE ON ticket BEGIN {LOWER_MARK}; END"
# The tickets above the mark, oldest first, with what their events say. Parameter: how many at most.
_UNWRITTEN = ("SELECT t.rowid, t.id, t.issued_at, t.business_date, t.number, t.priority, t.source, t.track_token, "
              "s.code, s.name FROM ticket t JOIN service s ON s.id = t.issued_service_id "
              "WHERE t.rowid > (SELECT issued_through FROM issued_event_mark WHERE id = 1) ORDER BY t.rowid LIMIT ?")
# Also read by bench_queue and the backup test on a plain sqlite3 connection.
UNWRITTEN_COUNT = ("SELECT count(*) FROM ticket WHERE rowid > "
                    "(SELECT issued_through FROM issued_event_mark WHERE id = 1)")
_MOVE_MARK = "UPDATE issued_event_mark SET issued_through = ? WHERE id = 1"

CHUNK = 500  # tickets per write_issued_events call from the background writer: a few ms of the write lock


def record_event(event_type: str, business_date: date, data: dict, occurred_at: datetime) -> int:
    """Append one event with the next gapless seq, after the `ticket.issued` events not written yet; return its
    seq. Call inside `write_transaction()`.

    :raises ValueError: if `data` carries an identity field.
    """
    _check(event_type, data)
    write_issued_events()
    return _append(event_type, business_date, data, occurred_at)


def append_event(event_type: str, business_date: date, data: dict, occurred_at: datetime) -> int:
    """Append one event with the next gapless seq, and nothing else (edge migrations, which run before the mark
    exists; anything else calls `record_event`). Call inside `write_transaction()`.

    :raises ValueError: if `data` carries an identity field.
    """
    _check(event_type, data)
    return _append(event_type, business_date, data, occurred_at)


def _append(event_type: str, business_date: date, data: dict, occurred_at: datetime) -> int:
    """Constant SQL, run on the sqlite3 connection itself: one insert whose seq is two index lookups."""
    # Pruned or renumbered rows must never let a seq restart below what the district already acknowledged.
    return database.connection().execute(_INSERT, (time_ordered_uuid(), event_type, occurred_at.isoformat(" "),
                                                   business_date.isoformat(), _encode(data))).fetchone()[0]


def write_issued_events(limit: int | None = None) -> int:
    """Append the `ticket.issued` events of the tickets taken since the last call, oldest first, and move the
    mark past them; return how many. Call inside `write_transaction()`.

    :param limit: at most this many tickets (None: all of them).
    """
    sql = database.connection()
    rows = sql.execute(_UNWRITTEN, (-1 if limit is None else limit,)).fetchall()
    if not rows:
        return 0
    (last,) = sql.execute(_LAST_SEQ).fetchone()
    services: dict[tuple[str, str], str] = {}
    events = []
    for seq, (_rowid, ticket_id, issued_at, day, number, priority, source, token, code, name) in enumerate(
            rows, start=last + 1):
        service = services.get((code, name))
        if service is None:
            service = services[code, name] = f'"service":{_quote(code)},"service_name":{_quote(name)}'
        # what _encode(issued_event_data(...)) writes, byte for byte (tested), at a third of its cost
        data = (f'{{"number":{_quote(format_number(code, number))},"priority":{"true" if priority else "false"},'
                f'{service},"source":{_quote(source)},"ticket_id":{_quote(ticket_id)},'
                f'"track_hash":{_quote(token_digest(token))}}}')
        events.append((time_ordered_uuid(), seq, ISSUED, issued_at, day, data))
    sql.executemany(_INSERT_NUMBERED, events)
    sql.execute(_MOVE_MARK, (rows[-1][0],))
    return len(rows)


def issued_event_data(ticket_id: str, service_code: str, service_name: str, number: int, priority: bool,
                      source: str, track_token: str) -> dict:
    """What a `ticket.issued` event says (CONTRACTS.md): no resident, only the digest of the tracking token.
    `write_issued_events` writes this as JSON text itself; the tests hold it to `_encode` of this."""
    return {"ticket_id": ticket_id, "service": service_code, "number": format_number(service_code, number),
            "priority": priority, "source": source, "service_name": service_name,
            "track_hash": token_digest(track_token)}


def unwritten_issued_events() -> int:
    """How many tickets' `ticket.issued` events are not in the outbox yet (a read: nothing is written)."""
    return database.connection().execute(UNWRITTEN_COUNT).fetchone()[0]


def catch_up_issued_events(chunk: int = CHUNK) -> int:
    """Write every pending `ticket.issued` event, `chunk` tickets per write transaction (so takes go on between
    them); return how many."""
    total = 0
    while True:
        with write_transaction():
            written = write_issued_events(chunk)
        total += written
        if written < chunk:
            return total


def start_issued_events_writer(interval_seconds: float = 1.0) -> threading.Thread:
    """Write the pending `ticket.issued` events every `interval_seconds`, in a daemon thread of `serve` (one
    process runs it; `stop` on the thread ends it)."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval_seconds):
            try:
                database.connect(reuse_if_open=True)
                catch_up_issued_events()
            except Exception:  # noqa: BLE001 (a failed pass must not end the writer; the next one retries)
                log.exception("writing ticket.issued events failed; will retry")
            finally:
                if not database.is_closed():
                    database.close()

    thread = threading.Thread(target=loop, name="issued-events", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread


def _check(event_type: str, data: dict) -> None:
    leaked = FORBIDDEN_KEYS.intersection(k.lower() for k in data)
    if leaked:
        raise ValueError(f"outbox event {event_type} must not carry {sorted(leaked)}")


_quote = encode_basestring_ascii  # a JSON string as _encode writes it (ASCII, escaped)
_encode = json.JSONEncoder(separators=(",", ":"), sort_keys=True).encode  # made once: json.dumps makes one a call
