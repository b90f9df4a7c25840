"""Projecting newly stored events into the public pages' tables (called inside the batch's transaction).

Batches may arrive out of order (a retry after a lost reply, a reordered proxy): every row remembers the seq of
the event that set its status, and an older event never undoes a newer one. One read per table per batch, the
rows merged in memory; then on PostgreSQL one COPY of the new rows and one upsert of the known ones (elsewhere one
upsert of both).
"""
from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

from ..db import is_postgres
from .models import PublicLetter, PublicTicket

TICKET_STATUS = {"ticket.issued": "waiting", "ticket.called": "called", "ticket.started": "serving",
                 "ticket.finished": "done", "ticket.no_show": "no_show", "ticket.cancelled": "cancelled",
                 "ticket.transferred": "waiting"}
LETTER_TYPES = ("letter.requested", "letter.tracking", "letter.status_changed", "letter.verification")


def project(village_code: str, events: list[dict]) -> None:
    """Apply the ticket and letter events of one stored batch (dicts as `ingest.parse_batch` makes them)."""
    tickets = [e for e in events if e["type"] in TICKET_STATUS and _text(e["data"].get("ticket_id"), 36)]
    letters = [e for e in events if e["type"] in LETTER_TYPES and _text(e["data"].get("letter_id"), 36)]
    if tickets:
        _apply(PublicTicket, "ticket_id", village_code, tickets, _ticket_event)
    if letters:
        _apply(PublicLetter, "letter_id", village_code, letters, _letter_event)


