"""Position and wait estimate with a long queue: the trigger-kept tally and the short-side count agree with the
queue order of rules.order_key for every waiting ticket, whatever happened to the others."""
from __future__ import annotations

import math
from datetime import timedelta

from edge_server.db import database
from edge_server.models import CounterService, Service, Ticket
from edge_server.queue import issuing, rules
from edge_server.queue import service as queue
from edge_server.queue.tally import waiting as tally_waiting


def _expected_positions(service_id: int, today) -> dict[str, int]:
    rows = Ticket.select().where((Ticket.service == service_id) & (Ticket.status == rules.WAITING)
                                 & (Ticket.business_date == today))
    ordered = sorted((rules.QueueEntry(t.id, t.priority, t.issued_at, t.number) for t in rows), key=rules.order_key)
    return {entry.id: i for i, entry in enumerate(ordered)}


def _count_waiting(service_id: int, today) -> tuple[int, int]:
    rows = list(Ticket.select(Ticket.priority).where((Ticket.service == service_id) & (Ticket.business_date == today)
                                                     & (Ticket.status == rules.WAITING)).tuples())
    return len(rows), sum(1 for (p,) in rows if p)


def test_position_and_estimate_are_right_for_every_ticket_of_a_long_queue(app, clock):
    """GIVEN 700 waiting in A (priority ones among them, more than POSITION_SCAN behind the first), transfers from
    B that keep their earlier place, calls, cancels and finished tickets with a known service time
    WHEN each waiting ticket's position and estimate are asked THEN they match the queue order exactly."""
    if clock.local().hour >= 23:  # the test moves the clock 13 minutes on: all of it on one business day
        clock.travel(timedelta(hours=1, minutes=30))
    with app.app_context(), database.connection_context():
        today = clock.business_date()
        service_a = Service.get(Service.code == "A")
        early_b = [queue.issue_ticket("B", clock=clock) for _ in range(5)]
        clock.travel(timedelta(seconds=1))
        for _ in range(3):  # three finished tickets of four minutes each: the estimate's service time
            ticket = queue.issue_ticket("A", clock=clock)
        served = 0
        counter = next(cs.counter for cs in CounterService.select() if cs.service_id == service_a.id)
        while served < 3:
            called = queue.call_next(counter.number, clock=clock)
            if called.service_id != service_a.id:
                queue.act(called.id, "finish", clock=clock)
                continue
            queue.act(called.id, "start", clock=clock)
            clock.travel(timedelta(minutes=4))
            queue.act(called.id, "finish", clock=clock)
            served += 1
        taken = [queue.issue_ticket("A", clock=clock, priority=(i % 9 == 0)) for i in range(700)]
        for ticket in taken[100:120]:
            queue.act(ticket.id, "cancel", clock=clock)
        for ticket in early_b[:3]:  # their issue time is older: they go to the front of A's non-priority class
            if Ticket.get_by_id(ticket.id).status == rules.WAITING:
                queue.act(ticket.id, "transfer", clock=clock, target_service="A")
        queue.call_next(counter.number, clock=clock)

        assert tally_waiting(service_a.id, today) == _count_waiting(service_a.id, today)
        expected = _expected_positions(service_a.id, today)
        assert len(expected) > issuing.POSITION_SCAN + 100
        counters = CounterService.select().where(CounterService.service == service_a.id).count()
        done = Ticket.select().where((Ticket.service == service_a.id) & (Ticket.status == rules.DONE))
        minutes = sum((t.finished_at - t.started_at).total_seconds() for t in done) / 60 / 3
        assert 4.0 <= minutes < 4.01
        for ticket in Ticket.select().where(Ticket.id.in_(list(expected))):
            body = queue.ticket_json(ticket, "http://edge")
            assert body["position"] == expected[ticket.id], ticket.number
            assert body["estimated_wait_minutes"] == (math.ceil(expected[ticket.id] * minutes / counters)
                                                      if expected[ticket.id] else 0)


def test_tally_follows_every_kind_of_change(app, clock):
    """GIVEN tickets issued, called, transferred, cancelled, made priority by hand and deleted THEN the tally of
    every service equals a count over the ticket table."""
    with app.app_context(), database.connection_context():
        today = clock.business_date()
        tickets = [queue.issue_ticket("ABC"[i % 3], clock=clock, priority=(i % 4 == 0)) for i in range(30)]
        queue.act(tickets[1].id, "transfer", clock=clock, target_service="C")
        queue.act(tickets[2].id, "cancel", clock=clock)
        queue.call_next(1, clock=clock)
        Ticket.update(priority=True).where(Ticket.id == tickets[4].id).execute()
        Ticket.delete().where(Ticket.id == tickets[5].id).execute()
        called = [t for t in Ticket.select() if t.status == rules.CALLED]
        queue.act(called[0].id, "no-show", clock=clock)
        for service in Service.select():
            assert tally_waiting(service.id, today) == _count_waiting(service.id, today), service.code
