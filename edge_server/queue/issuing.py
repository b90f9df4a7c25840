"""Taking a ticket, the busiest write of the hall: every kiosk, the counters' walk-in desk, letters with a queue.

`take` is the write itself, constant SQL only: the day's number, the ticket row (whose `ticket.issued` event the
outbox writes from it afterwards: sync/outbox.py), and (read in the same transaction) the new ticket's position
and the recent service times for its estimate. It touches nothing but the database and plain values, so it can
run on another thread's connection as a group commit job (edge_server/group_commit.py); the caller turns the
outcome into an answer or an error in its own language.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from anjungan_core import wait_estimate
from anjungan_core.ids import keyed_uuid, time_ordered_uuid

from ..db import database
from . import rules, tally, track_tokens
from .catalog import ServiceEntry

ISSUED, REPLAYED, CONFLICT, FULL = "issued", "replayed", "conflict", "full"

# The day's counter lives in the service's tally row (tally.py), which the new ticket's trigger updates next: one
# page. Parameters: service id, business date, daily cap (NULL: none), device id, Idempotency-Key (NULL: none),
# the catalog version the order was checked against (NULL: not asked). With the RETURNING the take adds
# (_NUMBER_AND_PLACE), no row back means: the cap is reached, the catalog changed since (the order's device,
# service or hours may be stale), or the key is one a ticket taken before edge migration 39 keeps in its row (one
# probe of that index, which new tickets stay out of: the fast path finds no replay any other way).
_NEXT_NUMBER = ("INSERT INTO queue_tally (service_id, business_date, last_number) SELECT ?1, ?2, 1 "
                "WHERE (?3 IS NULL OR ?3 > 0) AND (?6 IS NULL OR ?6 = (SELECT version FROM catalog_version "
                "WHERE id = 1)) AND NOT EXISTS (SELECT 1 FROM ticket WHERE device_id = ?4 "
                "AND request_key = ?5 AND request_key IS NOT NULL) ON CONFLICT (service_id, business_date) "
                "DO UPDATE SET last_number = last_number + 1 WHERE ?3 IS NULL OR last_number < ?3")
_INSERT_TICKET = ("INSERT INTO ticket (id, service_id, issued_service_id, business_date, number, priority, status, "
                  "issued_at, device_id, resident_id, recall_count, track_token, source, print_error, request_hash) "
                  "VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, 0, ?, ?, '', ?)")
# The ticket an Idempotency-Key was sent for: by the id derived from it, or (taken before edge migration 39)
# by the key kept in the row. Parameters: derived id, device id, key.
_KNOWN_KEY = ("SELECT request_hash, id FROM ticket WHERE id = ?1 AND device_id IS ?2 UNION ALL "
              "SELECT request_hash, id FROM ticket WHERE device_id = ?2 AND request_key = ?3 "
              "AND request_key IS NOT NULL LIMIT 1")
# The mean of the last RECENT_DONE service times, ignoring the absurd (anjungan_core.wait_estimate): one index
# range and the arithmetic in SQLite, not forty timestamps parsed in Python.
_RECENT_SERVICE_SECONDS = (
    "SELECT avg(seconds) FROM (SELECT (julianday(finished_at) - julianday(coalesce(started_at, called_at))) * 86400 "
    "AS seconds FROM ticket WHERE service_id = ? AND status = 'done' AND finished_at IS NOT NULL "
    "ORDER BY finished_at DESC LIMIT ?) WHERE seconds BETWEEN ? AND ?")


def _numbered(sql: str, *parameters: str) -> str:
    """`sql` with its `?` placeholders replaced, in order, by `parameters` (numbered ones, or a column)."""
    parts = sql.split("?")
    return "".join(part + parameter for part, parameter in zip(parts[:-1], parameters, strict=True)) + parts[-1]


# The number, and the new ticket's place and estimate, in one statement (each statement is Python and a trip into
# SQLite; under load, the GIL let go and taken back): the tally row as the bump left it (its waiting counts are
# those before this ticket, whose trigger runs at its insert), the probe behind the ticket (tally.BEHIND) and the
# recent mean, as subqueries of RETURNING. Parameters: _NEXT_NUMBER's six, then the priority, the issue time, the
# probe's limit, the ticket id, the waiting status, and the mean's three.
_NUMBER_AND_PLACE = (
    f"{_NEXT_NUMBER} RETURNING last_number, waiting, waiting_priority, "
    f"({_numbered(tally.BEHIND, '?1', '?11', '?2', '?7', '?8', '?8', 'queue_tally.last_number', '?10', '?9')}), "
    f"({_numbered(_RECENT_SERVICE_SECONDS, '?1', '?12', '?13', '?14')})")


@dataclass(frozen=True)
class TicketOrder:
    """What the caller asks for, checked and resolved (the service is open: the caller looked)."""

    service: ServiceEntry
    priority: bool
    now: datetime  # naive UTC
    today: date  # the village's business day
    device_id: int | None = None
    resident_id: int | None = None
    source: str = "kiosk"
    key: str | None = None  # Idempotency-Key, with the fingerprint of the request it was first sent with
    fingerprint: str = ""  # FINGERPRINT_LENGTH hex digits
    # Set by the ticket route, which checked the order against a catalog view it did not read again: the take
    # issues nothing (FULL) unless catalog_version is still this, inside its write transaction.
    catalog_version: int | None = None


FINGERPRINT_LENGTH = 16  # tickets taken before edge migration 39 keep 64; their first 16 are compared


@dataclass(frozen=True)
class Outcome:
    kind: str  # ISSUED, REPLAYED (the key's earlier ticket), CONFLICT (the key with another request), FULL
    ticket_id: str | None = None
    number: int = 0
    track_token: str = ""
    position: int = 0
    recent_service_seconds: float | None = None  # None before there is history


def take(order: TicketOrder, first_try: bool = False) -> Outcome:
    """Issue the next number of the order's service; call inside a write transaction.

    A take with an Idempotency-Key gets the id `keyed_uuid` derives from the device and the key, so the same key
    again is the same id: the table's primary key is what makes it once, and no index of keys is written.

    :param first_try: the caller hands any failure to the full path (api/ticket_route.py), so a key sent before
        is not looked up: the primary key refuses the insert, the job's writes are undone (the number too), and
        the full path finds the ticket and answers the replay.
    """
    sql = database.connection()  # the sqlite3 connection: peewee's wrapping of each statement is skipped here
    ticket_id = time_ordered_uuid() if order.key is None else keyed_uuid(f"ticket {order.device_id}", order.key)
    if order.key is not None and not first_try:
        known = sql.execute(_KNOWN_KEY, (ticket_id, order.device_id, order.key)).fetchone()
        if known is not None:
            same = known[0] is not None and known[0][:FINGERPRINT_LENGTH] == order.fingerprint
            return Outcome(REPLAYED if same else CONFLICT, ticket_id=known[1])
    service, priority = order.service, int(order.priority)
    issued_at, day = order.now.isoformat(" "), order.today.isoformat()
    low, high = wait_estimate.USABLE_SERVICE_SECONDS
    row = sql.execute(_NUMBER_AND_PLACE, (
        service.id, day, service.daily_cap, order.device_id, order.key, order.catalog_version, priority, issued_at,
        POSITION_SCAN, ticket_id, rules.WAITING, wait_estimate.RECENT_DONE, low, high)).fetchone()
    if row is None:  # full (or, on the first try only, a key from before migration 39 or a stale catalog view:
        # the full path finds the ticket, or reads the catalog again)
        return Outcome(FULL)
    number, waiting_before, priority_before, later, recent = row
    token = track_tokens.new_token(track_tokens.Place(service.id, order.today, number))
    sql.execute(_INSERT_TICKET, (ticket_id, service.id, service.id, day, number, priority, issued_at,
                                 order.device_id, order.resident_id, token, order.source,
                                 order.fingerprint if order.key is not None else None))
    # the tally as it was before this ticket's trigger added it: one more waiting, in its class too
    ahead = _ahead_from_tally(waiting_before + 1, priority_before + priority, order.priority, later)
    if ahead is None:
        ahead = position(service.id, order.today, order.priority, issued_at, number, ticket_id)
    return Outcome(ISSUED, ticket_id=ticket_id, number=number, track_token=token, position=ahead,
                   recent_service_seconds=recent)


_AHEAD = ("SELECT count(*) FROM ticket WHERE service_id = ? AND status = 'waiting' AND business_date = ? AND id != ? "
          "AND (priority > ? OR (priority = ? AND (issued_at < ? OR (issued_at = ? AND number < ?))))")


POSITION_SCAN = 500  # a ticket with more than this many behind it is counted from the front instead


def position(service_id: int, business_date: date, priority: bool, issued_at: str, number: int,
             ticket_id: str) -> int:
    """How many waiting tickets are called before this waiting one (rules.order_key: priority first, then issue
    time, then number).

    From the trigger-kept tally less those behind it in its own priority class: for a ticket just taken, an index
    probe that finds none. A ticket with more than POSITION_SCAN behind it is counted from the front instead, so
    the cost is bounded by the shorter side of the queue, never by its length.
    """
    total, priority_waiting = tally.waiting(service_id, business_date)
    later = tally.behind(service_id, business_date, priority, issued_at, number, ticket_id, POSITION_SCAN)
    ahead = _ahead_from_tally(total, priority_waiting, priority, later)
    if ahead is not None:
        return ahead
    flag = int(priority)
    return database.execute_sql(_AHEAD, (service_id, business_date.isoformat(), ticket_id, flag, flag, issued_at,
                                         issued_at, number)).fetchone()[0]


def _ahead_from_tally(total: int, priority_waiting: int, priority: bool, later: int) -> int | None:
    """Those ahead from the tally less those behind in the ticket's own class; None when more than POSITION_SCAN
    are behind it (then it is counted from the front)."""
    in_class = priority_waiting if priority else total - priority_waiting
    if later < POSITION_SCAN and in_class > 0:
        return max(0, (0 if priority else priority_waiting) + in_class - 1 - later)
    return None


def recent_service_seconds(service_id: int) -> float | None:
    low, high = wait_estimate.USABLE_SERVICE_SECONDS
    return database.execute_sql(_RECENT_SERVICE_SECONDS, (service_id, wait_estimate.RECENT_DONE, low,
                                                          high)).fetchone()[0]


def wait_minutes(ahead: int, recent_seconds: float | None, counters: int, default_minutes: float) -> int:
    """The estimate shown with a ticket: `ahead` tickets at the recent mean service time (the default before
    there is history), served by `counters` at once."""
    average = default_minutes if recent_seconds is None else recent_seconds / 60.0
    return wait_estimate.wait_minutes(ahead, average, counters)
