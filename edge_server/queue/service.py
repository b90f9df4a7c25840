"""Queue operations against the database: each opens its own write transaction (BEGIN IMMEDIATE)."""
from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime

from flask_babel import gettext as _
from peewee import fn

from ..clock import Clock, to_iso
from ..db import database, insert_instance, raw_first, write_transaction
from ..display.words import call_sentence
from ..errors import ApiError
from ..info import schedule as office_hours
from ..inputs import bounded_int
from ..models import CallEvent, Counter, CounterService, Service, StaffUser, Ticket, TicketSequence
from ..sync.outbox import record_event
from ..sync.public_links import token_digest
from . import rules, tally

RECENT_DONE = 20


def _new_token() -> str:
    return secrets.token_urlsafe(18)  # 144 random bits


_SERVICE_BY_CODE = f"SELECT * FROM {Service._meta.table_name} WHERE code = ? LIMIT 1"
_SEQUENCE_NEXT = (f"UPDATE {TicketSequence._meta.table_name} SET last_number = last_number + 1 "
                  "WHERE service_id = ? AND business_date = ? AND (? IS NULL OR last_number < ?) RETURNING last_number")
_SEQUENCE_NEW = (f"INSERT INTO {TicketSequence._meta.table_name} (service_id, business_date, last_number) "
                 "VALUES (?, ?, 0) ON CONFLICT (service_id, business_date) DO NOTHING")
_TICKET_COLUMNS = ("id", "service", "issued_service", "business_date", "number", "priority", "issued_at", "device",
                   "resident_id", "track_token", "source", "recall_count", "print_error", "status")


def get_service(code: str) -> Service:
    service = (raw_first(Service, _SERVICE_BY_CODE, (code or "").upper()[:1])
               if isinstance(code, str) else None)
    if service is None:
        raise ApiError(404, "unknown_service", _("Layanan %(code)s tidak ada.", code=str(code)[:8]))
    return service


def issue_ticket(service_code: str, *, clock: Clock, priority: bool = False, device=None,
                 resident_id: int | None = None, source: str = "kiosk") -> Ticket:
    """Take the next number of a service for today.

    :raises ApiError: 404 unknown service, 409 service closed or full for today.
    """
    clock.require_trusted()
    now = clock.utcnow()
    today = clock.business_date()
    with write_transaction():
        service = get_service(service_code)
        if not service.is_open:
            raise ApiError(409, "service_closed", _("Layanan %(name)s sedang tutup.", name=service.name))
        closed = office_hours.refusal_for(service, clock)  # office hours and holidays (edge_server/info)
        if closed:
            raise ApiError(409, "service_closed", closed)
        number = _next_number(service, today)
        ticket = insert_instance(Ticket(
            id=str(uuid.uuid4()), service=service, issued_service=service, business_date=today, number=number,
            priority=bool(priority), issued_at=now, device=device, resident_id=resident_id,
            track_token=_new_token(), source=source,
        ), _TICKET_COLUMNS)
        record_event("ticket.issued", today, {
            "ticket_id": ticket.id, "service": service.code, "number": rules.format_number(service.code, number),
            "priority": bool(priority), "source": source, "service_name": service.name,
            "track_hash": token_digest(ticket.track_token),
        }, now)
    return ticket


def _next_number(service: Service, today: date) -> int:
    """Bump today's counter row of a service under the caller's write lock, refusing past the daily cap.

    Raw SQL with constant text (the hot path): one UPDATE ... RETURNING, and on the day's first ticket an INSERT.
    :raises ApiError: 409 service_full.
    """
    params = (service.id, today.isoformat(), service.daily_cap, service.daily_cap)
    row = database.execute_sql(_SEQUENCE_NEXT, params).fetchone()
    if row is None and database.execute_sql(_SEQUENCE_NEW, params[:2]).rowcount == 1:  # the day's first ticket
        row = database.execute_sql(_SEQUENCE_NEXT, params).fetchone()
    if row is None:
        raise ApiError(409, "service_full", _("Kuota antrian %(name)s hari ini sudah habis.", name=service.name))
    return row[0]


def _counter(number) -> Counter:
    known = bounded_int(str(number), 0, 9999)
    counter = Counter.get_or_none(Counter.number == known) if known is not None else None
    if counter is None:
        raise ApiError(404, "unknown_counter", _("Loket %(number)s tidak ada.", number=str(number)[:8]))
    return counter


def counter_service_ids(counter: Counter) -> list[int]:
    return [link.service_id for link in CounterService.select().where(CounterService.counter == counter)]


def _waiting_query(service_ids: list[int], today: date):
    return (Ticket.select()
            .where((Ticket.service.in_(service_ids)) & (Ticket.status == rules.WAITING)
                   & (Ticket.business_date == today)))


def _ordered(query):
    # Mirrors rules.order_key: priority first, then issue time, then number.
    return query.order_by(Ticket.priority.desc(), Ticket.issued_at, Ticket.number)