def _text(value, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _apply(model, key: str, village_code: str, events: list[dict], apply_one) -> None:
    ids = list({e["data"][key][:36] for e in events})
    rows = {row[key]: SimpleNamespace(**row) for row in _stored_rows(model, key, village_code, ids)}
    stored = set(rows)
    changed = set()
    for event in sorted(events, key=lambda e: e["seq"]):
        object_id = event["data"][key][:36]
        row = rows.get(object_id)
        if row is None:
            row = rows[object_id] = SimpleNamespace(**{**_defaults(model), "village": village_code, key: object_id})
            if model is PublicTicket:
                row.business_date = event["business_date"]
        apply_one(row, event)
        changed.add(object_id)
    # The rows were merged in memory under the village's lock (ingest.store_batch), so which of them are new is
    # known: no other batch of this village can add one meanwhile.
    values = [_values(model, rows[object_id]) for object_id in sorted(changed)]
    if is_postgres():
        _write_postgres(model, key, [v for v in values if v[key] not in stored],
                        [v for v in values if v[key] in stored])
        return
    (model.insert_many(values)
     .on_conflict(conflict_target=[model.village, getattr(model, key)],
                  preserve=[f for f in _fields(model) if f.name not in ("village", key)])
     .execute())


_STATEMENTS: dict[type, tuple[str, str, list[str]]] = {}


def _statements(model, key: str) -> tuple[str, str, list[str]]:
    """(COPY, upsert, field names) for `model`, made once."""
    if model not in _STATEMENTS:
        fields = _fields(model)
        target = (model.village.column_name, getattr(model, key).column_name)
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        updates = ", ".join(f'"{f.column_name}" = EXCLUDED."{f.column_name}"' for f in fields
                            if f.column_name not in target)
        table = model._meta.table_name
        _STATEMENTS[model] = (
            f'COPY "{table}" ({columns}) FROM STDIN',  # the text format: tabs, \\N for NULL
            f'INSERT INTO "{table}" ({columns}) VALUES %s ON CONFLICT ("{target[0]}", "{target[1]}") '
            f'DO UPDATE SET {updates}',
            [f.name for f in fields])
    return _STATEMENTS[model]


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value) -> str:
    """One value as COPY's text format writes it."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).translate(_COPY_ESCAPES)


def _write_postgres(model, key: str, new: list[dict], known: list[dict]) -> None:
    """New rows in one COPY, rows already stored in one upsert (which finds each one's conflict and updates it),
    as constant SQL: peewee building an upsert of a few hundred rows cost as much CPU as PostgreSQL running it,
    and an upsert of a new row costs PostgreSQL about twice a copied one (bench/bench_sync.py)."""
    from psycopg2.extras import execute_values

    copy, upsert, names = _statements(model, key)
    cursor = model._meta.database.cursor()
    if new:
        text = "".join("\t".join(map(_copy_field, (row[name] for name in names))) + "\n" for row in new)
        cursor.copy_expert(copy, io.StringIO(text))
    if known:
        execute_values(cursor, upsert, [tuple(row[name] for name in names) for row in known],
                       page_size=len(known))


def _values(model, row: SimpleNamespace) -> dict:
    """Every column but the id, so rows of one insert all have the same shape."""
    return {name: getattr(row, name) for name in _names(model)}


_FIELDS: dict[type, list] = {}
_DEFAULTS: dict[type, dict] = {}


def _fields(model) -> list:
    """Every field but the id, in the table's order."""
    if model not in _FIELDS:
        _FIELDS[model] = [f for f in model._meta.sorted_fields if f.name != "id"]
    return _FIELDS[model]


def _names(model) -> list[str]:
    return [f.name for f in _fields(model)]


def _defaults(model) -> dict:
    """A new row's values before any event: each field's default (None where it has none; all are constants)."""
    if model not in _DEFAULTS:
        _DEFAULTS[model] = {f.name: f.default for f in _fields(model)}
    return dict(_DEFAULTS[model])


def _stored_rows(model, key: str, village_code: str, ids: list[str]) -> list[dict]:
    """The rows of these ids already stored, as plain values by field name. Plain values, not model instances:
    making and filling a peewee object per row cost more than the lookup (and on PostgreSQL the ids go as one
    array, not an IN list of parameters peewee builds one by one)."""
    names = _names(model)
    if is_postgres():
        columns = ", ".join(f'"{f.column_name}"' for f in _fields(model))
        cursor = model._meta.database.execute_sql(
            f'SELECT {columns} FROM "{model._meta.table_name}" WHERE "{model.village.column_name}" = %s '
            f'AND "{getattr(model, key).column_name}" = ANY(%s)', (village_code, ids))
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    mine = (model.village == village_code) & getattr(model, key).in_(ids)
    return list(model.select(*_fields(model)).where(mine).dicts())


def _ticket_event(row: SimpleNamespace, event: dict) -> None:
    data, kind = event["data"], event["type"]
    if kind == "ticket.issued":  # the facts that never change, whatever the order
        row.number = _text(data.get("number"), 16) or row.number
        row.priority = bool(data.get("priority"))
        row.issued_at, row.issued_seq = event["occurred_at"], event["seq"]
        row.business_date = event["business_date"]
        row.track_hash = _text(data.get("track_hash"), 64) or row.track_hash
        row.service_name = _text(data.get("service_name"), 120) or row.service_name
        if not row.service:
            row.service = _text(data.get("service"), 8)
    if event["seq"] <= (row.status_seq or 0):
        return
    row.status, row.status_seq, row.status_at = TICKET_STATUS[kind], event["seq"], event["occurred_at"]
    row.service = _text(data.get("to_service" if kind == "ticket.transferred" else "service"), 8) or row.service
    if kind in ("ticket.called", "ticket.started"):
        row.counter = _int(data.get("counter")) or row.counter
    elif kind == "ticket.transferred":
        row.counter = None
        row.service_name = _text(data.get("to_service_name"), 120) or row.service_name
    elif kind == "ticket.finished":
        row.service_seconds = _int(data.get("service_seconds"))


def _letter_event(row: SimpleNamespace, event: dict) -> None:
    data, kind = event["data"], event["type"]
    row.updated_at = max(filter(None, (row.updated_at, event["occurred_at"])))
    row.type = _text(data.get("type"), 20) or row.type
    row.type_name = _text(data.get("type_name"), 160) or row.type_name
    if kind in ("letter.requested", "letter.tracking"):
        row.reference = _text(data.get("reference"), 40) or row.reference
        row.track_hash = _text(data.get("track_hash"), 64) or row.track_hash
        if kind == "letter.requested":
            row.requested_on = event["business_date"]
    if kind == "letter.verification":
        if event["seq"] > (row.verification_seq or 0):
            row.verification_seq = event["seq"]
            row.verification_hash = _text(data.get("verification_hash"), 64) or row.verification_hash
            row.letter_number = _text(data.get("letter_number"), 80) or row.letter_number
            row.issued_on = _day(data.get("issued_on")) or row.issued_on
            row.valid_until = _day(data.get("valid_until"))
            row.verification_status = "cancelled" if data.get("status") == "cancelled" else "valid"
            row.name_masked = _text(data.get("name_masked"), 120)
        return
    status = _int(data.get("to") if kind == "letter.status_changed" else data.get("status"))
    if status is not None and 0 <= status <= 5 and event["seq"] > (row.status_seq or 0):
        row.status, row.status_seq = status, event["seq"]
    if kind == "letter.status_changed" and _text(data.get("letter_number"), 80):
        row.letter_number = row.letter_number or data["letter_number"][:80]
