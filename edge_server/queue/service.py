"""Queue operations against the database: each opens its own write transaction (BEGIN IMMEDIATE)."""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import gettext as _

from ..clock import Clock, to_iso
from ..db import database, raw_first, write_transaction
from ..display.words import call_sentence
from ..errors import ApiError
from ..info import schedule as office_hours
from ..inputs import bounded_int
from ..models import CallEvent, Counter, CounterService, Service, StaffUser, Ticket
from ..sync.outbox import record_event
from . import issuing, rules, tally
from .catalog import CatalogView, ServiceEntry

_SERVICE_BY_CODE = f"SELECT * FROM {Service._meta.table_name} WHERE code = ? LIMIT 1"


def get_service(code: str) -> Service:
    service = (raw_first(Service, _SERVICE_BY_CODE, (code or "").upper()[:1])
               if isinstance(code, str) else None)
    if service is None:
        raise ApiError(404, "unknown_service", _("Layanan %(code)s tidak ada.", code=str(code)[:8]))
    return service


def issue_ticket(service_code: str, *, clock: Clock, priority: bool = False, device=None,
                 resident_id: int | None = None, source: str = "kiosk") -> Ticket:
    """Take the next number of a service for today, in its own write transaction or the caller's (a letter
    with a queue number). The kiosk's hot path is api/tickets.py, which groups concurrent takes (group_commit).

    :raises ApiError: 404 unknown service, 409 service closed or full for today.
    """
    order = ticket_order(service_code, clock=clock, priority=priority, device_id=device.id if device else None,
                         resident_id=resident_id, source=source)
    with write_transaction():
        outcome = issuing.take(order)
    return Ticket.get_by_id(issued(outcome, order.service).ticket_id)


def ticket_order(service_code: str, *, clock: Clock, priority: bool = False, device_id: int | None = None,
                 resident_id: int | None = None, source: str = "kiosk", key: str | None = None,
                 fingerprint: str = "", catalog: CatalogView | None = None) -> issuing.TicketOrder:
    """The order for `issuing.take`, or the error a resident should read now: an unknown, switched-off or
    closed (office hours, holiday) service.

    :param catalog: the ticket route's view of the catalog, which it did not read again: the take then checks
        the view's version in its own write (TicketOrder.catalog_version)."""
    clock.require_trusted()
    today = clock.business_date()
    code = service_code.upper()[:1] if isinstance(service_code, str) else ""
    view = catalog if catalog is not None else _catalog().current(clock.zone, today)
    service = view.services.get(code)
    if service is None:
        raise ApiError(404, "unknown_service", _("Layanan %(code)s tidak ada.", code=str(service_code)[:8]))
    if not service.is_open:
        raise ApiError(409, "service_closed", _("Layanan %(name)s sedang tutup.", name=service.name))
    now = clock.utcnow()
    closed = office_hours.refusal(service.name, service.schedule, now)  # office hours and holidays
    if closed:
        raise ApiError(409, "service_closed", closed)
    return issuing.TicketOrder(service=service, priority=bool(priority), now=now, today=today, device_id=device_id,
                               resident_id=resident_id, source=source, key=key, fingerprint=fingerprint,
                               catalog_version=None if catalog is None else view.version)


def issued(outcome: issuing.Outcome, service: ServiceEntry) -> issuing.Outcome:
    """The outcome of a take, or the error it means (a full day; a key sent before with another request)."""
    if outcome.kind == issuing.FULL:
        raise ApiError(409, "service_full", _("Kuota antrian %(name)s hari ini sudah habis.", name=service.name))
    if outcome.kind == issuing.CONFLICT:
        raise ApiError(409, "idempotency_conflict", _("Idempotency-Key ini sudah dipakai untuk permintaan lain."))
    return outcome


def _catalog():
    return current_app.extensions["queue_catalog"]


def _counter(number) -> Counter:
    known = bounded_int(str(number), 0, 9999)
    counter = Counter.get_or_none(Counter.number == known) if known is not None else None
    if counter is None:
        raise ApiError(404, "unknown_counter", _("Loket %(number)s tidak ada.", number=str(number)[:8]))
    return counter


def counter_service_ids(counter: Counter) -> list[int]:
    return [link.service_id for link in CounterService.select().where(CounterService.counter == counter)]


def of_every_service(column):
    """`column IN (every service id)`: always true of a ticket, but it lets a day's tickets be found through the
    indexes that lead with a service (there is no index on business_date alone: edge migration 38)."""
    return column.in_(Service.select(Service.id))


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


def ticket_position(ticket: Ticket) -> int:
    """How many tickets are called before this one (0 when it is no longer waiting)."""
    if ticket.status != rules.WAITING:
        return 0
    issued_at = Ticket.issued_at.db_value(ticket.issued_at)
    return issuing.position(ticket.service_id, ticket.business_date, ticket.priority,
                            issued_at if isinstance(issued_at, str) else str(issued_at), ticket.number, ticket.id)


def _counters_for(service_id: int) -> int:
    return database.execute_sql("SELECT count(*) FROM counter_service WHERE service_id = ?",
                                (service_id,)).fetchone()[0]


def _wait(service_id: int, ahead: int, default_minutes: float) -> int:
    return issuing.wait_minutes(ahead, issuing.recent_service_seconds(service_id), _counters_for(service_id),
                                default_minutes)


def ticket_json(ticket: Ticket, base_url: str, default_minutes: float = 5.0) -> dict:
    """The contract's ticket object T."""
    ahead = ticket_position(ticket)
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
        "estimated_wait_minutes": _wait(ticket.service_id, ahead, default_minutes) if ahead else 0,
        "track_url": f"{base_url}/t/{ticket.track_token}",
        "counter": ticket.counter.number if ticket.counter_id else None,
        "recall_count": ticket.recall_count,
    }


def new_ticket_json(order: issuing.TicketOrder, outcome: issuing.Outcome, base_url: str,
                    default_minutes: float = 5.0) -> dict:
    """The same object T for a ticket just taken, from what the take knows (no second read)."""
    service = order.service
    return {
        "id": outcome.ticket_id,
        "number": rules.format_number(service.code, outcome.number),
        "service": service.code,
        "service_name": service.name,
        "business_date": order.today.isoformat(),
        "priority": order.priority,
        "status": rules.WAITING,
        "issued_at": to_iso(order.now),
        "position": outcome.position,
        "estimated_wait_minutes": issuing.wait_minutes(outcome.position, outcome.recent_service_seconds,
                                                       service.counters, default_minutes),
        "track_url": f"{base_url}/t/{outcome.track_token}",
        "counter": None,
        "recall_count": 0,
    }


def services_overview(clock: Clock, default_minutes: float = 5.0) -> list[dict]:
    """Every service with how many wait today and the wait a new ticket would have."""
    today = clock.business_date()
    out = []
    hours_status = office_hours.statuses(clock)  # open (switch and hours), opens_at, closed_reason
    for service in Service.select().order_by(Service.sort_order, Service.code):
        n = tally.waiting(service.id, today)[0]  # the trigger-kept count: one key lookup, not a count of tickets
        out.append({
            "code": service.code, "name": service.name, **hours_status[service.id], "waiting": n,
            "estimated_wait_minutes": _wait(service.id, n, default_minutes),
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