_FRONT_OF_CLASS = ("SELECT id, issued_at, number FROM ticket WHERE service_id = ? AND status = ? AND business_date = ? "
                   "AND priority = ? ORDER BY issued_at, number LIMIT 1")


def _next_waiting_id(service_ids: list[int], today: date) -> str | None:
    """The ticket rules.order_key puts first among those waiting for these services: the front of each service's
    priority class, one index probe each (ordering the whole waiting list cost a sort of every waiting ticket)."""
    day = today.isoformat()
    for priority in (1, 0):
        fronts = [row for service_id in service_ids
                  for row in database.execute_sql(_FRONT_OF_CLASS, (service_id, rules.WAITING, day, priority))]
        if fronts:
            return min(fronts, key=lambda row: (row[1], row[2]))[0]
    return None


def _record_call(ticket: Ticket, counter_number: int, kind: str, now) -> None:
    prefix = ticket.issued_service.code
    CallEvent.create(ticket=ticket, counter_number=counter_number,
                     number=rules.format_number(prefix, ticket.number), kind=kind, at=now,
                     spoken_text=call_sentence(prefix, ticket.number, counter_number))


def call_next(counter_number, *, clock: Clock, staff: StaffUser | None = None) -> Ticket | None:
    """Call the next ticket for a counter; two counters calling at once never get the same ticket."""
    now = clock.utcnow()
    today = clock.business_date()
    with write_transaction():
        counter = _counter(counter_number)
        ticket_id = _next_waiting_id(counter_service_ids(counter), today)
        if ticket_id is None:
            return None
        ticket = Ticket.get_by_id(ticket_id)
        Ticket.update(status=rules.CALLED, called_at=now, counter=counter, staff=staff).where(
            (Ticket.id == ticket.id) & (Ticket.status == rules.WAITING)).execute()
        ticket = Ticket.get_by_id(ticket.id)
        _record_call(ticket, counter.number, "call", now)
        record_event("ticket.called", today, {
            "ticket_id": ticket.id, "service": ticket.service.code, "counter": counter.number,
            "wait_seconds": int((now - ticket.issued_at).total_seconds()),
        }, now)
    return ticket


def act(ticket_id: str, action: str, *, clock: Clock, staff: StaffUser | None = None,
        target_service: str | None = None, counter_number: int | None = None) -> Ticket:
    """Apply a staff action (recall, start, finish, no-show, cancel, transfer) to a ticket.

    :raises ApiError: 404 unknown ticket or service, 409 action not allowed in the ticket's state.
    """
    now = clock.utcnow()
    with write_transaction():
        ticket = Ticket.get_or_none(Ticket.id == str(ticket_id))
        if ticket is None:
            raise ApiError(404, "unknown_ticket", _("Tiket tidak ditemukan."))
        try:
            status = rules.next_status(ticket.status, action)
        except rules.TransitionError:
            raise ApiError(409, "invalid_transition", _("Tiket %(number)s berstatus %(status)s; aksi ini tidak bisa.",
                                                        number=ticket_number(ticket), status=ticket.status)) from None
        changes: dict = {"status": status}
        event: tuple[str, dict] | None = None
        base = {"ticket_id": ticket.id, "service": ticket.service.code}
        if action == "recall":
            changes["recall_count"] = ticket.recall_count + 1
            changes["called_at"] = now
        elif action == "start":
            changes["started_at"] = now
            event = ("ticket.started", {**base, "counter": ticket.counter.number if ticket.counter_id else None})
        elif action == "finish":
            changes["finished_at"] = now
            begun = ticket.started_at or ticket.called_at or now
            event = ("ticket.finished", {**base, "service_seconds": int((now - begun).total_seconds())})
        elif action == "no-show":
            changes["finished_at"] = now
            event = ("ticket.no_show", base)
        elif action == "cancel":
            changes["finished_at"] = now
            event = ("ticket.cancelled", base)
        elif action == "transfer":
            target = get_service(target_service or "")
            if target.id == ticket.service_id:
                raise ApiError(409, "same_service", _("Tiket sudah di layanan itu."))
            changes.update(service=target, counter=None, called_at=None, started_at=None)
            event = ("ticket.transferred", {**base, "to_service": target.code, "to_service_name": target.name})
        if staff is not None:
            changes["staff"] = staff
        Ticket.update(**changes).where(Ticket.id == ticket.id).execute()
        ticket = Ticket.get_by_id(ticket.id)
        if action == "recall":
            _record_call(ticket, ticket.counter.number if ticket.counter else int(counter_number or 0), "recall",
                         now)
        if event:
            record_event(event[0], ticket.business_date, event[1], now)
    return ticket


def ticket_number(ticket: Ticket) -> str:
    return rules.format_number(ticket.issued_service.code, ticket.number)


_RECENT_DURATIONS = ("SELECT coalesce(started_at, called_at), finished_at FROM ticket WHERE service_id = ? "
                     "AND status = ? ORDER BY finished_at DESC LIMIT ?")


