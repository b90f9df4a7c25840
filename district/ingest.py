"""Receiving a village's signed batch: verify before parsing, validate, store every event once."""
from __future__ import annotations

import csv
import hmac
import io
import json
import re
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from anjungan_core.regions import dotted_village_code

from .db import is_postgres, write_transaction
from .models import DeviceState, Event, Village
from .privacy import identity_leak
from .public.projection import project
from .safejson import JsonRefused, load_json
from .signing import expected_signature, signed_headers, within_window

_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # str(uuid.UUID(x))
METRIC_KEYS = {"ticket.called": "wait_seconds", "ticket.finished": "service_seconds"}
INT32 = 2 ** 31  # metric and device_id are INTEGER columns
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)  # dates outside are a broken clock or an attack


class IngestError(Exception):
    """A refused request: HTTP status, error code, words, and extra JSON fields."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}, **self.extra}


@dataclass
class IngestResult:
    acked_through: int
    stored: int = 0
    duplicates: int = 0
    conflict_seq: int | None = None
    devices: list = field(default_factory=list)


def authenticate(headers, body: bytes, now: float, window: int) -> Village:
    """The village that signed this request.

    :raises IngestError: 400 no village header, 403 unknown or revoked village, 401 bad_signature or clock_skew.
    """
    code = dotted_village_code(headers.get("X-Anjungan-Village", ""))
    if code is None:
        raise IngestError(400, "bad_village", "X-Anjungan-Village is missing or not a village code")
    village = Village.get_or_none(Village.code == code)
    if village is None or not village.active:
        raise IngestError(403, "unknown_village", "village is not registered with this district")
    signed = signed_headers(headers)
    if signed is None or not hmac.compare_digest(expected_signature(village.secret, signed.timestamp, body),
                                                 signed.signature):
        raise IngestError(401, "bad_signature", "signature does not match")
    timestamp = signed.timestamp
    if not within_window(timestamp, now, window):
        raise IngestError(401, "clock_skew", f"timestamp is more than {window} s away from the hub's clock",
                          server_time=int(now))
    return village


def decompress(body: bytes, encoding: str, limit: int) -> bytes:
    """The body as JSON bytes; gzip is unpacked with a hard limit (a gzip bomb gets 413, not our memory)."""
    encoding = (encoding or "").strip().lower()
    if encoding in ("", "identity"):
        if len(body) > limit:
            raise IngestError(413, "too_large", "body too large")
        return body
    if encoding != "gzip":
        raise IngestError(400, "bad_encoding", "Content-Encoding must be gzip or absent")
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = unpacker.decompress(body, limit + 1)
    except zlib.error:
        raise IngestError(400, "bad_gzip", "body is not valid gzip") from None
    if len(out) > limit or unpacker.unconsumed_tail:
        raise IngestError(413, "too_large", f"decompressed body over {limit} bytes")
    if not unpacker.eof:
        raise IngestError(400, "bad_gzip", "gzip body is truncated")
    return out


def _in_range(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"date outside {EARLIEST.year}-{LATEST.year}")
    return day


def _parse_instant(value) -> datetime:
    if len(value) == 20 and value[19] == "Z" and value[10] == "T":  # what edges send: 2026-11-02T03:04:05Z
        parsed = datetime.fromisoformat(value[:19])  # naive UTC already
        if parsed.tzinfo is None:
            _in_range(parsed.date())
            return parsed
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:  # 9999-12-31T23:59:59-23:59 is past the last datetime in UTC
            raise ValueError("occurred_at out of range") from None
    _in_range(parsed.date())
    return parsed


def _small_int(value) -> int | None:
    """`value` when it is an int that fits an INTEGER column, else None."""
    if isinstance(value, int) and not isinstance(value, bool) and -INT32 <= value < INT32:
        return value
    return None


def parse_batch(raw: bytes, village_code: str, max_events: int) -> list[dict]:
    """Validated events of a batch body, sorted by seq.

    :raises IngestError: 400 malformed, wrong village, or an event that carries a NIK or a name.
    """
    try:
        body = load_json(raw, max_bytes=len(raw))
    except JsonRefused as exc:
        raise IngestError(exc.status, exc.code, exc.message) from None
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        raise IngestError(400, "malformed", "body must be {\"village\", \"events\": [...]}")
    if dotted_village_code(str(body.get("village", ""))) != village_code:
        raise IngestError(400, "village_mismatch", "body village differs from the signed header")
    if len(body["events"]) > max_events:
        raise IngestError(413, "too_many_events", f"at most {max_events} events per batch")
    events, seen_seq = [], {}
    for index, item in enumerate(body["events"]):
        event = _valid_event(item, index)
        if seen_seq.setdefault(event["seq"], event["id"]) != event["id"]:
            raise IngestError(400, "malformed", f"events[{index}]: seq {event['seq']} appears twice")
        events.append(event)
    return sorted(events, key=lambda e: e["seq"])


def _valid_event(item, index: int) -> dict:
    where = f"events[{index}]"
    if not isinstance(item, dict):
        raise IngestError(400, "malformed", f"{where} is not an object")
    try:
        event_id = item["id"]
        if not (isinstance(event_id, str) and _CANONICAL_UUID.fullmatch(event_id)):  # what edges send, as is
            event_id = str(uuid.UUID(str(event_id)))
        seq = item["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq < 2 ** 62:
            raise ValueError("seq")
        event_type = item["type"]
        if not isinstance(event_type, str) or len(event_type) > 64 or not _TYPE.match(event_type):
            raise ValueError("type")
        occurred_at = _parse_instant(item["occurred_at"])
        business_date = _in_range(date.fromisoformat(item["business_date"]))
        data = item.get("data", {})
        if not isinstance(data, dict):
            raise ValueError("data")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise IngestError(400, "malformed", f"{where}: missing or bad field ({exc})") from None
    leak = identity_leak(data) or identity_leak(event_type, "type")
    if leak:
        raise IngestError(400, "personal_data", f"{where}: {leak} looks like a NIK or a name; refused")
    metric_key = METRIC_KEYS.get(event_type)
    metric = data.get(metric_key) if metric_key else None
    return {"id": event_id, "seq": seq, "type": event_type, "occurred_at": occurred_at,
            "business_date": business_date, "data": data,
            "metric": _small_int(metric)}


# An event's data as stored: compact, keys sorted (json.dumps with options makes a new encoder on every call)
_stored_json = json.JSONEncoder(separators=(",", ":"), sort_keys=True).encode


def store_batch(village_code: str, events: list[dict], now: datetime) -> IngestResult:
    """Store each event once, in seq order, up to the first seq held by another event id (a conflict).

    One transaction per batch; on PostgreSQL the village row is locked (FOR UPDATE), so batches of one village
    are stored one after the other while other villages go in parallel.
    """
    with write_transaction():
        acked_through = _locked_acked_through(village_code)
        existing_ids: dict[str, int] = {}
        taken_seqs: dict[int, str] = {}
        if events:
            # Two index lookups, not one OR: with OR, PostgreSQL read every stored event of the village and
            # compared it with the batch's 250 ids and seqs (a tenth of the ingest at 1,500 events a village).
            seqs = {e["seq"] for e in events}
            for event_id, seq in _stored_events(village_code, [e["id"] for e in events], min(seqs), max(seqs)):
                existing_ids[event_id] = seq
                if seq in seqs:
                    taken_seqs[seq] = event_id
        result = IngestResult(acked_through=acked_through)
        new_rows = []
        for event in events:
            if event["id"] in existing_ids:
                result.duplicates += 1
                continue
            if event["seq"] in taken_seqs:
                result.conflict_seq = event["seq"]
                break
            new_rows.append({"village": village_code, "event_id": event["id"], "seq": event["seq"],
                             "type": event["type"], "occurred_at": event["occurred_at"],
                             "business_date": event["business_date"], "metric": event["metric"],
                             "data": _stored_json(event["data"]),
                             "received_at": now})
            existing_ids[event["id"]] = event["seq"]
            taken_seqs[event["seq"]] = event["id"]
        _insert_events(new_rows)
        result.stored = len(new_rows)
        stored_ids = {row["event_id"] for row in new_rows}
        _update_devices(village_code, [e for e in events if e["type"] == "device.status" and e["id"] in stored_ids])
        project(village_code, [e for e in events if e["id"] in stored_ids])  # the public pages' tables
        result.acked_through = _advance(village_code, acked_through, [row["seq"] for row in new_rows])
        _sql(_VILLAGE_ADVANCED, (result.acked_through, Village.last_seen.db_value(now), village_code))
    return result


# The batch's three statements about its village, as constant SQL (peewee building them cost more CPU than running
# them): the row locked for the batch, whether a seq is stored, the row's new state.
_VILLAGE_LOCKED = f"SELECT acked_through FROM {Village._meta.table_name} WHERE code = ? FOR UPDATE"
_SEQ_STORED = f"SELECT 1 FROM {Event._meta.table_name} WHERE village_code = ? AND seq = ? LIMIT 1"
_VILLAGE_ADVANCED = f"UPDATE {Village._meta.table_name} SET acked_through = ?, last_seen = ? WHERE code = ?"


def _sql(sql: str, params: tuple):
    """Run one of this module's constant statements in the database's own parameter style (and without FOR
    UPDATE on SQLite, whose write transaction already excludes every other writer)."""
    postgres = is_postgres()
    text = _DIALECT.get((sql, postgres))
    if text is None:
        text = _DIALECT[sql, postgres] = sql.replace("?", "%s") if postgres else sql.replace(" FOR UPDATE", "")
    return Event._meta.database.execute_sql(text, params)


_DIALECT: dict[tuple[str, bool], str] = {}


def _locked_acked_through(village_code: str) -> int:
    """The village's acked_through, its row locked until the batch's transaction ends (on PostgreSQL, batches of
    one village are stored one after the other while other villages go in parallel).
    :raises Village.DoesNotExist: for a code that is not registered (authenticate refused it before)."""
    row = _sql(_VILLAGE_LOCKED, (village_code,)).fetchone()
    if row is None:
        raise Village.DoesNotExist(village_code)
    return row[0]


_STORED_EVENTS = ("SELECT event_id, seq FROM event WHERE village_code = %s AND event_id = ANY(%s) UNION ALL "
                  "SELECT event_id, seq FROM event WHERE village_code = %s AND seq BETWEEN %s AND %s")


def _stored_events(village_code: str, ids: list[str], low: int, high: int) -> list[tuple[str, int]]:
    """(event_id, seq) of the village's stored events with one of these ids or a seq in low..high. On PostgreSQL
    constant SQL with the ids as one array: peewee building an IN list of 250 values cost more CPU than the
    lookups."""
    if is_postgres():
        return Event._meta.database.execute_sql(_STORED_EVENTS, (village_code, ids, village_code, low, high)).fetchall()
    mine = Event.village == village_code
    return list(Event.select(Event.event_id, Event.seq).where(mine & Event.event_id.in_(ids))
                .union_all(Event.select(Event.event_id, Event.seq).where(mine & Event.seq.between(low, high)))
                .tuples())


_COPY_COLUMNS = ("village_code", "event_id", "seq", "type", "occurred_at", "business_date", "metric", "data",
                 "received_at")


def _insert_events(rows: list[dict]) -> None:
    """Insert the new events: on PostgreSQL one COPY for the whole batch (one round trip, no statement to build),
    elsewhere multi-row INSERTs of 500."""
    if not rows:
        return
    if not is_postgres():
        for start in range(0, len(rows), 500):
            Event.insert_many(rows[start:start + 500]).execute()
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow((row["village"], row["event_id"], row["seq"], row["type"], row["occurred_at"].isoformat(" "),
                         row["business_date"].isoformat(), "" if row["metric"] is None else row["metric"],
                         row["data"], row["received_at"].isoformat(" ")))
    buffer.seek(0)
    cursor = Event._meta.database.cursor()
    cursor.copy_expert(f"COPY {Event._meta.table_name} ({', '.join(_COPY_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
                       buffer)


def _advance(village_code: str, acked: int, stored_seqs: list[int] | None = None) -> int:
    """The highest seq N such that every seq up to N is stored.

    The usual batch continues the village's run exactly (seqs acked+1 .. acked+n): then only whether anything
    lies beyond it needs asking, not every seq read back."""
    if stored_seqs and sorted(stored_seqs) == list(range(acked + 1, acked + len(stored_seqs) + 1)):
        top = acked + len(stored_seqs)
        if _sql(_SEQ_STORED, (village_code, top + 1)).fetchone() is None:
            return top
        acked = top
    while True:
        seqs = [row.seq for row in Event.select(Event.seq)
                .where((Event.village == village_code) & (Event.seq > acked)).order_by(Event.seq).limit(5000)]
        for seq in seqs:
            if seq != acked + 1:
                return acked
            acked = seq
        if len(seqs) < 5000:
            return acked


# A device's row written in one constant statement, and only by a newer event than the one it holds (peewee's read
# and then write of the row, with their query building, cost a batch with a device.status 0.3-0.4 ms).
_DEVICE_FIELDS = ("device", "kind", "online", "printer_online", "paper", "scanner_connected", "seq", "occurred_at")
_DEVICE_UPSERT = (
    f"INSERT INTO {DeviceState._meta.table_name} (village_code, device_id, {', '.join(_DEVICE_FIELDS)}) "
    f"VALUES (?, ?, {', '.join('?' for _ in _DEVICE_FIELDS)}) ON CONFLICT (village_code, device_id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _DEVICE_FIELDS)
    + f" WHERE {DeviceState._meta.table_name}.seq < excluded.seq")


def _update_devices(village_code: str, events: list[dict]) -> None:
    newest: dict[int, dict] = {}  # a device's state is its newest event's: the batch's older ones change nothing
    for event in events:
        device_id = _small_int(event["data"].get("device_id"))
        if device_id is not None and (device_id not in newest or newest[device_id]["seq"] < event["seq"]):
            newest[device_id] = event
    fields = DeviceState._meta.fields
    for device_id, event in newest.items():
        data = event["data"]
        printer = data.get("printer") if isinstance(data.get("printer"), dict) else {}
        scanner = data.get("scanner") if isinstance(data.get("scanner"), dict) else {}
        values = {"device": str(data.get("device", ""))[:80], "kind": str(data.get("kind", "kiosk"))[:20],
                  "online": bool(data.get("online", True)),
                  "printer_online": printer.get("online") if isinstance(printer.get("online"), bool) else None,
                  "paper": str(printer.get("paper", "unknown"))[:10],
                  "scanner_connected": (scanner.get("connected") if isinstance(scanner.get("connected"), bool)
                                        else None),
                  "seq": event["seq"], "occurred_at": event["occurred_at"]}
        _sql(_DEVICE_UPSERT, (village_code, device_id,
                              *(fields[name].db_value(values[name]) for name in _DEVICE_FIELDS)))