def _avg_minutes(service_id: int, default: float) -> float:
    """The mean of the last RECENT_DONE service times (one index range: service, status, finished_at)."""
    rows = database.execute_sql(_RECENT_DURATIONS, (service_id, rules.DONE, RECENT_DONE)).fetchall()
    durations = [(datetime.fromisoformat(end) - datetime.fromisoformat(begun)).total_seconds()
                 for begun, end in rows if begun and end]
    return rules.average_service_minutes(list(reversed(durations)), default)


def _counters_for(service_id: int) -> int:
    return database.execute_sql("SELECT count(*) FROM counter_service WHERE service_id = ?",
                                (service_id,)).fetchone()[0]


POSITION_SCAN = 500  # a ticket with more than this many behind it is counted from the front instead


def ticket_position(ticket: Ticket) -> int:
    """How many tickets are called before this one: priority first, then issue time, then number.

    From the trigger-kept tally (all waiting, priority waiting) less those behind it in its own priority class,
    which for a ticket just taken is an index probe that finds none; a ticket far from the back is counted from
    the front, so the cost is bounded by the shorter side of the queue, never by its length.
    """
    if ticket.status != rules.WAITING:
        return 0
    total, priority_waiting = tally.waiting(ticket.service_id, ticket.business_date)
    in_class = priority_waiting if ticket.priority else total - priority_waiting
    before_class = 0 if ticket.priority else priority_waiting
    issued_at = Ticket.issued_at.db_value(ticket.issued_at)
    issued_at = issued_at if isinstance(issued_at, str) else str(issued_at)
    later = tally.behind(ticket.service_id, ticket.business_date, ticket.priority, issued_at, ticket.number,
                         ticket.id, POSITION_SCAN)
    if later < POSITION_SCAN and in_class > 0:
        return max(0, before_class + in_class - 1 - later)
    ahead = _waiting_query([ticket.service_id], ticket.business_date).where(
        (Ticket.id != ticket.id)
        & ((Ticket.priority > ticket.priority)
           | ((Ticket.priority == ticket.priority)
              & ((Ticket.issued_at < ticket.issued_at)
                 | ((Ticket.issued_at == ticket.issued_at) & (Ticket.number < ticket.number))))))
    return ahead.count()


def ticket_json(ticket: Ticket, base_url: str, default_minutes: float = 5.0) -> dict:
    """The contract's ticket object T."""
    ahead = ticket_position(ticket)
    wait = 0
    if ticket.status == rules.WAITING:
        wait = rules.estimate_wait_minutes(ahead, _avg_minutes(ticket.service_id, default_minutes),
                                           _counters_for(ticket.service_id))
    return {
        "id": ticket.id,
        "number": ticket_number(ticket),
        "service": ticket.service.code,
        "service_name": ticket.service.name,
        "business_date": ticket.business_date.isoformat(),
        "priority": ticket.priority,
        "status": ticket.status,
        "issued_at": to_iso(ticket.issued_at),
        "position": ahead,
        "estimated_wait_minutes": wait,
        "track_url": f"{base_url}/t/{ticket.track_token}",
        "counter": ticket.counter.number if ticket.counter_id else None,
        "recall_count": ticket.recall_count,
    }


def services_overview(clock: Clock, default_minutes: float = 5.0) -> list[dict]:
    """Every service with how many wait today and the wait a new ticket would have."""
    today = clock.business_date()
    waiting = dict(Ticket.select(Ticket.service, fn.COUNT(Ticket.id))
                   .where((Ticket.status == rules.WAITING) & (Ticket.business_date == today))
                   .group_by(Ticket.service).tuples())
    out = []
    hours_status = office_hours.statuses(clock)  # open (switch and hours), opens_at, closed_reason
    for service in Service.select().order_by(Service.sort_order, Service.code):
        n = waiting.get(service.id, 0)
        out.append({
            "code": service.code, "name": service.name, **hours_status[service.id], "waiting": n,
            "estimated_wait_minutes": rules.estimate_wait_minutes(
                n, _avg_minutes(service.id, default_minutes), _counters_for(service.id)),
        })
    return out


def counter_state(counter_number, clock: Clock, base_url: str) -> dict:
    """What a counter console shows: its current ticket and the waiting list of its services."""
    counter = _counter(counter_number)
    today = clock.business_date()
    service_ids = counter_service_ids(counter)
    current = (Ticket.select().where((Ticket.counter == counter) & (Ticket.business_date == today)
                                     & (Ticket.status.in_([rules.CALLED, rules.SERVING])))
               .order_by(Ticket.called_at.desc()).first())
    waiting = list(_ordered(_waiting_query(service_ids, today)).limit(200))
    total = _waiting_query(service_ids, today).count()
    return {
        "counter": {"number": counter.number, "name": counter.name,
                    "services": [s.code for s in Service.select().where(Service.id.in_(service_ids))]},
        "current": ticket_json(current, base_url) if current else None,
        "waiting": [{"id": t.id, "number": ticket_number(t), "service": t.service.code, "priority": t.priority,
                     "issued_at": to_iso(t.issued_at)} for t in waiting],
        "waiting_total": total,
    }
